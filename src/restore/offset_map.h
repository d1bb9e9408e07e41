// OffsetMap: where each restored record landed. A restore writes the records of a source
// partition, in offset order, to consecutive offsets of a target partition; the map
// records that as runs: a run says "source offsets s, s+1, ... s+n-1 became target
// offsets t, t+1, ... t+n-1". Gaps in the source (compaction, transaction markers,
// retention, records left out by --until) end a run. Stored in the repository as JSON
// (docs/format.md, "Kafka offset map").
//
// Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace strata::restore {

inline constexpr std::string_view kOffsetMapFormat = "strata-kafka-offset-map";
inline constexpr int kOffsetMapVersion = 1;

struct OffsetRun {
  int64_t source = 0;  // first source offset of the run
  int64_t target = 0;  // its target offset
  int64_t count = 0;   // records in the run (>= 1)
  friend bool operator==(const OffsetRun&, const OffsetRun&) = default;
};

// The runs of one partition, in offset order. Target offsets follow each other without
// gaps from target_start (a restore is the only writer of the range it fills).
class PartitionOffsets {
 public:
  PartitionOffsets() = default;
  explicit PartitionOffsets(int64_t target_start) : target_start_(target_start) {}

  // Adds the next restored record: source offset `source` went to target offset
  // target_end(). REQUIRES: `source` is above every source offset added before.
  void Add(int64_t source) { AddRange(source, 1); }
  // Adds `count` records with consecutive source offsets from `source`.
  // REQUIRES: count >= 1 and `source` above every source offset added before.
  void AddRange(int64_t source, int64_t count);
  // Adds runs read back from storage. InvalidArgument if they do not continue this
  // map (target offsets must follow target_end(), source offsets must increase).
  Status AddRuns(const std::vector<OffsetRun>& runs);
  // From now on Add starts a new run instead of extending the last one (so runs handed
  // out before stay as they were).
  void Seal() { sealed_ = runs_.size(); }
  // The same map with adjacent runs that continue each other merged (Seal and
  // checkpoints split runs).
  PartitionOffsets Compacted() const;

  // The target offset a consumer should read next when it had committed source offset
  // `committed` (the next source offset it would have read): the target offset of the
  // first restored record whose source offset is >= `committed`. An offset in a gap
  // rounds to the next restored record, so nothing is skipped; past the last record it
  // is target_end().
  int64_t Translate(int64_t committed) const;

  int64_t target_start() const { return target_start_; }
  int64_t target_end() const { return target_start_ + records_; }
  int64_t records() const { return records_; }
  const std::vector<OffsetRun>& runs() const { return runs_; }
  // Equal runs (whether they are sealed does not matter).
  friend bool operator==(const PartitionOffsets& a, const PartitionOffsets& b) {
    return a.target_start_ == b.target_start_ && a.records_ == b.records_ && a.runs_ == b.runs_;
  }

 private:
  int64_t target_start_ = 0;
  int64_t records_ = 0;
  size_t sealed_ = 0;
  std::vector<OffsetRun> runs_;
};

struct PartitionMapEntry {
  std::string source_topic;
  std::string target_topic;
  int32_t partition = 0;
  PartitionOffsets offsets;
  friend bool operator==(const PartitionMapEntry&, const PartitionMapEntry&) = default;
};

// The whole map of one restore.
struct OffsetMap {
  std::string restore_id;
  std::string cluster;    // the source cluster's name in the repository
  std::string snapshot;   // id of the newest manifest the restore read
  std::string target_cluster_id;
  std::string created;    // ISO 8601 UTC
  std::vector<PartitionMapEntry> partitions;
  friend bool operator==(const OffsetMap&, const OffsetMap&) = default;

  // The entry for a source topic partition, or nullptr.
  const PartitionMapEntry* Find(std::string_view source_topic, int32_t partition) const;
};

std::string OffsetMapToJson(const OffsetMap& map);

// Parses a stored map. `where` names it in messages. FailedPrecondition for another
// format or version; DataLoss for malformed JSON or runs that break the rules above.
Result<OffsetMap> ParseOffsetMap(ByteView json, std::string_view where);

}  // namespace strata::restore
