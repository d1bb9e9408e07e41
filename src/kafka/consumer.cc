#include "kafka/consumer.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "kafka/rd_util.h"

namespace strata::kafka {

using internal::Explain;
using internal::FromKafka;

struct Consumer::Impl {
  internal::Handle handle;
  std::optional<std::string> group_id;
  // The current assignment and its start offsets: rd_kafka_position() answers for any
  // partition, and knows no position before the first record or marker is read.
  std::map<std::pair<std::string, int32_t>, int64_t> assigned;
  // The offset of the last PartitionEnd per partition. It can be past librdkafka's
  // position: when compaction removed the last records of the log, no record or marker
  // is left to move the position to the end.
  std::map<std::pair<std::string, int32_t>, int64_t> ends;
  // Subscribe mode: told about rebalances; the first error it returned (Poll reports it).
  RebalanceListener* listener = nullptr;
  Status failed;

  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                          void* opaque);
  void Rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts);
};

void Consumer::Impl::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                                 void* opaque) {
  auto* sink = static_cast<internal::ErrorSink*>(opaque);
  if (sink != nullptr && sink->owner != nullptr) {
    static_cast<Impl*>(sink->owner)->Rebalance(rk, err, parts);
  } else {
    rd_kafka_assign(rk, nullptr);
  }
}

void Consumer::Impl::Rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
  std::vector<TopicPartition> tps;
  for (int i = 0; parts != nullptr && i < parts->cnt; ++i) tps.push_back({parts->elems[i].topic, parts->elems[i].partition});
  auto unassign = [&] {
    rd_kafka_assign(rk, nullptr);
    assigned.clear();
    ends.clear();
  };
  if (err != RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    // Revoked (or lost: another member may read them already; what we save is still a
    // consistent state of our own).
    if (listener != nullptr && failed.ok()) failed = listener->OnRevoked(tps);
    unassign();
    return;
  }
  if (listener == nullptr || !failed.ok()) {
    unassign();
    return;
  }
  Result<std::vector<PartitionStart>> starts = listener->OnAssigned(tps);
  if (!starts.ok()) {
    failed = starts.status();
    unassign();
    return;
  }
  internal::PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(starts->size())));
  for (const auto& s : *starts) rd_kafka_topic_partition_list_add(list.get(), s.topic.c_str(), s.partition)->offset = s.offset;
  Status assigned_ok = FromKafka(rd_kafka_assign(rk, list.get()), "assign the partitions the group gave");
  if (!assigned_ok.ok()) {
    failed = assigned_ok;
    unassign();
    return;
  }
  assigned.clear();
  ends.clear();
  for (const auto& s : *starts) assigned[{s.topic, s.partition}] = s.offset;
}

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Consumer::~Consumer() {
  if (!impl_ || !impl_->handle.rk) return;
  // Leaving the group revokes everything once more; the owner has saved its work (or
  // failed) by now, and may be half destroyed: the listener hears nothing more.
  impl_->listener = nullptr;
  rd_kafka_consumer_close(impl_->handle.rk.get());
}

Result<std::unique_ptr<Consumer>> Consumer::Open(const ClientOptions& given, const ConsumerOptions& options) {
  auto impl = std::make_unique<Impl>();
  // Throughput defaults (the caller's -X settings come after them and win): big fetches,
  // and a local queue deep enough that librdkafka 2.0 (which backs off a full second
  // whenever the queue is at its limit) keeps fetching while the backup drains it.
  ClientOptions client = given;
  client.properties.insert(client.properties.begin(),
                           {{"fetch.max.bytes", "33554432"},
                            {"max.partition.fetch.bytes", "4194304"},
                            {"receive.message.max.bytes", "100000000"},
                            {"queued.max.messages.kbytes", std::to_string(options.queue_kbytes)},
                            {"queued.min.messages", "1000000"}});
  STRATA_ASSIGN_OR_RETURN(
      impl->handle,
      internal::NewHandle(
          RD_KAFKA_CONSUMER, client,
          {{"group.id", options.group_id.value_or("strata-reader")},
           {"enable.auto.commit", "false"},
           {"enable.auto.offset.store", "false"},
           {"enable.partition.eof", options.report_partition_end ? "true" : "false"},
           // An offset outside the log is an error we report, never a silent jump.
           {"auto.offset.reset", "error"},
           // Subscribe's listener uses the eager protocol (assign/unassign everything).
           {"partition.assignment.strategy", "roundrobin"},
           {"isolation.level",
            options.isolation == Isolation::kReadCommitted ? "read_committed" : "read_uncommitted"}},
          [](rd_kafka_conf_t* conf) { rd_kafka_conf_set_rebalance_cb(conf, &Impl::OnRebalance); }));
  impl->handle.errors->owner = impl.get();
  rd_kafka_poll_set_consumer(impl->handle.rk.get());
  impl->group_id = options.group_id;
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Status Consumer::Assign(const std::vector<PartitionStart>& starts) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(starts.size()));
  for (const auto& s : starts) {
    rd_kafka_topic_partition_list_add(list, s.topic.c_str(), s.partition)->offset = s.offset;
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(impl_->handle.rk.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  STRATA_RETURN_IF_ERROR(FromKafka(err, "assign partitions"));
  impl_->assigned.clear();
  impl_->ends.clear();
  for (const auto& s : starts) impl_->assigned[{s.topic, s.partition}] = s.offset;
  return OkStatus();
}

Status Consumer::Subscribe(const std::vector<std::string>& topics, RebalanceListener* listener) {
  if (!impl_->group_id) {
    return FailedPreconditionError("subscribe: the consumer has no group (set ConsumerOptions::group_id)");
  }
  impl_->listener = listener;
  internal::PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  return FromKafka(rd_kafka_subscribe(impl_->handle.rk.get(), list.get()),
                   fmt::format("join group \"{}\"", *impl_->group_id));
}

namespace {

TimestampType ToTimestampType(rd_kafka_timestamp_type_t t) {
  switch (t) {
    case RD_KAFKA_TIMESTAMP_CREATE_TIME: return TimestampType::kCreateTime;
    case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: return TimestampType::kLogAppendTime;
    default: return TimestampType::kNotAvailable;
  }
}

}  // namespace

Message& Message::operator=(Message&& other) noexcept {
  if (this != &other) {
    if (m_ != nullptr) rd_kafka_message_destroy(m_);
    m_ = std::exchange(other.m_, nullptr);
  }
  return *this;
}

Message::~Message() {
  if (m_ != nullptr) rd_kafka_message_destroy(m_);
}

std::string_view Message::topic() const { return rd_kafka_topic_name(m_->rkt); }
int32_t Message::partition() const { return m_->partition; }
int64_t Message::offset() const { return m_->offset; }

std::optional<ByteView> Message::key() const {
  if (m_->key == nullptr) return std::nullopt;
  return ByteView(static_cast<const char*>(m_->key), m_->key_len);
}

std::optional<ByteView> Message::value() const {
  if (m_->payload == nullptr) return std::nullopt;
  return ByteView(static_cast<const char*>(m_->payload), m_->len);
}

int64_t Message::timestamp_ms() const {
  rd_kafka_timestamp_type_t type;
  return rd_kafka_message_timestamp(m_, &type);
}

TimestampType Message::timestamp_type() const {
  rd_kafka_timestamp_type_t type;
  rd_kafka_message_timestamp(m_, &type);
  return ToTimestampType(type);
}

void Message::Headers(std::vector<HeaderView>* out) const {
  out->clear();
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m_, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  const char* name;
  const void* value;
  size_t size;
  for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
    HeaderView h{name, std::nullopt};
    if (value != nullptr) h.value = ByteView(static_cast<const char*>(value), size);
    out->push_back(h);
  }
}

Record Message::ToRecord() const {
  Record r;
  r.topic = topic();
  r.partition = partition();
  r.offset = offset();
  if (auto k = key()) r.key.emplace(*k);
  if (auto v = value()) r.value.emplace(*v);
  r.timestamp_ms = timestamp_ms();
  r.timestamp_type = timestamp_type();
  std::vector<HeaderView> headers;
  Headers(&headers);
  for (const auto& h : headers) {
    r.headers.push_back(Header{std::string(h.key), h.value ? std::optional<Bytes>(Bytes(*h.value)) : std::nullopt});
  }
  return r;
}

Result<MessageEvent> Consumer::PollMessage(Deadline deadline) {
  if (!impl_->failed.ok()) return impl_->failed;
  rd_kafka_message_t* m = rd_kafka_consumer_poll(impl_->handle.rk.get(), deadline.RemainingMillis());
  if (!impl_->failed.ok()) {
    if (m != nullptr) rd_kafka_message_destroy(m);
    return impl_->failed;
  }
  if (m == nullptr) return MessageEvent{};
  if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    PartitionEnd end{rd_kafka_topic_name(m->rkt), m->partition, m->offset};
    rd_kafka_message_destroy(m);
    impl_->ends[{end.topic, end.partition}] = end.offset;
    return MessageEvent{std::nullopt, std::move(end)};
  }
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string where = m->rkt != nullptr
                            ? fmt::format("read {} partition {} at offset {}", rd_kafka_topic_name(m->rkt),
                                          m->partition, m->offset)
                            : std::string("read from Kafka");
    Status s = FromKafka(m->err, where);
    rd_kafka_message_destroy(m);
    return Explain(s, *impl_->handle.errors);
  }
  return MessageEvent{Message(m), std::nullopt};
}

Result<PollEvent> Consumer::Poll(Deadline deadline) {
  STRATA_ASSIGN_OR_RETURN(MessageEvent ev, PollMessage(deadline));
  PollEvent out;
  if (ev.message) out.record = ev.message->ToRecord();
  out.end = std::move(ev.end);
  return out;
}

Result<int64_t> Consumer::Position(const std::string& topic, int32_t partition) {
  std::string what = fmt::format("position in {} partition {}", topic, partition);
  auto assigned = impl_->assigned.find({topic, partition});
  if (assigned == impl_->assigned.end()) {
    return NotFoundError(fmt::format("{}: the partition is not assigned", what));
  }
  internal::PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition);
  STRATA_RETURN_IF_ERROR(FromKafka(rd_kafka_position(impl_->handle.rk.get(), list.get()), what));
  const rd_kafka_topic_partition_t& p = list->elems[0];
  STRATA_RETURN_IF_ERROR(FromKafka(p.err, what));
  // librdkafka moves the position past each record returned and each transaction marker
  // read (those it never returns); before the first, it has none (a negative offset).
  int64_t position = p.offset >= 0 ? p.offset : assigned->second;
  if (auto end = impl_->ends.find({topic, partition}); end != impl_->ends.end()) {
    position = std::max(position, end->second);
  }
  if (position < 0) {
    return FailedPreconditionError(
        fmt::format("{}: unknown until a record or the partition's end is read", what));
  }
  return position;
}

Status Consumer::CommitOffsets(const std::vector<PartitionStart>& offsets, Deadline deadline) {
  if (!impl_->group_id) {
    return FailedPreconditionError("commit offsets: the consumer has no group (set ConsumerOptions::group_id)");
  }
  std::string what = fmt::format("commit offsets for group \"{}\"", *impl_->group_id);
  if (offsets.empty()) return OkStatus();
  internal::PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& o : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition)->offset = o.offset;
  }
  rd_kafka_t* rk = impl_->handle.rk.get();
  // rd_kafka_commit(sync) would wait without a limit; a queue lets the deadline hold.
  internal::QueuePtr queue(rd_kafka_queue_new(rk));
  STRATA_RETURN_IF_ERROR(FromKafka(rd_kafka_commit_queue(rk, list.get(), queue.get(), nullptr, nullptr), what));
  internal::EventPtr ev(rd_kafka_queue_poll(queue.get(), deadline.RemainingMillis()));
  if (!ev) return Explain(DeadlineExceededError(fmt::format("{}: no answer in time", what)), *impl_->handle.errors);
  // A member-less commit is refused with these while the group has members.
  auto members_active = [&](rd_kafka_resp_err_t err) -> std::optional<Status> {
    if (err != RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID && err != RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION &&
        err != RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS) {
      return std::nullopt;
    }
    return FailedPreconditionError(fmt::format("{}: {}: the group has active members; stop its consumers and retry",
                                               what, rd_kafka_err2name(err)));
  };
  const rd_kafka_topic_partition_list_t* answered = rd_kafka_event_topic_partition_list(ev.get());
  for (int i = 0; answered != nullptr && i < answered->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = answered->elems[i];
    if (p.err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    if (auto s = members_active(p.err)) return *s;
    return Explain(FromKafka(p.err, fmt::format("{}: {} partition {}", what, p.topic, p.partition)),
                   *impl_->handle.errors);
  }
  rd_kafka_resp_err_t err = rd_kafka_event_error(ev.get());
  if (auto s = members_active(err)) return *s;
  return Explain(FromKafka(err, what), *impl_->handle.errors);
}

Result<Watermarks> Consumer::QueryWatermarks(const std::string& topic, int32_t partition, Deadline deadline) {
  Watermarks w;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(impl_->handle.rk.get(), topic.c_str(), partition,
                                                             &w.low, &w.high, deadline.RemainingMillis());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Explain(FromKafka(err, fmt::format("watermarks of {} partition {}", topic, partition)),
                   *impl_->handle.errors);
  }
  return w;
}

}  // namespace strata::kafka
