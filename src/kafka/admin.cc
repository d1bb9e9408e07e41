#include "kafka/admin.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>

#include "kafka/admin_impl.h"

namespace strata::kafka {

using internal::EventStatus;
using internal::Explain;
using internal::FromKafka;
using internal::RunAdmin;

int16_t TopicInfo::replication_factor() const {
  size_t most = 0;
  for (const auto& p : partitions) most = std::max(most, p.replicas.size());
  return static_cast<int16_t>(most);
}

Admin::Admin(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Admin::~Admin() = default;

Result<std::unique_ptr<Admin>> Admin::Open(const ClientOptions& options) {
  // The handle is a producer (librdkafka's admin API runs on any client type), and a
  // producer asks brokers to auto-create the topics it looks up: DescribeTopic must not.
  STRATA_ASSIGN_OR_RETURN(internal::Handle h,
                          internal::NewHandle(RD_KAFKA_PRODUCER, options, {{"allow.auto.create.topics", "false"}}));
  auto impl = std::make_unique<Impl>();
  impl->handle = std::move(h);
  impl->bootstrap = options.bootstrap_servers;
  return std::unique_ptr<Admin>(new Admin(std::move(impl)));
}

namespace {

TopicInfo ToTopicInfo(const rd_kafka_metadata_topic_t& t) {
  TopicInfo topic{t.topic, {}};
  for (int p = 0; p < t.partition_cnt; ++p) {
    const auto& part = t.partitions[p];
    topic.partitions.push_back(
        {part.id, part.leader, std::vector<int32_t>(part.replicas, part.replicas + part.replica_cnt)});
  }
  std::sort(topic.partitions.begin(), topic.partitions.end(),
            [](const PartitionInfo& a, const PartitionInfo& b) { return a.id < b.id; });
  return topic;
}

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
};
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

struct TopicDeleter {
  void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
};

}  // namespace

Result<ClusterInfo> Admin::DescribeCluster(Deadline deadline) {
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  Status answered = internal::WaitForAnswer(*impl_->handle.errors, deadline,
                                            fmt::format("metadata from {}", impl_->bootstrap), [&](int ms) {
                                              err = rd_kafka_metadata(impl_->handle.rk.get(), 1, nullptr, &raw, ms);
                                              return err != RD_KAFKA_RESP_ERR__TIMED_OUT;
                                            });
  if (answered.code() == StatusCode::kUnauthenticated) return answered;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Explain(FromKafka(err, fmt::format("metadata from {}", impl_->bootstrap)),
                   *impl_->handle.errors);
  }
  MetadataPtr md(raw);
  ClusterInfo info;
  for (int i = 0; i < md->broker_cnt; ++i) {
    info.brokers.push_back({md->brokers[i].id, md->brokers[i].host, md->brokers[i].port});
  }
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (md->topics[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    info.topics.push_back(ToTopicInfo(md->topics[i]));
  }
  std::sort(info.topics.begin(), info.topics.end(),
            [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; });
  return info;
}

Result<std::string> Admin::ClusterId(Deadline deadline) {
  char* id = nullptr;
  STRATA_RETURN_IF_ERROR(internal::WaitForAnswer(*impl_->handle.errors, deadline,
                                                 fmt::format("cluster id from {}", impl_->bootstrap), [&](int ms) {
                                                   id = rd_kafka_clusterid(impl_->handle.rk.get(), ms);
                                                   return id != nullptr;
                                                 }));
  std::string result(id);
  rd_kafka_mem_free(impl_->handle.rk.get(), id);
  return result;
}

Result<TopicInfo> Admin::DescribeTopic(const std::string& name, Deadline deadline) {
  std::string what = fmt::format("metadata of topic \"{}\"", name);
  rd_kafka_t* rk = impl_->handle.rk.get();
  std::unique_ptr<rd_kafka_topic_t, TopicDeleter> topic(rd_kafka_topic_new(rk, name.c_str(), nullptr));
  if (!topic) return InvalidArgumentError(fmt::format("{}: {}", what, rd_kafka_err2str(rd_kafka_last_error())));
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, topic.get(), &raw, deadline.RemainingMillis());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Explain(FromKafka(err, what), *impl_->handle.errors);
  MetadataPtr md(raw);
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& t = md->topics[i];
    if (name != t.topic) continue;
    // A missing topic is not a request error: the broker puts UNKNOWN_TOPIC_OR_PART in
    // the topic's own error field.
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) return FromKafka(t.err, what);
    return ToTopicInfo(t);
  }
  return InternalError(fmt::format("{}: the broker's answer does not mention the topic", what));
}

namespace {

// Reads the single topic result of a CreateTopics/DeleteTopics event.
Status TopicResult(const rd_kafka_topic_result_t* const* results, size_t n, std::string_view what) {
  if (n != 1) return InternalError(fmt::format("{}: expected 1 topic result, got {}", what, n));
  rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[0]);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return OkStatus();
  const char* detail = rd_kafka_topic_result_error_string(results[0]);
  Status s = FromKafka(err, what);
  return detail != nullptr ? Status(s.code(), fmt::format("{}: {}", what, detail)) : s;
}

// Waits until metadata shows `topic` with a leader for every partition.
Status AwaitLeaders(Admin& admin, const std::string& topic, Deadline deadline) {
  // The controller answers CreateTopics before the brokers' metadata has the topic; until
  // it does, produce, fetch and offset commits fail with UNKNOWN_TOPIC_OR_PART.
  constexpr auto kPollInterval = std::chrono::milliseconds(50);
  Status last;
  do {
    auto info = admin.DescribeTopic(topic, deadline);
    if (info.ok()) {
      bool led = std::all_of(info->partitions.begin(), info->partitions.end(),
                             [](const PartitionInfo& p) { return p.leader >= 0; });
      if (led && !info->partitions.empty()) return OkStatus();
      last = UnavailableError("not every partition has a leader yet");
    } else {
      last = info.status();
    }
    std::this_thread::sleep_for(kPollInterval);
  } while (!deadline.Expired());
  return DeadlineExceededError(fmt::format("topic \"{}\" was created, but the brokers do not serve all of it "
                                           "yet (last: {})",
                                           topic, last.ToString()));
}

}  // namespace

Status Admin::CreateTopic(const TopicSpec& spec, Deadline deadline) {
  std::string what = fmt::format("create topic \"{}\"", spec.name);
  std::array<char, 512> err{};
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions,
                                                  spec.replication_factor, err.data(), err.size());
  if (nt == nullptr) return InvalidArgumentError(fmt::format("{}: {}", what, err.data()));
  for (const auto& [k, v] : spec.configs) {
    rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
  }
  auto ev = RunAdmin(impl_->handle, RD_KAFKA_ADMIN_OP_CREATETOPICS, deadline, what,
                     [&](rd_kafka_t* rk, rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                       rd_kafka_CreateTopics(rk, &nt, 1, o, q);
                     });
  rd_kafka_NewTopic_destroy(nt);
  if (!ev.ok()) return ev.status();
  STRATA_RETURN_IF_ERROR(EventStatus(ev->get(), what, *impl_->handle.errors));
  size_t n = 0;
  const auto* results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev->get()), &n);
  STRATA_RETURN_IF_ERROR(TopicResult(results, n, what));
  return AwaitLeaders(*this, spec.name, deadline);
}


Status Admin::DeleteTopic(const std::string& name, Deadline deadline) {
  std::string what = fmt::format("delete topic \"{}\"", name);
  rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(name.c_str());
  auto ev = RunAdmin(impl_->handle, RD_KAFKA_ADMIN_OP_DELETETOPICS, deadline, what,
                     [&](rd_kafka_t* rk, rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                       rd_kafka_DeleteTopics(rk, &dt, 1, o, q);
                     });
  rd_kafka_DeleteTopic_destroy(dt);
  if (!ev.ok()) return ev.status();
  STRATA_RETURN_IF_ERROR(EventStatus(ev->get(), what, *impl_->handle.errors));
  size_t n = 0;
  const auto* results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev->get()), &n);
  return TopicResult(results, n, what);
}

}  // namespace strata::kafka
