#include "kafka/admin.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "kafka/rd_util.h"

namespace strata::kafka {

using internal::Explain;
using internal::FromKafka;

struct Admin::Impl {
  internal::Handle handle;
  std::string bootstrap;
};

Admin::Admin(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Admin::~Admin() = default;

Result<std::unique_ptr<Admin>> Admin::Open(const ClientOptions& options) {
  STRATA_ASSIGN_OR_RETURN(internal::Handle h, internal::NewHandle(RD_KAFKA_PRODUCER, options, {}));
  auto impl = std::make_unique<Impl>();
  impl->handle = std::move(h);
  impl->bootstrap = options.bootstrap_servers;
  return std::unique_ptr<Admin>(new Admin(std::move(impl)));
}

Result<ClusterInfo> Admin::DescribeCluster(Deadline deadline) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(impl_->handle.rk.get(), 1, nullptr, &md, deadline.RemainingMillis());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Explain(FromKafka(err, fmt::format("metadata from {}", impl_->bootstrap)),
                   *impl_->handle.errors);
  }
  ClusterInfo info;
  for (int i = 0; i < md->broker_cnt; ++i) {
    info.brokers.push_back({md->brokers[i].id, md->brokers[i].host, md->brokers[i].port});
  }
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& t = md->topics[i];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    TopicInfo topic{t.topic, {}};
    for (int p = 0; p < t.partition_cnt; ++p) {
      const auto& part = t.partitions[p];
      topic.partitions.push_back(
          {part.id, part.leader, std::vector<int32_t>(part.replicas, part.replicas + part.replica_cnt)});
    }
    std::sort(topic.partitions.begin(), topic.partitions.end(),
              [](const PartitionInfo& a, const PartitionInfo& b) { return a.id < b.id; });
    info.topics.push_back(std::move(topic));
  }
  rd_kafka_metadata_destroy(md);
  std::sort(info.topics.begin(), info.topics.end(),
            [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; });
  return info;
}

namespace {

// Runs one admin request whose result arrives on `queue`; returns the event (owned by the
// caller) or a timeout.
Result<rd_kafka_event_t*> AwaitEvent(rd_kafka_queue_t* queue, Deadline deadline, std::string_view what) {
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, deadline.RemainingMillis());
  if (ev == nullptr) return DeadlineExceededError(fmt::format("{}: no answer in time", what));
  return ev;
}

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};

rd_kafka_AdminOptions_t* TimeoutOptions(rd_kafka_t* rk, rd_kafka_admin_op_t op, Deadline deadline) {
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk, op);
  std::array<char, 256> err{};
  rd_kafka_AdminOptions_set_request_timeout(opts, deadline.RemainingMillis(), err.data(), err.size());
  rd_kafka_AdminOptions_set_operation_timeout(opts, deadline.RemainingMillis(), err.data(), err.size());
  return opts;
}

// Reads the single topic result of a CreateTopics/DeleteTopics event.
Status TopicResult(const rd_kafka_topic_result_t* const* results, size_t n, std::string_view what) {
  if (n != 1) return InternalError(fmt::format("{}: expected 1 topic result, got {}", what, n));
  rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[0]);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return OkStatus();
  const char* detail = rd_kafka_topic_result_error_string(results[0]);
  Status s = FromKafka(err, what);
  return detail != nullptr ? Status(s.code(), fmt::format("{}: {}", what, detail)) : s;
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
  rd_kafka_t* rk = impl_->handle.rk.get();
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(rk));
  rd_kafka_AdminOptions_t* opts = TimeoutOptions(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS, deadline);
  rd_kafka_CreateTopics(rk, &nt, 1, opts, queue.get());
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewTopic_destroy(nt);
  auto ev = AwaitEvent(queue.get(), deadline, what);
  if (!ev.ok()) return Explain(ev.status(), *impl_->handle.errors);
  Status s = FromKafka(rd_kafka_event_error(*ev), what);
  if (s.ok()) {
    size_t n = 0;
    const auto* results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(*ev), &n);
    s = TopicResult(results, n, what);
  }
  rd_kafka_event_destroy(*ev);
  return Explain(s, *impl_->handle.errors);
}

Status Admin::DeleteTopic(const std::string& name, Deadline deadline) {
  std::string what = fmt::format("delete topic \"{}\"", name);
  rd_kafka_t* rk = impl_->handle.rk.get();
  rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(name.c_str());
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(rk));
  rd_kafka_AdminOptions_t* opts = TimeoutOptions(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS, deadline);
  rd_kafka_DeleteTopics(rk, &dt, 1, opts, queue.get());
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_DeleteTopic_destroy(dt);
  auto ev = AwaitEvent(queue.get(), deadline, what);
  if (!ev.ok()) return Explain(ev.status(), *impl_->handle.errors);
  Status s = FromKafka(rd_kafka_event_error(*ev), what);
  if (s.ok()) {
    size_t n = 0;
    const auto* results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(*ev), &n);
    s = TopicResult(results, n, what);
  }
  rd_kafka_event_destroy(*ev);
  return Explain(s, *impl_->handle.errors);
}

}  // namespace strata::kafka
