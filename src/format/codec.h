// Codecs for the records section of a Kafka record batch: zstd (written and read), LZ4
// in the LZ4 frame format Kafka uses for magic v2 (read only), and none. Kafka's gzip and
// snappy are refused: strata never writes them.
//
// Compressor and Decompressor keep their library contexts and reuse them across calls,
// which matters on the hot path. Each instance is thread-compatible (one thread at a
// time); use one per thread. Movable, not copyable.
#pragma once

#include <cstddef>
#include <memory>

#include "core/bytes.h"
#include "core/status.h"
#include "format/kafka_record.h"

namespace strata::format {

// A growable byte buffer whose logical size is separate from its allocation, so that
// reusing it never zero-fills memory again (std::string::resize would).
class ScratchBuffer {
 public:
  char* data() { return buf_.data(); }
  const char* data() const { return buf_.data(); }
  size_t size() const { return size_; }
  ByteView view() const { return ByteView(buf_.data(), size_); }
  void clear() { size_ = 0; }
  // Makes room for `n` more bytes after size() and returns a pointer to them; the caller
  // writes into them and then calls Commit() with the number it wrote.
  char* Reserve(size_t n);
  void Commit(size_t n) { size_ += n; }
  void Append(ByteView bytes);
  // Drops everything after the first `n` bytes. REQUIRES: n <= size().
  void Truncate(size_t n);

 private:
  Bytes buf_;
  size_t size_ = 0;
};

class Compressor {
 public:
  Compressor();
  ~Compressor();
  Compressor(Compressor&&) noexcept;
  Compressor& operator=(Compressor&&) noexcept;

  // Appends `input` compressed with `compression` (kNone copies it) to `out`; zstd writes
  // one standard frame at `level`. Returns InvalidArgument for a codec strata does not
  // write (anything but kNone and kZstd); Internal if the library fails.
  Status Compress(Compression compression, int level, ByteView input, ScratchBuffer* out);

 private:
  struct Contexts;
  std::unique_ptr<Contexts> contexts_;
};

class Decompressor {
 public:
  Decompressor();
  ~Decompressor();
  Decompressor(Decompressor&&) noexcept;
  Decompressor& operator=(Decompressor&&) noexcept;

  // Replaces the contents of `out` with `input` decompressed (one or more concatenated
  // zstd or LZ4 frames). Returns:
  //   DataLoss if the input is not a valid, complete stream of the codec;
  //   FailedPrecondition if the output would exceed `max_output` bytes (the limit is a
  //     configuration value: raise it to read the batch);
  //   Unimplemented for gzip and snappy (strata never writes them);
  //   FailedPrecondition for a compression id Kafka does not define.
  // kNone is not decompressed: the caller reads the input directly.
  Status Decompress(Compression compression, ByteView input, size_t max_output,
                    ScratchBuffer* out);

 private:
  Status Zstd(ByteView input, size_t max_output, ScratchBuffer* out);
  Status Lz4(ByteView input, size_t max_output, ScratchBuffer* out);

  struct Contexts;
  std::unique_ptr<Contexts> contexts_;
};

}  // namespace strata::format
