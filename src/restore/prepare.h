// Internal to the restore job: checks and prepares the target before any record is
// written: which topics exist, whether they can take the restore (partition counts),
// creating the missing ones with the backed-up settings, and that no consumer group to
// restore has active members. Thread-compatible.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "restore/kafka_restore.h"
#include "restore/plan.h"
#include "restore/target.h"

namespace strata::restore::internal {

struct TopicTarget {
  bool exists = false;
  int32_t partitions = 0;  // in the target (or to be created)
  bool log_append_time = false;
  kafka::TopicSpec spec;   // to create, when !exists
};

// Describes every target topic of `plan` and checks it can take the restore. Fills
// `outcomes` (one per topic plan) and `warnings`. Refusal if an existing topic has
// fewer partitions than needed; InvalidArgument if a topic to create needs more
// replicas than the cluster has brokers.
Result<std::vector<TopicTarget>> InspectTopics(Target& target, const RestorePlan& plan,
                                               const KafkaRestoreOptions& options, std::vector<TopicOutcome>* outcomes,
                                               std::vector<std::string>* warnings);

// Creates the topics that do not exist yet.
Status CreateTopics(Target& target, const RestorePlan& plan, std::vector<TopicTarget>& topics,
                    std::chrono::milliseconds timeout);

// Refusal naming the first group of `plan` that has active members in the target.
Status CheckGroupsIdle(Target& target, const RestorePlan& plan, std::chrono::milliseconds timeout);

}  // namespace strata::restore::internal
