#include "format/zks_writer.h"

#include <zstd.h>

#include <cstring>
#include <string>

#include "format/crc32c.h"

namespace strata::format {

namespace {
// Room for the header and then some: smaller chunks would only mean more sink calls.
constexpr size_t kMinChunkBytes = 64;
}  // namespace

struct ZksWriter::Zstd {
  ZSTD_CCtx* cctx = nullptr;
  ~Zstd() { ZSTD_freeCCtx(cctx); }
};

Result<std::unique_ptr<ZksWriter>> ZksWriter::Create(ByteSink sink, ZksWriterOptions options) {
  if (options.chunk_bytes < kMinChunkBytes || options.batch_bytes == 0) {
    return InvalidArgumentError(".zks writer: chunk_bytes must be >= " +
                                std::to_string(kMinChunkBytes) + " and batch_bytes > 0");
  }
  if (options.compression_level < ZSTD_minCLevel() ||
      options.compression_level > ZSTD_maxCLevel()) {
    return InvalidArgumentError(
        ".zks writer: zstd level " + std::to_string(options.compression_level) + " is outside [" +
        std::to_string(ZSTD_minCLevel()) + ", " + std::to_string(ZSTD_maxCLevel()) + "]");
  }
  std::unique_ptr<ZksWriter> w(new ZksWriter(std::move(sink), options));
  w->zstd_->cctx = ZSTD_createCCtx();
  if (w->zstd_->cctx == nullptr) return InternalError(".zks writer: ZSTD_createCCtx failed");
  size_t r =
      ZSTD_CCtx_setParameter(w->zstd_->cctx, ZSTD_c_compressionLevel, options.compression_level);
  // zstd's own frame checksum (XXH64) catches corruption of the compressed bytes before
  // the entries are parsed; the trailer's CRC-32C covers the decoded entries end to end.
  if (!ZSTD_isError(r)) r = ZSTD_CCtx_setParameter(w->zstd_->cctx, ZSTD_c_checksumFlag, 1);
  if (ZSTD_isError(r)) {
    return InternalError(std::string(".zks writer: zstd setup: ") + ZSTD_getErrorName(r));
  }
  return w;
}

ZksWriter::ZksWriter(ByteSink sink, ZksWriterOptions options)
    : zstd_(std::make_unique<Zstd>()), sink_(std::move(sink)), options_(options) {
  out_.resize(options_.chunk_bytes);
  batch_.reserve(options_.batch_bytes + 4096);
  Bytes header;
  AppendZksHeader(&header);
  trailer_.crc32c = Crc32c(header);
  // The header starts the first chunk; it is never compressed.
  std::memcpy(out_.data(), header.data(), header.size());
  out_used_ = header.size();
}

ZksWriter::~ZksWriter() = default;

Status ZksWriter::Fail(Status s) {
  error_ = s;
  return s;
}

Status ZksWriter::Emit(ByteView chunk) {
  if (chunk.empty()) return OkStatus();
  Status s = sink_(chunk);
  if (!s.ok()) return Fail(std::move(s));
  compressed_bytes_ += chunk.size();
  return OkStatus();
}

Status ZksWriter::CompressBatch(bool end_frame) {
  ZSTD_inBuffer in{batch_.data(), batch_.size(), 0};
  ZSTD_EndDirective mode = end_frame ? ZSTD_e_end : ZSTD_e_continue;
  for (;;) {
    ZSTD_outBuffer out{out_.data(), out_.size(), out_used_};
    size_t r = ZSTD_compressStream2(zstd_->cctx, &out, &in, mode);
    out_used_ = out.pos;
    if (ZSTD_isError(r)) {
      return Fail(InternalError(std::string(".zks writer: zstd: ") + ZSTD_getErrorName(r)));
    }
    if (out_used_ == out_.size()) {
      STRATA_RETURN_IF_ERROR(Emit(out_));
      out_used_ = 0;
    }
    bool done = end_frame ? r == 0 : in.pos == in.size;
    if (done) break;
  }
  batch_.clear();
  return OkStatus();
}

Status ZksWriter::Add(const ZNode& node) {
  if (finished_) return FailedPreconditionError(".zks writer: Add after Finish");
  if (!error_.ok())
    return FailedPreconditionError(".zks writer: stream failed earlier: " + error_.ToString());
  STRATA_RETURN_IF_ERROR(CheckZnodeType(node));
  size_t start = batch_.size();
  STRATA_RETURN_IF_ERROR(AppendZksEntry(node, &batch_));
  Status order = order_.Add(node.path);
  if (!order.ok()) {
    batch_.resize(start);
    return order;
  }
  size_t record = batch_.size() - start;
  trailer_.entry_count++;
  trailer_.entry_bytes += record;
  trailer_.data_bytes += node.data ? node.data->size() : 0;
  trailer_.crc32c = Crc32cExtend(trailer_.crc32c, ByteView(batch_).substr(start));
  if (batch_.size() >= options_.batch_bytes) return CompressBatch(/*end_frame=*/false);
  return OkStatus();
}

Result<ZksSummary> ZksWriter::Finish() {
  if (finished_) return FailedPreconditionError(".zks writer: Finish called twice");
  if (!error_.ok())
    return FailedPreconditionError(".zks writer: stream failed earlier: " + error_.ToString());
  finished_ = true;
  AppendZksTrailer(trailer_, &batch_);
  STRATA_RETURN_IF_ERROR(CompressBatch(/*end_frame=*/true));
  STRATA_RETURN_IF_ERROR(Emit(ByteView(out_.data(), out_used_)));
  out_used_ = 0;
  return ZksSummary{trailer_, compressed_bytes_};
}

}  // namespace strata::format
