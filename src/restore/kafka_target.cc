#include "restore/kafka_target.h"

#include <fmt/format.h>

#include <chrono>
#include <mutex>
#include <thread>

namespace strata::restore {
namespace {

using namespace std::chrono_literals;

constexpr size_t kReadBatch = 1000;
constexpr auto kReadPoll = 200ms;
constexpr auto kTransientRetry = 200ms;

format::KafkaRecord ToFormat(kafka::Record&& r) {
  format::KafkaRecord f;
  f.offset = r.offset;
  f.timestamp_ms = r.timestamp_ms;
  f.timestamp_type = r.timestamp_type == kafka::TimestampType::kLogAppendTime ? format::TimestampType::kLogAppendTime
                                                                               : format::TimestampType::kCreateTime;
  f.key = std::move(r.key);
  f.value = std::move(r.value);
  for (auto& h : r.headers) f.headers.push_back({std::move(h.key), std::move(h.value)});
  return f;
}

class KafkaReader final : public PartitionReader {
 public:
  KafkaReader(std::unique_ptr<kafka::Consumer> consumer, std::string topic, int32_t partition, int64_t start,
              int64_t end)
      : consumer_(std::move(consumer)), topic_(std::move(topic)), partition_(partition), end_(end),
        done_(start >= end) {}

  Result<std::vector<format::KafkaRecord>> Next(Deadline deadline) override {
    std::vector<format::KafkaRecord> out;
    while (!done_ && out.size() < kReadBatch) {
      if (deadline.Expired()) {
        if (!out.empty()) break;
        return DeadlineExceededError(fmt::format("read {} partition {}: no records in time", topic_, partition_));
      }
      STRATA_ASSIGN_OR_RETURN(kafka::PollEvent ev, consumer_->Poll(Deadline::Min(deadline, Deadline::After(kReadPoll))));
      if (ev.record) {
        int64_t offset = ev.record->offset;
        out.push_back(ToFormat(std::move(*ev.record)));
        if (offset + 1 >= end_) done_ = true;
      } else if (ev.end && ev.end->offset >= end_) {
        done_ = true;
      } else if (ev.empty() && !out.empty()) {
        break;
      }
    }
    return out;
  }

 private:
  std::unique_ptr<kafka::Consumer> consumer_;
  std::string topic_;
  int32_t partition_;
  int64_t end_;
  bool done_;
};

class KafkaSink final : public RecordSink {
 public:
  explicit KafkaSink(std::unique_ptr<kafka::BulkProducer> producer) : producer_(std::move(producer)) {}
  Result<int> AddTopic(const std::string& name) override { return producer_->AddTopic(name); }
  Status Send(int topic, const kafka::RecordView& record, void* opaque, Deadline deadline,
              const CancelToken& cancel) override {
    return producer_->Send(topic, record, opaque, deadline, cancel);
  }
  Status Flush(Deadline deadline) override { return producer_->Flush(deadline); }

 private:
  std::unique_ptr<kafka::BulkProducer> producer_;
};

class KafkaTarget final : public Target {
 public:
  KafkaTarget(KafkaTargetOptions options, std::unique_ptr<kafka::Admin> admin,
              std::unique_ptr<kafka::Consumer> watermarks)
      : options_(std::move(options)), admin_(std::move(admin)), watermarks_(std::move(watermarks)) {}

  Result<std::string> ClusterId(Deadline deadline) override { return admin_->ClusterId(deadline); }

  Result<int> BrokerCount(Deadline deadline) override {
    STRATA_ASSIGN_OR_RETURN(kafka::ClusterInfo info, admin_->DescribeCluster(deadline));
    return static_cast<int>(info.brokers.size());
  }

  Result<TargetTopic> DescribeTopic(const std::string& name, Deadline deadline) override {
    STRATA_ASSIGN_OR_RETURN(kafka::TopicInfo info, admin_->DescribeTopic(name, deadline));
    TargetTopic t;
    t.partitions = info.partition_count();
    STRATA_ASSIGN_OR_RETURN(kafka::TopicConfigs configs, admin_->DescribeTopicConfigs(name, deadline, false));
    auto it = configs.values.find("message.timestamp.type");
    t.log_append_time = it != configs.values.end() && it->second == "LogAppendTime";
    return t;
  }

  Status CreateTopic(const kafka::TopicSpec& spec, Deadline deadline) override {
    return admin_->CreateTopic(spec, deadline);
  }

  Result<kafka::Watermarks> Watermarks(const std::string& topic, int32_t partition, Deadline deadline) override {
    std::lock_guard<std::mutex> lock(mu_);
    while (true) {
      // A partition created moments ago may not have its leader known to this client yet.
      auto wm = watermarks_->QueryWatermarks(topic, partition, deadline);
      if (wm.ok() || !IsTransient(wm.status()) || deadline.Expired()) return wm;
      std::this_thread::sleep_for(kTransientRetry);
    }
  }

  Result<std::unique_ptr<PartitionReader>> OpenReader(const std::string& topic, int32_t partition,
                                                      int64_t offset) override {
    kafka::ConsumerOptions o;
    o.isolation = kafka::Isolation::kReadUncommitted;
    o.report_partition_end = true;
    STRATA_ASSIGN_OR_RETURN(auto consumer, kafka::Consumer::Open(options_.client, o));
    STRATA_ASSIGN_OR_RETURN(kafka::Watermarks wm, consumer->QueryWatermarks(topic, partition, Deadline::After(30s)));
    if (offset < wm.high) STRATA_RETURN_IF_ERROR(consumer->Assign({{topic, partition, offset}}));
    auto reader = std::make_unique<KafkaReader>(std::move(consumer), topic, partition, offset, wm.high);
    return std::unique_ptr<PartitionReader>(std::move(reader));
  }

  Result<std::vector<kafka::GroupInfo>> ListGroups(Deadline deadline) override { return admin_->ListGroups(deadline); }

  Status CommitGroupOffsets(const std::string& group, const std::vector<kafka::GroupOffset>& offsets,
                            Deadline deadline) override {
    return admin_->CommitGroupOffsets(group, offsets, deadline);
  }

  Result<std::unique_ptr<RecordSink>> OpenSink(kafka::DeliveryHandler on_delivery) override {
    kafka::ClientOptions client = options_.client;
    client.properties.insert(client.properties.begin(), options_.producer_properties.begin(),
                             options_.producer_properties.end());
    kafka::BulkProducerOptions po;
    po.on_delivery = std::move(on_delivery);
    STRATA_ASSIGN_OR_RETURN(auto producer, kafka::BulkProducer::Open(client, std::move(po)));
    return std::unique_ptr<RecordSink>(std::make_unique<KafkaSink>(std::move(producer)));
  }

 private:
  KafkaTargetOptions options_;
  std::unique_ptr<kafka::Admin> admin_;
  std::mutex mu_;  // kafka::Consumer is thread-compatible
  std::unique_ptr<kafka::Consumer> watermarks_;
};

}  // namespace

Result<std::unique_ptr<Target>> OpenKafkaTarget(const KafkaTargetOptions& options) {
  STRATA_ASSIGN_OR_RETURN(auto admin, kafka::Admin::Open(options.client));
  kafka::ConsumerOptions o;
  o.isolation = kafka::Isolation::kReadUncommitted;
  STRATA_ASSIGN_OR_RETURN(auto consumer, kafka::Consumer::Open(options.client, o));
  return std::unique_ptr<Target>(std::make_unique<KafkaTarget>(options, std::move(admin), std::move(consumer)));
}

}  // namespace strata::restore
