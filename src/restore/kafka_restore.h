// KafkaRestore: the `strata restore kafka` job. Restores the topics of a snapshot (the
// latest, a given one, or the newest at a time) into a Kafka cluster: creates missing
// topics with the backed-up partition count and configs, writes each record to its
// original partition in offset order (key, value, headers, timestamp) with an
// idempotent acks=all producer, records where each record landed (the offset map, in
// the repository), then translates the consumer groups' committed offsets through that
// map and commits them. How offsets are translated and how a restore resumes:
// docs/restore.md.
//
// Resumable: an attempt writes its restore record before the first record and progress
// checkpoints while it runs; run again with the same selection after a crash (even
// kill -9), it continues exactly where the target partitions end, without duplicates
// or gaps. This relies on the restore being the only writer of its target partitions;
// when they hold records that are not its own, it refuses.
//
// One job per call; RunKafkaRestore is thread-safe only for different targets.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backup/repository.h"
#include "core/deadline.h"
#include "core/result.h"
#include "restore/plan.h"
#include "restore/snapshot.h"
#include "restore/target.h"

namespace strata::restore {

struct KafkaRestoreOptions {
  // The source cluster's name in the repository; unset = the repository's only one.
  std::optional<std::string> cluster;
  SnapshotSelector snapshot;
  PlanOptions plan;
  // Replication factor of created topics; unset = the backup's (which the target must
  // have brokers for).
  std::optional<int16_t> replication_factor;
  // Allow restoring into target partitions that already hold records (appending after
  // them). Default false: a non-empty target partition is refused.
  bool append = false;
  // Print the plan instead of restoring. The target (when given) is only read.
  bool dry_run = false;
  // Limit of key + value + header bytes produced per second; unset = no limit.
  std::optional<double> max_bytes_per_sec;
  // Memory for fetched segment chunks and for records in flight (half each). Default
  // 256 MiB; smaller values slow the restore when the repository or the brokers are
  // far away.
  uint64_t memory_budget = uint64_t{256} << 20;
  int fetch_threads = 4;
  int workers = 2;
  bool check_sha256 = true;
  // A progress checkpoint is written this often (and at the end). Shorter intervals
  // make a resume re-read less; each is one small object.
  std::chrono::milliseconds checkpoint_interval{10'000};
  std::chrono::milliseconds request_timeout{30'000};
  // What the restore record says about the target (for people reading it).
  std::string target_description;
  // Stop at the next record, flush and checkpoint; the result is then Cancelled.
  CancelToken cancel;
};

struct TopicOutcome {
  std::string source;
  std::string target;
  bool created = false;          // (dry run: would be created)
  int32_t partitions = 0;        // restored partitions
  int32_t target_partition_count = 0;
  int64_t records = 0;           // restored (dry run: in the backup, an upper bound with --until)
  int64_t bytes = 0;             // stored bytes read (dry run: to read)
  bool log_append_time = false;  // the target replaces record timestamps
};

struct GroupOutcome {
  std::string group;
  int partitions = 0;
  Status status;  // why it was not committed, if not OK
};

struct KafkaRestoreResult {
  std::string cluster;
  std::string snapshot_id;
  std::string restore_id;   // "" for a dry run
  bool dry_run = false;
  bool resumed = false;           // continued an earlier attempt
  bool already_complete = false;  // an earlier attempt had finished; nothing written
  std::vector<TopicOutcome> topics;
  std::vector<GroupOutcome> groups;
  int64_t records = 0;          // written by this run
  int64_t bytes = 0;            // key + value + header bytes written by this run
  int64_t records_total = 0;    // restored in all attempts
  std::string offset_map_key;
  std::vector<std::string> warnings;
};

struct RestoreProgress {
  int64_t records_done = 0;   // acknowledged, earlier attempts included
  int64_t records_total = 0;  // upper bound
  int64_t bytes_sent = 0;
};
using RestoreProgressCallback = std::function<void(const RestoreProgress&)>;

// Runs the restore. `target` may be null only for a dry run (which then cannot say
// which topics exist). Errors:
//   NotFound: no backup, snapshot or topic matches the selection;
//   InvalidArgument: bad options (rename, regex, replication factor above the brokers);
//   FailedPrecondition starting "restore refused: " (IsRefusal): the target cannot take
//     the restore as asked (fewer partitions, non-empty partitions, records that are not
//     this restore's, a consumer group with active members);
//   DataLoss: damaged backup data, naming the object and offset (nothing of the bad
//     batch was written);
//   Cancelled: options.cancel was set (progress is checkpointed: run again to resume);
//   the repository's and the target's own errors otherwise.
// Consumer groups that cannot be committed at the end are reported in the result
// (GroupOutcome::status), not as an error: the records are restored.
Result<KafkaRestoreResult> RunKafkaRestore(const backup::Repository& repo, Target* target,
                                           const KafkaRestoreOptions& options,
                                           const RestoreProgressCallback& progress = {});

}  // namespace strata::restore
