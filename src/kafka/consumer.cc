#include "kafka/consumer.h"

#include <fmt/format.h>

#include "kafka/rd_util.h"

namespace strata::kafka {

using internal::Explain;
using internal::FromKafka;

struct Consumer::Impl {
  internal::Handle handle;
};

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Consumer::~Consumer() {
  if (impl_ && impl_->handle.rk) rd_kafka_consumer_close(impl_->handle.rk.get());
}

Result<std::unique_ptr<Consumer>> Consumer::Open(const ClientOptions& client, const ConsumerOptions& options) {
  auto impl = std::make_unique<Impl>();
  STRATA_ASSIGN_OR_RETURN(
      impl->handle,
      internal::NewHandle(
          RD_KAFKA_CONSUMER, client,
          {{"group.id", options.group_id.value_or("strata-reader")},
           {"enable.auto.commit", "false"},
           {"enable.auto.offset.store", "false"},
           {"enable.partition.eof", "false"},
           // An offset outside the log is an error we report, never a silent jump.
           {"auto.offset.reset", "error"},
           {"isolation.level",
            options.isolation == Isolation::kReadCommitted ? "read_committed" : "read_uncommitted"}}));
  rd_kafka_poll_set_consumer(impl->handle.rk.get());
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Status Consumer::Assign(const std::vector<PartitionStart>& starts) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(starts.size()));
  for (const auto& s : starts) {
    rd_kafka_topic_partition_list_add(list, s.topic.c_str(), s.partition)->offset = s.offset;
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(impl_->handle.rk.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  return FromKafka(err, "assign partitions");
}

namespace {

TimestampType ToTimestampType(rd_kafka_timestamp_type_t t) {
  switch (t) {
    case RD_KAFKA_TIMESTAMP_CREATE_TIME: return TimestampType::kCreateTime;
    case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: return TimestampType::kLogAppendTime;
    default: return TimestampType::kNotAvailable;
  }
}

Record ToRecord(rd_kafka_message_t* m) {
  Record r;
  r.topic = rd_kafka_topic_name(m->rkt);
  r.partition = m->partition;
  r.offset = m->offset;
  if (m->key != nullptr) r.key.emplace(static_cast<const char*>(m->key), m->key_len);
  if (m->payload != nullptr) r.value.emplace(static_cast<const char*>(m->payload), m->len);
  rd_kafka_timestamp_type_t tstype;
  r.timestamp_ms = rd_kafka_message_timestamp(m, &tstype);
  r.timestamp_type = ToTimestampType(tstype);
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      Header h{name, std::nullopt};
      if (value != nullptr) h.value.emplace(static_cast<const char*>(value), size);
      r.headers.push_back(std::move(h));
    }
  }
  return r;
}

}  // namespace

Result<std::optional<Record>> Consumer::Poll(Deadline deadline) {
  rd_kafka_message_t* m = rd_kafka_consumer_poll(impl_->handle.rk.get(), deadline.RemainingMillis());
  if (m == nullptr) return std::optional<Record>();
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string where = m->rkt != nullptr
                            ? fmt::format("read {} partition {} at offset {}", rd_kafka_topic_name(m->rkt),
                                          m->partition, m->offset)
                            : std::string("read from Kafka");
    Status s = FromKafka(m->err, where);
    rd_kafka_message_destroy(m);
    return Explain(s, *impl_->handle.errors);
  }
  Record r = ToRecord(m);
  rd_kafka_message_destroy(m);
  return std::optional<Record>(std::move(r));
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
