// SpredfastImport: the `strata import spredfast` job. Converts a topic backup written by
// the Spredfast (or Zalando) Kafka Connect S3 sink with `format=binary` into a strata
// Kafka backup in a repository: segments of record batches with the records' implied
// offsets, then a manifest, exactly as `strata backup kafka` writes them, so list, verify
// and restore treat it like any backup (docs/import-spredfast.md).
//
// Partitions are read one after the other, each object streamed in ranged reads, so
// memory stays bounded by the segments in flight whatever the size of the source. A run
// that fails writes no manifest: the repository shows nothing of it. One job per call;
// not reentrant.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backup/repository.h"
#include "core/deadline.h"
#include "core/result.h"
#include "format/spredfast_reader.h"
#include "storage/object_store.h"

namespace strata::backup {

inline constexpr const char* kSpredfastGapReason = "not_in_source";

struct SpredfastImportOptions {
  // The connector's location, for messages and the manifest.
  std::string source_url;
  // Topics by exact name and/or a regular expression (ECMAScript, whole name); neither:
  // every topic found.
  std::vector<std::string> topics;
  std::optional<std::string> topic_regex;
  // `format.include.keys` of the connector; nullopt: detected per topic from the
  // indexes (InvalidArgument when they cannot tell).
  std::optional<format::spredfast::KeyMode> key_mode;
  // The connector wrote null and empty alike, as length 0. Default: a key of length 0
  // becomes null, a value of length 0 stays empty; set empty_values_are_null for
  // compacted topics, whose empty values were tombstones.
  bool empty_keys_are_null = true;
  bool empty_values_are_null = false;
  // The repository's name for the source cluster (docs/format.md, "Layout").
  std::string cluster = "spredfast";
  uint64_t segment_bytes = 64ull << 20;
  int zstd_level = 3;
  int upload_threads = 4;
  // Bytes of a data object fetched per ranged read.
  uint64_t read_bytes = 8ull << 20;
  CancelToken cancel;
};

struct SpredfastImportResult {
  std::string manifest_key;
  int topics = 0;
  int partitions = 0;
  int files = 0;               // data objects read
  int superseded_files = 0;    // other copies of the same start offset, not read
  int64_t records = 0;         // records written
  int64_t duplicates = 0;      // records dropped because an earlier object held their offset
  int segments_written = 0;
  int64_t bytes_stored = 0;
  std::vector<std::string> gaps;      // "topic/partition offsets A..B (not_in_source)"
  std::map<std::string, format::spredfast::KeyMode> key_modes;  // per topic
  std::vector<std::string> warnings;  // also in the manifest
};

// Runs the import from `source` (the connector's prefix) into `repo`. Errors: NotFound
// when there is no data object or the selection matches no topic; InvalidArgument for a
// bad regex or a key mode the indexes cannot decide; DataLoss naming the object for a
// corrupt data object or index; the stores' own errors. Nothing is committed then.
Result<SpredfastImportResult> RunSpredfastImport(storage::ObjectStore& source, const Repository& repo,
                                                 const SpredfastImportOptions& options);

// The key of a Spredfast data object among the first keys of `store`, or nullopt: lets
// a command that expected a strata repository say what it found instead.
Result<std::optional<std::string>> FindSpredfastObject(storage::ObjectStore& store);

}  // namespace strata::backup
