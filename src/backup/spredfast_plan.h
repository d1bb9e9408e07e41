// The plan of a Spredfast import (docs/import-spredfast.md): which data objects make up
// each topic partition, in which order, and how their implied offsets become one
// partition log (duplicates dropped, gaps recorded). Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/object_store.h"

namespace strata::backup::spredfast {

// One data object to read.
struct SourceFile {
  std::string key;
  std::optional<std::string> index_key;  // nullopt: its index was never uploaded
  int64_t start_offset = 0;
  uint64_t size = 0;
  int64_t mtime_unix_ms = 0;
};

struct PartitionFiles {
  std::string topic;
  int32_t partition = 0;
  std::vector<SourceFile> files;          // by start offset
  std::vector<std::string> superseded;    // other copies of a start offset, not read
};

using TopicPartition = std::pair<std::string, int32_t>;

// Groups a recursive listing of the connector's prefix by topic and partition. Keys that
// are not data objects are ignored (cursor files, foreign objects); an index is matched
// to its data object by key. Several objects with the same start offset (an upload
// repeated under another date prefix): the one with the latest directory, then the
// latest modification time, is kept; the others are listed in `superseded`.
std::map<TopicPartition, PartitionFiles> GroupObjects(const std::vector<storage::ObjectInfo>& listing);

// Lays the implied offsets of a partition's objects end to end. Objects may overlap
// (the connector re-uploads after a restart): records below the next expected offset
// are dropped. An object that starts beyond it leaves a gap.
class OffsetTracker {
 public:
  struct Gap {
    int64_t from = 0;  // inclusive
    int64_t to = 0;    // inclusive
  };
  enum class Verdict { kKeep, kDuplicate };

  // A partition whose first object starts at `start`.
  explicit OffsetTracker(int64_t start) : next_(start) {}
  // The offset after the last record kept (the next one expected).
  int64_t next() const { return next_; }
  // Before an object's records: the gap it opens, if it starts beyond next().
  std::optional<Gap> StartObject(int64_t start_offset) const;
  // A record at `offset`: kept (and next() moves past it) or a duplicate.
  Verdict Record(int64_t offset);
  int64_t duplicates() const { return duplicates_; }

 private:
  int64_t next_;
  int64_t duplicates_ = 0;
};

}  // namespace strata::backup::spredfast
