// A generator of Kafka Connect S3 (Spredfast, `format=binary`) backups for tests, written
// from the connector's code as docs/import-spredfast.md describes it: records framed by
// ByteLengthFormat, one gzip member per chunk as java.util.zip.GZIPOutputStream writes
// it (10-byte header with MTIME 0, XFL 0 and OS 0, raw deflate, CRC-32 and size), and
// the chunk index as Jackson serializes ChunksIndex. Header-only; thread-compatible.
#pragma once

#include <fmt/format.h>
#include <zlib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace strata::format::spredfast::testing {

struct FakeRecord {
  std::string key;    // written only with keys; length 0 for null or empty
  std::string value;  // length 0 for null or empty
};

inline std::string Int32Be(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

inline std::string Int32Le(uint32_t v) {
  return {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16), static_cast<char>(v >> 24)};
}

// ByteLengthFormat: [keyLen key] valueLen value, lengths int32 big-endian.
inline std::string EncodeRecords(const std::vector<FakeRecord>& records, bool with_keys) {
  std::string out;
  for (const auto& r : records) {
    if (with_keys) out += Int32Be(static_cast<uint32_t>(r.key.size())) + r.key;
    out += Int32Be(static_cast<uint32_t>(r.value.size())) + r.value;
  }
  return out;
}

// One member as a fresh GZIPOutputStream writes it (Deflater level -1, nowrap).
inline std::string JavaGzipMember(const std::string& data) {
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x00", 10);
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string deflated(deflateBound(&z, data.size()) + 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(deflated.data());
  z.avail_out = static_cast<uInt>(deflated.size());
  deflate(&z, Z_FINISH);
  deflated.resize(z.total_out);
  deflateEnd(&z);
  out += deflated;
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
  out += Int32Le(static_cast<uint32_t>(crc)) + Int32Le(static_cast<uint32_t>(data.size()));
  return out;
}

struct DataObject {
  std::string gz;
  std::string index_json;
  int64_t records = 0;
};

// A data object of one member per chunk (a chunk may be empty) and its index.
inline DataObject BuildDataObject(const std::vector<std::vector<FakeRecord>>& chunks, int64_t start_offset,
                                  bool with_keys) {
  DataObject o;
  std::string index;
  int64_t first = start_offset;
  for (const auto& chunk : chunks) {
    std::string raw = EncodeRecords(chunk, with_keys);
    std::string member = JavaGzipMember(raw);
    // Jackson's field order for ChunkDescriptor.
    index += fmt::format(
        "{}{{\"byte_length_uncompressed\":{},\"num_records\":{},\"byte_length\":{},\"byte_offset\":{},"
        "\"first_record_offset\":{}}}",
        index.empty() ? "" : ",", raw.size(), chunk.size(), member.size(), o.gz.size(), first);
    o.gz += member;
    first += static_cast<int64_t>(chunk.size());
    o.records += static_cast<int64_t>(chunk.size());
  }
  o.index_json = "{\"chunks\":[" + index + "]}";
  return o;
}

// S3Writer's keys: P + D + "/" + T + "-" + %05d + "-" + %012d + ".gz" (P ends in "/" or is "").
inline std::string DataKey(const std::string& prefix, const std::string& date, const std::string& topic,
                           int32_t partition, int64_t offset) {
  return fmt::format("{}{}/{}-{:05}-{:012}.gz", prefix, date, topic, partition, offset);
}
inline std::string IndexKey(const std::string& prefix, const std::string& date, const std::string& topic,
                            int32_t partition, int64_t offset) {
  return fmt::format("{}{}/{}-{:05}-{:012}.index.json", prefix, date, topic, partition, offset);
}
inline std::string CursorKey(const std::string& prefix, const std::string& topic, int32_t partition) {
  return fmt::format("{}last_chunk_index.{}-{:05}.txt", prefix, topic, partition);
}

}  // namespace strata::format::spredfast::testing
