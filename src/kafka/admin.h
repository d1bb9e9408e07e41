// Admin: cluster metadata and topic administration on one Kafka cluster.
// Safe for concurrent use (librdkafka handles are).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/deadline.h"
#include "core/result.h"
#include "kafka/client_options.h"

namespace strata::kafka {

struct BrokerInfo {
  int32_t id = -1;
  std::string host;
  int port = 0;
};

struct PartitionInfo {
  int32_t id = -1;
  int32_t leader = -1;
  std::vector<int32_t> replicas;
};

struct TopicInfo {
  std::string name;
  std::vector<PartitionInfo> partitions;  // ordered by id
};

struct ClusterInfo {
  std::vector<BrokerInfo> brokers;
  std::vector<TopicInfo> topics;  // internal topics (names starting with "__") included
};

struct TopicSpec {
  std::string name;
  int32_t partitions = 1;
  int16_t replication_factor = -1;  // -1: the broker's default.replication.factor
  std::map<std::string, std::string> configs;
};

class Admin {
 public:
  // Connects lazily; fails only on a bad configuration (InvalidArgument).
  static Result<std::unique_ptr<Admin>> Open(const ClientOptions& options);
  ~Admin();

  // Brokers and topics. DeadlineExceeded (with the last connection error) when no broker
  // answers in time; Unauthenticated on an authentication failure.
  Result<ClusterInfo> DescribeCluster(Deadline deadline);

  // AlreadyExists if the topic exists; InvalidArgument for a bad spec.
  Status CreateTopic(const TopicSpec& spec, Deadline deadline);
  // NotFound if the topic does not exist.
  Status DeleteTopic(const std::string& name, Deadline deadline);

 private:
  struct Impl;
  explicit Admin(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::kafka
