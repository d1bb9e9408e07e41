// Reading a Spredfast `format=binary` data object: a concatenation of gzip members (one
// per chunk), whose inflated bytes are records `[keyLen:int32be key] valueLen:int32be
// value` with nothing between them (docs/import-spredfast.md, "What is read").
//
// The object is fed in pieces of any size, so memory stays bounded by one record (plus
// zlib's window) whatever the object's size. Every record is handed over as soon as it
// is complete. When the object's index is known, each member is checked against its
// chunk: start and compressed length, uncompressed length, record count; and records
// never straddle members. Thread-compatible: one reader per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/status.h"
#include "format/spredfast_layout.h"

namespace strata::format::spredfast {

// `format.include.keys` of the connector: whether each record starts with its key.
enum class KeyMode { kWithKeys, kWithoutKeys };

// "with keys" / "without keys", for messages.
const char* KeyModeName(KeyMode mode);

// A field longer than this is taken for corruption (Kafka itself caps records far lower).
inline constexpr int64_t kMaxFieldBytes = int64_t{1} << 30;

// Splits the inflated byte stream into records. Fields may arrive in any pieces.
class RecordDecoder {
 public:
  // `keep_bytes` false only counts records (the key-mode check): no bytes are kept.
  RecordDecoder(KeyMode mode, bool keep_bytes);

  // Called per complete record; the views live until the callback returns. `key` is
  // empty in kWithoutKeys mode. An error stops decoding and is returned by Feed.
  using RecordFn = std::function<Status(ByteView key, ByteView value)>;

  // Decodes `data`. DataLoss for a negative length or one above kMaxFieldBytes.
  Status Feed(ByteView data, const RecordFn& on_record);
  // True between records (nothing of a next record read yet).
  bool at_record_boundary() const { return field_ == first_field_ && have_ == 0; }
  int64_t records() const { return records_; }

 private:
  enum class Field { kKeyLength, kKey, kValueLength, kValue };
  const Field first_field_;
  const bool keep_bytes_;
  Field field_;
  uint8_t length_bytes_[4] = {};
  int64_t have_ = 0;  // bytes of the current field so far
  int64_t need_ = 0;  // length of the current key or value field
  Bytes key_, value_;
  int64_t records_ = 0;
};

// What a whole object held.
struct ObjectStats {
  int64_t members = 0;
  int64_t records = 0;
  uint64_t compressed_bytes = 0;
  uint64_t uncompressed_bytes = 0;
};

// Reads one data object: inflates every gzip member (zlib), decodes the records, and
// checks each member against `index` when given.
class DataObjectReader {
 public:
  // Called per record with its ordinal in the object (0-based), so its implied offset is
  // the object's start offset + ordinal.
  using RecordFn = std::function<Status(int64_t ordinal, ByteView key, ByteView value)>;

  // `where` names the object in messages. `index` (may be nullopt: an object whose index
  // was never uploaded) must be parsed by ParseIndex. `on_record` may be empty (check only).
  DataObjectReader(std::string where, KeyMode mode, std::optional<std::vector<ChunkDescriptor>> index,
                   RecordFn on_record);
  ~DataObjectReader();
  DataObjectReader(const DataObjectReader&) = delete;
  DataObjectReader& operator=(const DataObjectReader&) = delete;

  // Feeds the next bytes of the object. DataLoss, naming the object and the member, for
  // bytes that are not gzip, a member that disagrees with its chunk, or a record cut at
  // a member's end; the callback's error as it returned it. After an error the reader
  // accepts nothing more.
  Status Feed(ByteView compressed);
  // Ends the object. DataLoss if it ends inside a member (truncated) or holds another
  // number of members than its index.
  Result<ObjectStats> Finish();

 private:
  Status Inflated(ByteView data);
  Status MemberEnded(uint64_t compressed, uint64_t uncompressed);
  Status Fail(Status status);

  struct Zlib;
  std::unique_ptr<Zlib> z_;
  const std::string where_;
  const KeyMode mode_;
  const std::optional<std::vector<ChunkDescriptor>> index_;
  const RecordFn on_record_;
  RecordDecoder decoder_;
  Bytes out_;                 // inflate's output buffer
  bool in_member_ = false;    // zlib has started on a member not yet ended
  int64_t member_records_base_ = 0;  // decoder_.records() when the current member began
  uint64_t member_uncompressed_ = 0;
  ObjectStats stats_;
  Status failed_;
};

}  // namespace strata::format::spredfast
