// Consumer group offsets after a restore: each group's committed offset on a restored
// partition is translated through the partition's offset map (an offset in a gap goes to
// the next restored record, so a consumer skips nothing) and committed to the target.
// Only groups without active members can be committed to (Kafka's rule).
// Thread-compatible.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kafka/admin.h"
#include "restore/kafka_restore.h"
#include "restore/offset_map.h"
#include "restore/plan.h"
#include "restore/target.h"

namespace strata::restore {

// Restored partitions by (source topic, partition).
using OffsetsBySource = std::map<std::pair<std::string, int32_t>, PartitionOffsets>;

// The offsets to commit for `group` in the target (target topic names), translated.
std::vector<kafka::GroupOffset> TranslateGroup(const format::GroupState& group, const RestorePlan& plan,
                                               const OffsetsBySource& offsets);

// Commits every group of `plan`; one outcome per group. A group that has active members
// gets a FailedPrecondition outcome naming it; a commit the coordinator is not ready for
// yet (a topic just created) is retried until `timeout`.
std::vector<GroupOutcome> CommitGroups(Target& target, const RestorePlan& plan, const OffsetsBySource& offsets,
                                       std::chrono::milliseconds timeout);

}  // namespace strata::restore
