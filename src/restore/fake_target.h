// FakeTarget: an in-memory Kafka cluster for the restore tests. Topics hold their logs
// as vectors; the sink appends records on its own delivery thread, as a real producer
// does, and reports them in order. It can simulate a producer that dies: after a set
// number of records the sink appends what it has queued (the broker got it) but
// reports it as failed, and refuses further sends. Safe for concurrent use.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "restore/target.h"

namespace strata::restore {

class FakeTarget final : public Target {
 public:
  struct Topic {
    std::vector<std::vector<format::KafkaRecord>> logs;  // per partition, offset = index
    bool log_append_time = false;
    kafka::TopicSpec spec;
  };
  struct Group {
    int members = 0;
    std::vector<kafka::GroupOffset> offsets;
  };

  FakeTarget() = default;

  // Test controls.
  void AddTopic(const std::string& name, int32_t partitions, bool log_append_time = false);
  // Appends a record directly (another producer).
  void Append(const std::string& topic, int32_t partition, format::KafkaRecord record);
  void SetGroupMembers(const std::string& group, int members);
  // The sink dies after `records` more appended records (nullopt: never).
  void CrashAfter(std::optional<int64_t> records);
  std::vector<format::KafkaRecord> Log(const std::string& topic, int32_t partition) const;
  std::optional<Topic> GetTopic(const std::string& name) const;
  std::vector<kafka::GroupOffset> GroupOffsets(const std::string& group) const;

  Result<std::string> ClusterId(Deadline) override { return std::string("fake-cluster"); }
  Result<int> BrokerCount(Deadline) override { return 1; }
  Result<TargetTopic> DescribeTopic(const std::string& name, Deadline) override;
  Status CreateTopic(const kafka::TopicSpec& spec, Deadline) override;
  Result<kafka::Watermarks> Watermarks(const std::string& topic, int32_t partition, Deadline) override;
  Result<std::unique_ptr<PartitionReader>> OpenReader(const std::string& topic, int32_t partition,
                                                      int64_t offset) override;
  Result<std::vector<kafka::GroupInfo>> ListGroups(Deadline) override;
  Status CommitGroupOffsets(const std::string& group, const std::vector<kafka::GroupOffset>& offsets,
                            Deadline) override;
  Result<std::unique_ptr<RecordSink>> OpenSink(kafka::DeliveryHandler on_delivery) override;

  // Used by the sink: appends a produced record; false once crashed.
  bool AppendProduced(const std::string& topic, int32_t partition, format::KafkaRecord record, int64_t* offset);
  bool crashed() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Topic> topics_;
  std::map<std::string, Group> groups_;
  std::optional<int64_t> crash_after_;
  bool crashed_ = false;
};

}  // namespace strata::restore
