// KafkaManifest: the commit point of a Kafka backup run (docs/format.md, "Kafka manifest").
// Pure data plus JSON encoding and validating decoding. Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace strata::format {

inline constexpr std::string_view kKafkaManifestFormat = "strata-kafka-manifest";
inline constexpr int kKafkaManifestVersion = 1;

struct SegmentRef {
  std::string key;
  std::string index_key;
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  int64_t records = 0;
  int64_t bytes = 0;
  int64_t min_timestamp = 0;
  int64_t max_timestamp = 0;
  uint32_t crc32c = 0;
  std::string sha256;  // lowercase hex
  friend bool operator==(const SegmentRef&, const SegmentRef&) = default;
};

struct OffsetGap {
  int64_t from = 0;  // inclusive
  int64_t to = 0;    // inclusive
  std::string reason;  // "retention" | "unreadable"
  friend bool operator==(const OffsetGap&, const OffsetGap&) = default;
};

struct PartitionState {
  int32_t partition = 0;
  int64_t log_start_offset = 0;
  int64_t high_watermark = 0;
  int64_t next_offset = 0;
  int64_t records = 0;
  std::vector<SegmentRef> segments;  // offset order, not overlapping
  std::vector<OffsetGap> gaps;
  friend bool operator==(const PartitionState&, const PartitionState&) = default;
};

struct TopicState {
  std::string name;
  int32_t partition_count = 0;
  int32_t replication_factor = 0;
  std::map<std::string, std::string> configs;
  std::vector<PartitionState> partitions;  // partition order
  friend bool operator==(const TopicState&, const TopicState&) = default;
};

struct GroupOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string metadata;
  friend bool operator==(const GroupOffset&, const GroupOffset&) = default;
};

struct GroupState {
  std::string group;
  std::vector<GroupOffset> offsets;
  friend bool operator==(const GroupState&, const GroupState&) = default;
};

struct AclEntry {
  std::string resource_type, resource_name, pattern_type, principal, host, operation, permission_type;
  friend bool operator==(const AclEntry&, const AclEntry&) = default;
};

struct AclSection {
  bool captured = false;
  std::string reason;  // why not captured, when !captured
  std::vector<AclEntry> bindings;
  friend bool operator==(const AclSection&, const AclSection&) = default;
};

// Where an imported backup came from (`strata import`); absent for a backup strata made.
struct ImportSource {
  std::string tool;  // "spredfast": a Kafka Connect S3 sink backup (docs/import-spredfast.md)
  std::string url;   // the location it was read from
  friend bool operator==(const ImportSource&, const ImportSource&) = default;
};

struct KafkaManifest {
  std::string id;
  std::string cluster;
  std::string created;  // ISO 8601 UTC with milliseconds
  std::string strata_version;
  std::string bootstrap_servers;
  std::string cluster_id;
  std::optional<ImportSource> imported;  // source.imported_from
  std::string isolation = "read_committed";
  bool complete = false;
  std::vector<TopicState> topics;  // name order
  std::vector<GroupState> consumer_groups;
  AclSection acls;
  std::vector<std::string> warnings;
  friend bool operator==(const KafkaManifest&, const KafkaManifest&) = default;

  // The topic called `name`, or nullptr.
  const TopicState* FindTopic(std::string_view name) const;
};

// The manifest as JSON (pretty-printed, stable field order).
std::string KafkaManifestToJson(const KafkaManifest& manifest);

// Parses and validates a manifest. `where` names it in messages (its key). Returns
// FailedPrecondition for another format or an unknown version, DataLoss for malformed
// JSON, missing fields or inconsistent contents (overlapping segments, offsets out of
// order).
Result<KafkaManifest> ParseKafkaManifest(ByteView json, std::string_view where);

}  // namespace strata::format
