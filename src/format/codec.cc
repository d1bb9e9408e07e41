#include "format/codec.h"

#include <lz4frame.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "core/check.h"

namespace strata::format {
namespace {

// Streaming decompression grows the output by at least this much per step.
constexpr size_t kMinOutputStep = 64 * 1024;

// Room to offer a streaming decompressor next, or 0 once the output holds max_output + 1
// bytes (one byte past the limit proves the limit is exceeded).
size_t NextOutputStep(size_t produced, size_t max_output) {
  size_t limit = max_output == std::numeric_limits<size_t>::max() ? max_output : max_output + 1;
  if (produced >= limit) return 0;
  return std::min(std::max(kMinOutputStep, produced), limit - produced);
}

Status TooLarge(Compression c, size_t max_output) {
  return FailedPreconditionError(CompressionName(c) +
                                 " records section decompresses to more than " +
                                 std::to_string(max_output) +
                                 " bytes; raise the decoder's max_uncompressed_batch_bytes");
}

}  // namespace

char* ScratchBuffer::Reserve(size_t n) {
  if (buf_.size() - size_ < n) buf_.resize(std::max(size_ + n, buf_.size() * 2));
  return buf_.data() + size_;
}

void ScratchBuffer::Append(ByteView bytes) {
  if (bytes.empty()) return;
  std::memcpy(Reserve(bytes.size()), bytes.data(), bytes.size());
  size_ += bytes.size();
}

void ScratchBuffer::Truncate(size_t n) {
  STRATA_CHECK(n <= size_, "ScratchBuffer::Truncate past the end");
  size_ = n;
}

struct Compressor::Contexts {
  ZSTD_CCtx* zstd = nullptr;
  int zstd_level = std::numeric_limits<int>::min();
  ~Contexts() { ZSTD_freeCCtx(zstd); }
};

Compressor::Compressor() : contexts_(std::make_unique<Contexts>()) {}
Compressor::~Compressor() = default;
Compressor::Compressor(Compressor&&) noexcept = default;
Compressor& Compressor::operator=(Compressor&&) noexcept = default;

Status Compressor::Compress(Compression compression, int level, ByteView input,
                            ScratchBuffer* out) {
  if (compression == Compression::kNone) {
    out->Append(input);
    return OkStatus();
  }
  if (compression != Compression::kZstd) {
    return InvalidArgumentError("strata writes only zstd or uncompressed batches, not " +
                                CompressionName(compression));
  }
  Contexts& c = *contexts_;
  if (c.zstd == nullptr) {
    c.zstd = ZSTD_createCCtx();
    if (c.zstd == nullptr) return InternalError("zstd: cannot allocate a compression context");
  }
  if (c.zstd_level != level) {
    size_t r = ZSTD_CCtx_setParameter(c.zstd, ZSTD_c_compressionLevel, level);
    if (ZSTD_isError(r)) return InternalError(std::string("zstd level: ") + ZSTD_getErrorName(r));
    c.zstd_level = level;
  }
  size_t bound = ZSTD_compressBound(input.size());
  char* dst = out->Reserve(bound);
  size_t n = ZSTD_compress2(c.zstd, dst, bound, input.data(), input.size());
  if (ZSTD_isError(n)) {
    c.zstd_level = std::numeric_limits<int>::min();  // the context must be set up again
    ZSTD_CCtx_reset(c.zstd, ZSTD_reset_session_and_parameters);
    return InternalError(std::string("zstd compress: ") + ZSTD_getErrorName(n));
  }
  out->Commit(n);
  return OkStatus();
}

struct Decompressor::Contexts {
  ZSTD_DCtx* zstd = nullptr;
  LZ4F_dctx* lz4 = nullptr;
  ~Contexts() {
    ZSTD_freeDCtx(zstd);
    if (lz4 != nullptr) LZ4F_freeDecompressionContext(lz4);
  }
};

Decompressor::Decompressor() : contexts_(std::make_unique<Contexts>()) {}
Decompressor::~Decompressor() = default;
Decompressor::Decompressor(Decompressor&&) noexcept = default;
Decompressor& Decompressor::operator=(Decompressor&&) noexcept = default;

Status Decompressor::Decompress(Compression compression, ByteView input, size_t max_output,
                                ScratchBuffer* out) {
  out->clear();
  switch (compression) {
    case Compression::kZstd: return Zstd(input, max_output, out);
    case Compression::kLz4: return Lz4(input, max_output, out);
    case Compression::kGzip:
    case Compression::kSnappy:
      return UnimplementedError("batch is compressed with " + CompressionName(compression) +
                                ", which strata does not read (it writes only zstd or none)");
    case Compression::kNone:
      return InternalError("Decompress called for an uncompressed batch");
  }
  return FailedPreconditionError("unknown compression " + CompressionName(compression) +
                                 " (written by a newer Kafka?)");
}

Status Decompressor::Zstd(ByteView input, size_t max_output, ScratchBuffer* out) {
  Contexts& c = *contexts_;
  if (c.zstd == nullptr) {
    c.zstd = ZSTD_createDCtx();
    if (c.zstd == nullptr) return InternalError("zstd: cannot allocate a decompression context");
  }
  if (input.empty()) return DataLossError("zstd: empty records section");
  unsigned long long size = ZSTD_getFrameContentSize(input.data(), input.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) return DataLossError("zstd: not a valid zstd frame");
  size_t frame_bytes = ZSTD_findFrameCompressedSize(input.data(), input.size());
  if (size != ZSTD_CONTENTSIZE_UNKNOWN && !ZSTD_isError(frame_bytes) &&
      frame_bytes == input.size()) {
    // One frame that declares its size (strata writes these): decompress in one call.
    if (size > max_output) return TooLarge(Compression::kZstd, max_output);
    char* dst = out->Reserve(size);
    size_t n = ZSTD_decompressDCtx(c.zstd, dst, size, input.data(), input.size());
    if (ZSTD_isError(n)) return DataLossError(std::string("zstd: ") + ZSTD_getErrorName(n));
    if (n != size) return DataLossError("zstd: frame is shorter than its declared size");
    out->Commit(n);
    return OkStatus();
  }
  // Kafka's own producer streams frames without a declared size; there may be several.
  ZSTD_DCtx_reset(c.zstd, ZSTD_reset_session_only);
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  while (true) {
    size_t step = NextOutputStep(out->size(), max_output);
    if (step == 0) return TooLarge(Compression::kZstd, max_output);
    ZSTD_outBuffer o{out->Reserve(step), step, 0};
    size_t r = ZSTD_decompressStream(c.zstd, &o, &in);
    if (ZSTD_isError(r)) {
      ZSTD_DCtx_reset(c.zstd, ZSTD_reset_session_only);
      return DataLossError(std::string("zstd: ") + ZSTD_getErrorName(r));
    }
    out->Commit(o.pos);
    if (in.pos < in.size) continue;
    if (r == 0) break;  // all input read and the last frame is complete
    if (o.pos < o.size) {
      ZSTD_DCtx_reset(c.zstd, ZSTD_reset_session_only);
      return DataLossError("zstd: truncated frame");
    }
  }
  if (out->size() > max_output) return TooLarge(Compression::kZstd, max_output);
  return OkStatus();
}

Status Decompressor::Lz4(ByteView input, size_t max_output, ScratchBuffer* out) {
  Contexts& c = *contexts_;
  if (c.lz4 == nullptr) {
    LZ4F_errorCode_t e = LZ4F_createDecompressionContext(&c.lz4, LZ4F_VERSION);
    if (LZ4F_isError(e)) return InternalError(std::string("lz4: ") + LZ4F_getErrorName(e));
  }
  if (input.empty()) return DataLossError("lz4: empty records section");
  LZ4F_resetDecompressionContext(c.lz4);
  size_t pos = 0;
  while (true) {
    size_t step = NextOutputStep(out->size(), max_output);
    if (step == 0) {
      LZ4F_resetDecompressionContext(c.lz4);
      return TooLarge(Compression::kLz4, max_output);
    }
    size_t dst_size = step;
    size_t src_size = input.size() - pos;
    size_t hint = LZ4F_decompress(c.lz4, out->Reserve(step), &dst_size, input.data() + pos,
                                  &src_size, nullptr);
    if (LZ4F_isError(hint)) {
      LZ4F_resetDecompressionContext(c.lz4);
      return DataLossError(std::string("lz4: ") + LZ4F_getErrorName(hint));
    }
    out->Commit(dst_size);
    pos += src_size;
    if (pos < input.size()) continue;
    if (hint == 0) break;  // all input read and the last frame is complete
    if (dst_size < step) {
      LZ4F_resetDecompressionContext(c.lz4);
      return DataLossError("lz4: truncated frame");
    }
  }
  if (out->size() > max_output) return TooLarge(Compression::kLz4, max_output);
  return OkStatus();
}

}  // namespace strata::format
