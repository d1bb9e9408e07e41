// Wire primitives of Kafka's record format: big-endian fixed-width integers and
// zig-zag varints (protobuf "sint32"/"sint64": 7 bits per byte, least significant group
// first, high bit set on every byte but the last). See docs/format-kafka-segments.md.
//
// The Put*/Append* functions write; WireReader reads with bounds checks and never reads
// past its view. Everything here is inline because records are encoded and decoded one
// field at a time on the hot path. Pure functions; WireReader is thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/bytes.h"

namespace strata::format {

// Longest encodings: a 32-bit varint takes at most 5 bytes, a 64-bit one at most 10.
inline constexpr size_t kMaxVarintSize = 5;
inline constexpr size_t kMaxVarlongSize = 10;

inline uint32_t ZigZag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int32_t UnZigZag32(uint32_t u) { return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1)); }
inline int64_t UnZigZag64(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1)); }

// Bytes needed for the varint encoding of `v`.
inline size_t VarintSize(int32_t v) {
  uint32_t u = ZigZag32(v);
  size_t n = 1;
  while (u >= 0x80) u >>= 7, ++n;
  return n;
}
inline size_t VarlongSize(int64_t v) {
  uint64_t u = ZigZag64(v);
  size_t n = 1;
  while (u >= 0x80) u >>= 7, ++n;
  return n;
}

// Write the varint of `v` at `dst` (which must have room for it); return bytes written.
inline size_t PutVarint(char* dst, int32_t v) {
  uint32_t u = ZigZag32(v);
  size_t n = 0;
  while (u >= 0x80) {
    dst[n++] = static_cast<char>((u & 0x7F) | 0x80);
    u >>= 7;
  }
  dst[n++] = static_cast<char>(u);
  return n;
}
inline size_t PutVarlong(char* dst, int64_t v) {
  uint64_t u = ZigZag64(v);
  size_t n = 0;
  while (u >= 0x80) {
    dst[n++] = static_cast<char>((u & 0x7F) | 0x80);
    u >>= 7;
  }
  dst[n++] = static_cast<char>(u);
  return n;
}

inline void PutBig16(char* dst, uint16_t v) {
  dst[0] = static_cast<char>(v >> 8);
  dst[1] = static_cast<char>(v);
}
inline void PutBig32(char* dst, uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) dst[i] = static_cast<char>(v);
}
inline void PutBig64(char* dst, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) dst[i] = static_cast<char>(v);
}

inline uint16_t GetBig16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}
inline uint32_t GetBig32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}
inline uint64_t GetBig64(const char* p) {
  return (uint64_t{GetBig32(p)} << 32) | GetBig32(p + 4);
}

inline void AppendVarint(Bytes* out, int32_t v) {
  char buf[kMaxVarintSize];
  out->append(buf, PutVarint(buf, v));
}
inline void AppendBig32(Bytes* out, uint32_t v) {
  char buf[4];
  PutBig32(buf, v);
  out->append(buf, 4);
}
inline void AppendBig64(Bytes* out, uint64_t v) {
  char buf[8];
  PutBig64(buf, v);
  out->append(buf, 8);
}

// Reads from a borrowed view, front to back. Every Read* returns false, and leaves the
// reader where it was, if the view ends too early or the encoding is invalid (a varint
// longer than 5/10 bytes or with bits beyond 32/64).
class WireReader {
 public:
  explicit WireReader(ByteView data) : data_(data) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

  bool ReadVarint(int32_t* v) {
    uint64_t u = 0;
    if (!ReadUnsigned(kMaxVarintSize, &u) || u > UINT32_MAX) return false;
    *v = UnZigZag32(static_cast<uint32_t>(u));
    return true;
  }
  bool ReadVarlong(int64_t* v) {
    uint64_t u = 0;
    if (!ReadUnsigned(kMaxVarlongSize, &u)) return false;
    *v = UnZigZag64(u);
    return true;
  }
  bool ReadInt8(int8_t* v) {
    if (remaining() < 1) return false;
    *v = static_cast<int8_t>(data_[pos_++]);
    return true;
  }
  // `n` bytes as a view into the reader's data.
  bool ReadBytes(size_t n, ByteView* v) {
    if (remaining() < n) return false;
    *v = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }

 private:
  bool ReadUnsigned(size_t max_bytes, uint64_t* out) {
    uint64_t u = 0;
    for (size_t i = 0; i < max_bytes && pos_ + i < data_.size(); ++i) {
      auto b = static_cast<unsigned char>(data_[pos_ + i]);
      // The last allowed byte may only carry the bits that are left (64 = 9*7 + 1).
      if (i == kMaxVarlongSize - 1 && b > 1) return false;
      u |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        pos_ += i + 1;
        *out = u;
        return true;
      }
    }
    return false;
  }

  ByteView data_;
  size_t pos_ = 0;
};

}  // namespace strata::format
