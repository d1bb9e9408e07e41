// RestorePlan: what a restore reads and where it writes: the selected topics of a
// snapshot, each renamed or not, their selected partitions with the segments to read,
// and the consumer groups whose offsets follow the records. Built once, then read-only.
// Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "format/kafka_manifest.h"
#include "restore/snapshot.h"

namespace strata::restore {

struct PlanOptions {
  std::vector<std::string> topics;           // source topic names; empty = every topic
  std::map<std::string, std::string> renames;  // source name -> target name
  std::optional<std::set<int32_t>> partitions;  // unset = every partition
  std::optional<int64_t> until_ms;           // only records with timestamp <= until_ms
  std::string groups_regex = ".*";           // ECMAScript, whole group name
  bool skip_groups = false;
};

struct PartitionPlan {
  std::string source_topic;
  std::string target_topic;
  int32_t partition = 0;
  // Segments to read, in offset order (with --until, those whose records all came
  // later are left out).
  std::vector<format::SegmentRef> segments;
  int64_t records = 0;  // records in `segments`: exact, or an upper bound with --until
  int64_t bytes = 0;    // stored bytes of `segments`
  bool records_exact = true;
};

struct TopicPlan {
  std::string source;
  std::string target;
  int32_t partition_count = 0;      // in the backup
  int32_t replication_factor = 0;   // in the backup
  std::map<std::string, std::string> configs;  // set for the topic in the backup
  std::vector<PartitionPlan> partitions;       // partition order
  bool log_append_time = false;     // the backup's message.timestamp.type
};

struct RestorePlan {
  SnapshotState snapshot;  // topics and groups as read (before selection)
  std::vector<TopicPlan> topics;  // by source name
  // Groups to restore, with offsets only for the selected topics and partitions
  // (source topic names).
  std::vector<format::GroupState> groups;
  std::optional<int64_t> until_ms;

  int64_t records() const;
  int64_t bytes() const;
  size_t partition_count() const;
  // The plan of a source topic, or nullptr.
  const TopicPlan* FindSource(const std::string& source) const;
};

// Applies `options` to `snapshot`. NotFound if a named topic is not in the snapshot or
// no selected topic has any of the selected partitions; InvalidArgument for a rename of
// a topic that is not restored, a bad groups regex, or two topics with one target name.
Result<RestorePlan> BuildPlan(SnapshotState snapshot, const PlanOptions& options);

}  // namespace strata::restore
