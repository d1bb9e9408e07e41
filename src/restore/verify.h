// Verify: the `strata verify` job. Proves a repository's Kafka backups are whole without
// restoring them (every manifest parses and its counts add up; every segment and index
// object matches its checksums, its index and the manifest's summary), and compares a
// restored topic with its backup record by record.
//
// Functions; safe for concurrent use if the store and target are.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backup/repository.h"
#include "core/deadline.h"
#include "core/result.h"
#include "restore/snapshot.h"
#include "restore/target.h"

namespace strata::restore {

struct VerifyOptions {
  // Clusters to check; unset = every Kafka cluster in the repository.
  std::optional<std::string> cluster;
  // Unset: every manifest (and so every segment any of them references). Set: only the
  // manifests that make up that state.
  std::optional<SnapshotSelector> snapshot;
  int threads = 4;  // segments checked in parallel
  CancelToken cancel;
};

struct VerifyResult {
  int manifests = 0;
  int segments = 0;
  int64_t bytes = 0;    // segment and index bytes read
  int64_t records = 0;  // records in the checked segments
  int restore_records = 0;  // offset maps and restore records parsed
  // One line per damaged object: "<object>: what is wrong". Empty when all is well.
  std::vector<std::string> problems;
};

struct VerifyProgress {
  int segments_done = 0;
  int segments_total = 0;
  int64_t bytes = 0;
};
using VerifyProgressCallback = std::function<void(const VerifyProgress&)>;

// Checks the repository. Damaged objects are reported in the result, not as an error;
// errors are for what stops the check itself (NotFound: no Kafka backup; the store's
// errors; Cancelled).
Result<VerifyResult> VerifyRepository(const backup::Repository& repo, const VerifyOptions& options,
                                      const VerifyProgressCallback& progress = {});

struct CompareOptions {
  std::optional<std::string> cluster;
  SnapshotSelector snapshot;
  std::vector<std::string> topics;             // source topic names (required)
  std::map<std::string, std::string> renames;  // source -> target name
  std::optional<std::set<int32_t>> partitions;
  std::optional<int64_t> until_ms;
  std::chrono::milliseconds request_timeout{30'000};
};

struct PartitionComparison {
  std::string source_topic;
  std::string target_topic;
  int32_t partition = 0;
  int64_t target_start = 0;  // first target offset compared
  int64_t backup_records = 0;
  int64_t target_records = 0;
  std::string backup_digest;  // RecordDigest hex
  std::string target_digest;
  bool timestamps_compared = true;  // false for a LogAppendTime target topic
  // "" when every record matched; else the first difference, e.g. "record #12 (source
  // offset 40, target offset 12): value differs (5 vs 6 bytes)".
  std::string first_difference;
  bool match() const { return first_difference.empty(); }
};

// Compares each selected partition's backup with the target topic: in order, key,
// value, headers and timestamp of every record, and the counts. The target is read from
// where the latest restore of the partition into this cluster started (its offset map),
// else from the partition's log start. NotFound for an unknown topic (in the backup or
// the target); the store's and the target's errors.
Result<std::vector<PartitionComparison>> CompareWithKafka(const backup::Repository& repo, Target& target,
                                                          const CompareOptions& options);

}  // namespace strata::restore
