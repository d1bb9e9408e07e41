// Internal to the restore job: decides, from the repository's records of earlier
// attempts and the target partitions' high watermarks, whether a restore starts fresh,
// resumes an unfinished attempt, or has nothing left to do; and where each partition
// resumes (docs/restore.md, "Resuming").
//
// The rule that makes resuming exact: a target partition written only by the restore
// holds, from the offset it had when the attempt started (its base), exactly the first
// `high watermark - base` records of the partition's restore sequence, in order. The
// idempotent producer writes them in order without duplicates; what a killed process
// had in flight is either in the log (and counted) or not at all. Checkpoints give a
// lower bound and the offsets of the records up to it; the records between the last
// checkpoint and the high watermark are found by reading the backup forward, and the
// last one is compared with the target's last record before anything is written.
#pragma once

#include <string>
#include <vector>

#include "backup/repository.h"
#include "core/result.h"
#include "restore/kafka_restore.h"
#include "restore/offset_map.h"
#include "restore/pipeline.h"
#include "restore/restore_log.h"

namespace strata::restore::internal {

struct AttemptPlan {
  enum class Kind { kFresh, kResume, kFinished };
  Kind kind = Kind::kFresh;
  RestoreRecord record;           // to write (fresh) or as found
  int64_t next_seq = 1;           // next checkpoint number
  std::vector<StreamStart> starts;  // one per plan partition, plan order (fresh, resume)
  std::vector<PartitionOffsets> finished;  // one per plan partition (finished)
};

// The fingerprint of a restore: what it reads, where it writes, and the target cluster.
std::string Fingerprint(const RestorePlan& plan, const std::string& target_cluster_id);

// Decides how this run proceeds. `partitions` lists the plan's partitions in order.
// Refusal when the target partitions hold records that are not the restore's;
// DataLoss for damaged restore records; the store's and the target's errors.
Result<AttemptPlan> DecideAttempt(const backup::Repository& repo, Target& target, const RestorePlan& plan,
                                  const std::vector<const PartitionPlan*>& partitions,
                                  const std::vector<bool>& log_append_time, const std::string& target_cluster_id,
                                  const KafkaRestoreOptions& options, std::vector<std::string>* warnings);

}  // namespace strata::restore::internal
