// Admin: what a backup reads about a Kafka cluster besides the records, and what a
// restore writes back: cluster id and metadata, topics and their configs, consumer
// groups and their committed offsets, ACLs.
// Safe for concurrent use (librdkafka handles are); each call blocks until its answer
// arrives or its deadline passes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/deadline.h"
#include "core/result.h"
#include "kafka/acl.h"
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

  int32_t partition_count() const { return static_cast<int32_t>(partitions.size()); }
  // The largest replica count of any partition (Kafka gives every partition the same
  // count at creation; a reassignment in progress can differ).
  int16_t replication_factor() const;
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

// A topic's configuration as Admin::DescribeTopicConfigs reports it.
struct TopicConfigs {
  // Config name -> value, ready for TopicSpec::configs.
  std::map<std::string, std::string> values;
  // Names of sensitive entries (passwords and the like). The broker never sends their
  // values, so they are not in `values`; a restore must ask the user for them.
  std::set<std::string> sensitive;
};

// A consumer group. Kafka's names throughout.
struct GroupInfo {
  std::string name;
  // "Stable", "Empty", "PreparingRebalance", "CompletingRebalance", "Dead" or "Unknown".
  std::string state;
  int member_count = 0;
  // "consumer" for groups whose members subscribe, "" for groups that only hold
  // committed offsets (members that assign partitions themselves, or none).
  std::string protocol_type;
};

// A committed offset: the next offset the group will read.
struct GroupOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string metadata;  // the committer's free-form note, usually empty
  friend bool operator==(const GroupOffset&, const GroupOffset&) = default;
};

class Admin {
 public:
  // Connects lazily; fails only on a bad configuration (InvalidArgument).
  static Result<std::unique_ptr<Admin>> Open(const ClientOptions& options);
  ~Admin();

  // Every method below returns DeadlineExceeded (with the last connection error) when no
  // broker answers in time, Unauthenticated on an authentication failure and
  // PermissionDenied when the principal lacks the right ACL.

  // Brokers and topics.
  Result<ClusterInfo> DescribeCluster(Deadline deadline);
  // The cluster id the brokers report (a 22-character base64 UUID).
  Result<std::string> ClusterId(Deadline deadline);

  // One topic's partitions and replicas. NotFound if the topic does not exist.
  Result<TopicInfo> DescribeTopic(const std::string& name, Deadline deadline);
  // Creates the topic and waits until the brokers report a leader for every partition,
  // so records and offsets can be written at once. AlreadyExists if the topic exists;
  // InvalidArgument for a bad spec; DeadlineExceeded if the topic was created but is not
  // served by the deadline (it exists then: a retry gets AlreadyExists).
  Status CreateTopic(const TopicSpec& spec, Deadline deadline);
  // NotFound if the topic does not exist.
  Status DeleteTopic(const std::string& name, Deadline deadline);

  // The configuration of `topic`. With `non_default_only`, only the entries set for this
  // topic (the ones `kafka-configs --describe --entity-type topics` lists, see
  // admin_configs.cc); else every entry, broker-wide and built-in defaults included.
  // NotFound if the topic does not exist.
  Result<TopicConfigs> DescribeTopicConfigs(const std::string& topic, Deadline deadline,
                                            bool non_default_only = true);

  // Consumer groups, by name: groups of protocol type "consumer" and groups that only
  // hold offsets. librdkafka does not list other groups (e.g. Kafka Connect's).
  Result<std::vector<GroupInfo>> ListGroups(Deadline deadline);
  // NotFound if the group does not exist (Kafka reports such a group as "Dead").
  // InvalidArgument if it is not a consumer group.
  Result<GroupInfo> DescribeGroup(const std::string& group, Deadline deadline);
  // The offsets `group` has committed, ordered by topic and partition; only for `topics`
  // unless it is empty. A group without offsets, or no such group, gives an empty list.
  Result<std::vector<GroupOffset>> ListGroupOffsets(const std::string& group,
                                                    const std::set<std::string>& topics,
                                                    Deadline deadline);
  // Commits `offsets` for `group`, creating the group if needed. Kafka accepts this only
  // from a member while the group has members: FailedPrecondition (naming the group and
  // its member count) if it has any. NotFound if a topic or partition does not exist;
  // Unavailable if the topic is so new that the group's coordinator does not know it yet
  // (retry); InvalidArgument for a negative offset or a partition listed twice.
  Status CommitGroupOffsets(const std::string& group, const std::vector<GroupOffset>& offsets,
                            Deadline deadline);

  // The ACL bindings that match `filter`. A cluster without an authorizer is not an
  // error: the listing then says so (AclListing::authorizer_enabled, note).
  // InvalidArgument for a name that is not Kafka's (see acl.h); PermissionDenied
  // (CLUSTER_AUTHORIZATION_FAILED) if the principal may not describe the cluster.
  Result<AclListing> DescribeAcls(const AclFilter& filter, Deadline deadline);
  // Creates `bindings` (creating an existing binding again is OK). InvalidArgument for a
  // name that is not Kafka's or a filter-only value (ANY, MATCH); Unimplemented for a
  // resource type or operation librdkafka 2.0.2 cannot send (TRANSACTIONAL_ID,
  // DELEGATION_TOKEN, USER; CREATE_TOKENS, DESCRIBE_TOKENS); FailedPrecondition when the
  // cluster has no authorizer; PermissionDenied if the principal may not alter the cluster.
  Status CreateAcls(const std::vector<AclBinding>& bindings, Deadline deadline);

 private:
  struct Impl;
  explicit Admin(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::kafka
