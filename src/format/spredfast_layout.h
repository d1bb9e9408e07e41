// The object layout of a Kafka Connect S3 sink backup written by the Spredfast connector
// (and the Zalando build of it) with `format=binary`: object keys and the `.index.json`
// chunk index. Specification: docs/import-spredfast.md, which follows the connector's
// sources (BlockGZIPFileWriter, S3Writer, ChunkDescriptor). Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace strata::format::spredfast {

// What a data object's key says: `[prefix/]<date>/<topic>-<partition:05>-<offset:012>.gz`.
struct DataKey {
  std::string topic;
  int32_t partition = 0;
  int64_t start_offset = 0;  // offset of the first record in the object
  std::string directory;     // everything before the file name ("" at the root), e.g. the date
  friend bool operator==(const DataKey&, const DataKey&) = default;
};

// Parses a data object's key with `-(\d{5})-(\d+)\.gz$` on its last path segment (a
// 13-digit offset is accepted, unlike the connector's own reader). nullopt for any other
// key (index objects, cursor files `last_chunk_index.*.txt`, foreign objects).
std::optional<DataKey> ParseDataKey(std::string_view key);

// The key of the index object that belongs to the data object `data_key` (`.gz` ->
// `.index.json`). REQUIRES: ParseDataKey(data_key) has a value.
std::string IndexKeyFor(std::string_view data_key);

// One gzip member of a data object, as its index describes it.
struct ChunkDescriptor {
  int64_t byte_offset = 0;               // start of the member in the data object
  int64_t byte_length = 0;               // compressed length of the member
  int64_t byte_length_uncompressed = 0;  // bytes of encoded records in the member
  int64_t num_records = 0;
  int64_t first_record_offset = 0;       // implied offset of the member's first record
  friend bool operator==(const ChunkDescriptor&, const ChunkDescriptor&) = default;
};

// Parses `{"chunks":[...]}` and checks that the chunks follow each other: the first at
// byte 0 and at `start_offset`, each next one where the previous ends (in bytes and in
// offsets), no negative number. `where` names the object in messages. DataLoss for
// malformed JSON, a missing or mistyped field, or chunks that do not follow each other.
Result<std::vector<ChunkDescriptor>> ParseIndex(ByteView json, int64_t start_offset, std::string_view where);

}  // namespace strata::format::spredfast
