// Target: the Kafka cluster a restore writes to and a verify reads, seen through the
// few calls they need. KafkaTarget (kafka_target.h) talks to a real cluster; tests use
// FakeTarget (fake_target.h). Implementations are safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/deadline.h"
#include "core/result.h"
#include "format/kafka_record.h"
#include "kafka/admin.h"
#include "kafka/bulk_producer.h"
#include "kafka/consumer.h"

namespace strata::restore {

struct TargetTopic {
  int32_t partitions = 0;
  bool log_append_time = false;  // message.timestamp.type=LogAppendTime
};

// Writes records; see kafka::BulkProducer for the contract (values borrowed until their
// delivery report, reports in order per partition on another thread).
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // An id for Send. InvalidArgument for a bad name.
  virtual Result<int> AddTopic(const std::string& name) = 0;
  virtual Status Send(int topic, const kafka::RecordView& record, void* opaque, Deadline deadline,
                      const CancelToken& cancel) = 0;
  // Waits for every report. DeadlineExceeded if some are missing at the deadline.
  virtual Status Flush(Deadline deadline) = 0;
};

// Reads one partition from an offset up to the high watermark seen when opened.
class PartitionReader {
 public:
  virtual ~PartitionReader() = default;
  // The next records (at least one), or an empty vector at the end.
  virtual Result<std::vector<format::KafkaRecord>> Next(Deadline deadline) = 0;
};

class Target {
 public:
  virtual ~Target() = default;
  // Every call returns the client's errors (DeadlineExceeded, Unauthenticated,
  // PermissionDenied, ...) besides those named.

  virtual Result<std::string> ClusterId(Deadline deadline) = 0;
  virtual Result<int> BrokerCount(Deadline deadline) = 0;
  // NotFound if the topic does not exist.
  virtual Result<TargetTopic> DescribeTopic(const std::string& name, Deadline deadline) = 0;
  // AlreadyExists if it exists; InvalidArgument for a spec the cluster refuses.
  virtual Status CreateTopic(const kafka::TopicSpec& spec, Deadline deadline) = 0;
  // NotFound if the topic or partition does not exist.
  virtual Result<kafka::Watermarks> Watermarks(const std::string& topic, int32_t partition, Deadline deadline) = 0;
  // A reader of `topic`/`partition` from `offset` (read_uncommitted).
  virtual Result<std::unique_ptr<PartitionReader>> OpenReader(const std::string& topic, int32_t partition,
                                                              int64_t offset) = 0;
  // The consumer groups of the cluster with their member counts. (Listing needs no group
  // coordinator, so it answers at once on a cluster whose offsets topic does not exist
  // yet, where describing a group by name would wait for one.)
  virtual Result<std::vector<kafka::GroupInfo>> ListGroups(Deadline deadline) = 0;
  // FailedPrecondition if the group has active members.
  virtual Status CommitGroupOffsets(const std::string& group, const std::vector<kafka::GroupOffset>& offsets,
                                    Deadline deadline) = 0;
  // A sink whose delivery reports go to `on_delivery`.
  virtual Result<std::unique_ptr<RecordSink>> OpenSink(kafka::DeliveryHandler on_delivery) = 0;
};

}  // namespace strata::restore
