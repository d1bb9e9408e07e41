// The objects a Kafka restore keeps in the repository (docs/format.md, "Kafka restore
// records"), all write-once, under kafka/<cluster>/restores/<restore-id>/:
//   restore.json           what the attempt restores and where each target partition
//                          started (written before the first record is produced)
//   progress/<seq>.json    checkpoints: records acknowledged per partition and the
//                          offset runs added since the previous checkpoint
//   offset-map.json        the finished offset map (docs/format.md, "Kafka offset map")
// A restore id is "<fingerprint>-<attempt>": the fingerprint (16 hex digits) hashes
// what the restore does (snapshot, topics, renames, partitions, --until, target
// cluster), so running the same restore again finds its earlier attempts.
//
// Functions over a Repository; safe for concurrent use if the store is.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backup/repository.h"
#include "core/result.h"
#include "restore/offset_map.h"

namespace strata::restore {

inline constexpr std::string_view kRestoreRecordFormat = "strata-kafka-restore";
inline constexpr std::string_view kProgressFormat = "strata-kafka-restore-progress";
inline constexpr int kRestoreRecordVersion = 1;

struct RestorePartition {
  std::string source_topic;
  std::string target_topic;
  int32_t partition = 0;
  int64_t target_base = 0;  // the target partition's high watermark before the restore
  friend bool operator==(const RestorePartition&, const RestorePartition&) = default;
};

struct RestoreRecord {
  std::string restore_id;
  std::string fingerprint;
  std::string cluster;
  std::string snapshot;
  std::vector<std::string> manifests;
  std::optional<int64_t> until_ms;
  std::string target_cluster_id;
  std::string target_bootstrap;
  std::string created;
  std::string strata_version;
  std::vector<RestorePartition> partitions;
  friend bool operator==(const RestoreRecord&, const RestoreRecord&) = default;
};

struct PartitionProgress {
  std::string target_topic;
  int32_t partition = 0;
  int64_t records = 0;             // acknowledged records in total
  int64_t next_source_offset = -1;  // after the last acknowledged record; -1 before any
  std::vector<OffsetRun> runs;     // runs added since the previous checkpoint
  friend bool operator==(const PartitionProgress&, const PartitionProgress&) = default;
};

struct ProgressCheckpoint {
  std::string restore_id;
  int64_t seq = 0;
  std::string created;
  std::vector<PartitionProgress> partitions;
  friend bool operator==(const ProgressCheckpoint&, const ProgressCheckpoint&) = default;
};

// An earlier attempt of a restore, as found in the repository.
struct Attempt {
  std::string restore_id;
  int number = 0;
  RestoreRecord record;
  // Per target (topic, partition): acknowledged records, next source offset and all
  // runs, merged over the checkpoints in order.
  std::map<std::pair<std::string, int32_t>, PartitionProgress> progress;
  int64_t next_seq = 1;  // sequence number for the next checkpoint
  bool finished = false;  // its offset map exists
};

std::string RestoreId(const std::string& fingerprint, int attempt);
std::string RestoreRecordKey(const std::string& cluster, const std::string& restore_id);
std::string ProgressKey(const std::string& cluster, const std::string& restore_id, int64_t seq);
std::string OffsetMapKey(const std::string& cluster, const std::string& restore_id);

std::string RestoreRecordToJson(const RestoreRecord& record);
Result<RestoreRecord> ParseRestoreRecord(ByteView json, std::string_view where);
std::string ProgressToJson(const ProgressCheckpoint& checkpoint);
Result<ProgressCheckpoint> ParseProgress(ByteView json, std::string_view where);

// The newest attempt with `fingerprint`, or nullopt if there is none. Errors: the
// store's, and DataLoss / FailedPrecondition (naming the key) for damaged objects.
Result<std::optional<Attempt>> LatestAttempt(const backup::Repository& repo, const std::string& cluster,
                                             const std::string& fingerprint);

// Writers; each object is created once (AlreadyExists if the key exists).
Status WriteRestoreRecord(const backup::Repository& repo, const RestoreRecord& record);
Status WriteProgress(const backup::Repository& repo, const std::string& cluster, const ProgressCheckpoint& checkpoint);
Status WriteOffsetMap(const backup::Repository& repo, const OffsetMap& map);

// The offset maps of finished restores of `cluster`, oldest first, for later tools.
Result<std::vector<OffsetMap>> ListOffsetMaps(const backup::Repository& repo, const std::string& cluster);

}  // namespace strata::restore
