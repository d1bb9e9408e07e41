// JuteInput: reads ZooKeeper's jute binary encoding (what BinaryInputArchive reads:
// big-endian int and long, buffers and strings as an int length then the bytes, length -1
// meaning null) from a chunked ByteSource, and keeps the Adler-32 and the offset of every
// byte consumed, which is what ZooKeeper's snapshot seals check.
//
// Thread-compatible: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "core/status.h"
#include "format/adler32.h"
#include "format/byte_stream.h"

namespace strata::format {

class JuteInput {
 public:
  explicit JuteInput(ByteSource source) : source_(std::move(source)) {}

  // Each Read* returns DataLoss naming the offset if the stream ends first, and the
  // source's error unchanged.
  Status ReadBytes(char* dst, size_t n);
  Status ReadInt(int32_t* v);
  Status ReadLong(int64_t* v);
  // A jute buffer or ustring into `out` (replacing its contents). Sets *is_null for
  // length -1 (and clears `out`). DataLoss for any other negative length or one above
  // `max_len` (checked before anything is allocated).
  Status ReadBuffer(size_t max_len, std::string* out, bool* is_null);
  // Replaces `out` with the rest of the stream. DataLoss if more than `max` bytes remain.
  Status ReadRest(size_t max, std::string* out);

  // Adler-32 of all bytes consumed so far.
  uint32_t Adler();
  // Bytes consumed so far.
  uint64_t offset() const { return consumed_ + pos_; }

 private:
  // Makes the current chunk non-empty; *end = true if the stream has ended.
  Status Fill(bool* end);
  Status Truncated() const;

  ByteSource source_;
  ByteView chunk_;
  size_t pos_ = 0;         // consumed bytes of chunk_
  size_t summed_ = 0;      // bytes of chunk_ already in adler_
  uint64_t consumed_ = 0;  // bytes of earlier chunks
  uint32_t adler_ = kAdler32Init;
  bool end_ = false;
};

}  // namespace strata::format
