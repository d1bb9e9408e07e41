#include "format/jute_input.h"

#include <algorithm>
#include <cstring>

namespace strata::format {

Status JuteInput::Truncated() const {
  return DataLossError("stream truncated at byte offset " + std::to_string(offset()));
}

uint32_t JuteInput::Adler() {
  // Summing lazily, a chunk span at a time, is much faster than per field.
  adler_ = Adler32Extend(adler_, chunk_.substr(summed_, pos_ - summed_));
  summed_ = pos_;
  return adler_;
}

Status JuteInput::Fill(bool* end) {
  while (pos_ == chunk_.size() && !end_) {
    Adler();
    consumed_ += chunk_.size();
    chunk_ = {};
    pos_ = summed_ = 0;
    Result<ByteView> next = source_();
    if (!next.ok()) return next.status();
    if (next->empty()) {
      end_ = true;
    } else {
      chunk_ = *next;
    }
  }
  *end = pos_ == chunk_.size();
  return OkStatus();
}

Status JuteInput::ReadBytes(char* dst, size_t n) {
  while (n > 0) {
    bool end = false;
    STRATA_RETURN_IF_ERROR(Fill(&end));
    if (end) return Truncated();
    size_t k = std::min(n, chunk_.size() - pos_);
    std::memcpy(dst, chunk_.data() + pos_, k);
    pos_ += k;
    dst += k;
    n -= k;
  }
  return OkStatus();
}

Status JuteInput::ReadInt(int32_t* v) {
  unsigned char b[4];
  STRATA_RETURN_IF_ERROR(ReadBytes(reinterpret_cast<char*>(b), sizeof b));
  *v = static_cast<int32_t>((uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) |
                            (uint32_t{b[2]} << 8) | b[3]);
  return OkStatus();
}

Status JuteInput::ReadLong(int64_t* v) {
  int32_t hi = 0, lo = 0;
  STRATA_RETURN_IF_ERROR(ReadInt(&hi));
  STRATA_RETURN_IF_ERROR(ReadInt(&lo));
  *v =
      static_cast<int64_t>((uint64_t{static_cast<uint32_t>(hi)} << 32) | static_cast<uint32_t>(lo));
  return OkStatus();
}

Status JuteInput::ReadBuffer(size_t max_len, std::string* out, bool* is_null) {
  uint64_t at = offset();
  int32_t len = 0;
  STRATA_RETURN_IF_ERROR(ReadInt(&len));
  out->clear();
  *is_null = len == -1;
  if (*is_null) return OkStatus();
  if (len < 0 || static_cast<size_t>(len) > max_len) {
    return DataLossError("invalid length " + std::to_string(len) + " at byte offset " +
                         std::to_string(at));
  }
  // Appending chunk by chunk, instead of sizing `out` up front, keeps a corrupt length
  // from allocating more than the bytes that really arrive.
  size_t n = static_cast<size_t>(len);
  while (n > 0) {
    bool end = false;
    STRATA_RETURN_IF_ERROR(Fill(&end));
    if (end) return Truncated();
    size_t k = std::min(n, chunk_.size() - pos_);
    out->append(chunk_.data() + pos_, k);
    pos_ += k;
    n -= k;
  }
  return OkStatus();
}

Status JuteInput::ReadRest(size_t max, std::string* out) {
  out->clear();
  for (;;) {
    bool end = false;
    STRATA_RETURN_IF_ERROR(Fill(&end));
    if (end) return OkStatus();
    size_t k = chunk_.size() - pos_;
    if (out->size() + k > max) {
      return DataLossError("more than " + std::to_string(max) +
                           " unexpected bytes at byte offset " + std::to_string(offset()));
    }
    out->append(chunk_.data() + pos_, k);
    pos_ += k;
  }
}

}  // namespace strata::format
