#include "format/zks_reader.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "format/crc32c.h"

namespace strata::format {
namespace {

uint32_t LoadBig32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

}  // namespace

struct ZksReader::Zstd {
  ZSTD_DCtx* dctx = nullptr;
  ~Zstd() { ZSTD_freeDCtx(dctx); }
};

Result<std::unique_ptr<ZksReader>> ZksReader::Create(ByteSource source) {
  std::unique_ptr<ZksReader> r(new ZksReader(std::move(source)));
  r->zstd_->dctx = ZSTD_createDCtx();
  if (r->zstd_->dctx == nullptr) return InternalError(".zks reader: ZSTD_createDCtx failed");
  return r;
}

ZksReader::ZksReader(ByteSource source)
    : zstd_(std::make_unique<Zstd>()), source_(std::move(source)) {
  buf_.resize(ZSTD_DStreamOutSize());
}

ZksReader::~ZksReader() = default;

Status ZksReader::Fail(Status s) {
  error_ = s;
  return s;
}

std::string ZksReader::Where() const {
  std::string w = ".zks entry #" + std::to_string(entries_);
  if (entries_ > 0) w += " (after " + order_.last() + ")";
  return w;
}

Status ZksReader::PullSource() {
  if (source_done_) return OkStatus();
  Result<ByteView> chunk = source_();
  if (!chunk.ok()) return chunk.status();
  if (chunk->empty()) {
    source_done_ = true;
  } else {
    in_ = *chunk;
    in_pos_ = 0;
    summary_.compressed_bytes += in_.size();
  }
  return OkStatus();
}

Status ZksReader::ReadHeader() {
  Bytes header;
  while (header.size() < kZksHeaderSize) {
    if (in_pos_ == in_.size()) {
      STRATA_RETURN_IF_ERROR(PullSource());
      if (source_done_) break;
    }
    size_t n = std::min(kZksHeaderSize - header.size(), in_.size() - in_pos_);
    header.append(in_.substr(in_pos_, n));
    in_pos_ += n;
  }
  if (header.size() < kZksHeaderSize) {
    size_t m = std::min(header.size(), kZksMagicSize);
    if (header.compare(0, m, kZksMagic, m) != 0) return CheckZksHeader(header);
    return DataLossError(".zks stream truncated: " + std::to_string(header.size()) +
                         " bytes, shorter than its header");
  }
  STRATA_RETURN_IF_ERROR(CheckZksHeader(header));
  seen_.crc32c = Crc32c(header);
  header_read_ = true;
  return OkStatus();
}

Status ZksReader::Decompress(bool* progress) {
  *progress = false;
  if (frame_done_) return OkStatus();
  // At the end of the input zstd is still called: it may hold decoded bytes that did not
  // fit last time.
  if (in_pos_ == in_.size()) STRATA_RETURN_IF_ERROR(PullSource());
  ZSTD_inBuffer in{in_.data(), in_.size(), in_pos_};
  ZSTD_outBuffer out{buf_.data(), buf_.size(), wpos_};
  size_t r = ZSTD_decompressStream(zstd_->dctx, &out, &in);
  if (ZSTD_isError(r)) {
    return DataLossError(Where() + ": zstd: " + ZSTD_getErrorName(r));
  }
  *progress = in.pos != in_pos_ || out.pos != wpos_;
  in_pos_ = in.pos;
  wpos_ = out.pos;
  if (r == 0) frame_done_ = true;
  return OkStatus();
}

Status ZksReader::Ensure(size_t n) {
  while (wpos_ - rpos_ < n) {
    if (rpos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + rpos_, wpos_ - rpos_);
      wpos_ -= rpos_;
      rpos_ = 0;
    }
    if (buf_.size() < n) {
      // Grow at most by doubling: a corrupt length cannot allocate more than the bytes
      // that actually arrive.
      buf_.resize(std::max(buf_.size(), std::min(n, buf_.size() * 2)));
    }
    bool progress = false;
    STRATA_RETURN_IF_ERROR(Decompress(&progress));
    if (!progress && (frame_done_ || source_done_)) {
      return DataLossError(Where() + ": stream truncated: it ends " +
                           (wpos_ == rpos_ ? std::string("without a trailer") : "inside a record"));
    }
  }
  return OkStatus();
}

Status ZksReader::ReadRecord(ZNode* node, bool* got_entry) {
  *got_entry = false;
  STRATA_RETURN_IF_ERROR(Ensure(1));
  auto kind = static_cast<uint8_t>(buf_[rpos_]);
  if (kind == kZksRecordTrailer) return ReadTrailer();
  if (kind != kZksRecordEntry) {
    return DataLossError(Where() + ": unknown record kind " + std::to_string(kind));
  }
  STRATA_RETURN_IF_ERROR(Ensure(kZksEntryPrefixSize));
  uint32_t body = LoadBig32(buf_.data() + rpos_ + 1);
  if (body > kZksMaxEntryBody) {
    return DataLossError(Where() + ": entry length " + std::to_string(body) + " is over the limit");
  }
  size_t record = kZksEntryPrefixSize + body;
  STRATA_RETURN_IF_ERROR(Ensure(record));
  ByteView bytes(buf_.data() + rpos_, record);
  Status s = DecodeZksEntryBody(bytes.substr(kZksEntryPrefixSize), node);
  if (s.ok()) s = order_.Add(node->path);
  if (!s.ok()) return DataLossError(Where() + ": " + s.message());
  rpos_ += record;
  seen_.crc32c = Crc32cExtend(seen_.crc32c, bytes);
  seen_.entry_count++;
  seen_.entry_bytes += record;
  seen_.data_bytes += node->data ? node->data->size() : 0;
  entries_++;
  *got_entry = true;
  return OkStatus();
}

Status ZksReader::ReadTrailer() {
  STRATA_RETURN_IF_ERROR(Ensure(kZksTrailerSize));
  ZksTrailer t = DecodeZksTrailer(ByteView(buf_.data() + rpos_ + 1, kZksTrailerSize - 1));
  rpos_ += kZksTrailerSize;
  auto mismatch = [&](const char* what, uint64_t recorded, uint64_t seen) {
    return DataLossError(Where() + ": trailer " + what + " " + std::to_string(recorded) +
                         " != " + std::to_string(seen) + " read");
  };
  if (t.entry_count != seen_.entry_count)
    return mismatch("entry count", t.entry_count, seen_.entry_count);
  if (t.entry_bytes != seen_.entry_bytes)
    return mismatch("entry bytes", t.entry_bytes, seen_.entry_bytes);
  if (t.data_bytes != seen_.data_bytes)
    return mismatch("data bytes", t.data_bytes, seen_.data_bytes);
  if (t.crc32c != seen_.crc32c) return mismatch("CRC-32C", t.crc32c, seen_.crc32c);
  STRATA_RETURN_IF_ERROR(VerifyEnd());
  summary_.trailer = t;
  return OkStatus();
}

// After the trailer: the zstd frame must end (which verifies its checksum), with no
// decoded byte left over and no byte after it.
Status ZksReader::VerifyEnd() {
  while (rpos_ == wpos_ && !frame_done_) {
    rpos_ = wpos_ = 0;
    bool progress = false;
    STRATA_RETURN_IF_ERROR(Decompress(&progress));
    if (!progress && source_done_ && !frame_done_) {
      return DataLossError(".zks stream truncated: the zstd frame ends early, after the trailer");
    }
  }
  if (rpos_ != wpos_) return DataLossError(".zks stream has bytes after its trailer");
  while (in_pos_ == in_.size() && !source_done_) STRATA_RETURN_IF_ERROR(PullSource());
  if (in_pos_ != in_.size()) return DataLossError(".zks stream has bytes after its zstd frame");
  return OkStatus();
}

Result<bool> ZksReader::Next(ZNode* node) {
  if (!error_.ok()) return error_;
  if (done_) return false;
  if (!header_read_) {
    Status s = ReadHeader();
    if (!s.ok()) return Fail(std::move(s));
  }
  bool got_entry = false;
  Status s = ReadRecord(node, &got_entry);
  if (!s.ok()) return Fail(std::move(s));
  if (!got_entry) done_ = true;
  return got_entry;
}

}  // namespace strata::format
