#include "format/wire.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace strata::format {
namespace {

Bytes Varint(int32_t v) {
  Bytes out;
  AppendVarint(&out, v);
  return out;
}

Bytes Varlong(int64_t v) {
  char buf[kMaxVarlongSize];
  return Bytes(buf, PutVarlong(buf, v));
}

// Zig-zag maps 0, -1, 1, -2, ... to 0, 1, 2, 3, ... (protobuf's sint encoding, which
// Kafka's ByteUtils.writeVarint uses); 300 -> 600 = 0b100_1011000 -> D8 04.
TEST(WireTest, KnownVarints) {
  EXPECT_EQ(Varint(0), Bytes("\x00", 1));
  EXPECT_EQ(Varint(-1), "\x01");
  EXPECT_EQ(Varint(1), "\x02");
  EXPECT_EQ(Varint(63), "\x7e");
  EXPECT_EQ(Varint(-64), "\x7f");
  EXPECT_EQ(Varint(64), "\x80\x01");
  EXPECT_EQ(Varint(300), "\xd8\x04");
  EXPECT_EQ(Varint(std::numeric_limits<int32_t>::max()), "\xfe\xff\xff\xff\x0f");
  EXPECT_EQ(Varint(std::numeric_limits<int32_t>::min()), "\xff\xff\xff\xff\x0f");
  EXPECT_EQ(Varlong(std::numeric_limits<int64_t>::min()),
            "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");
}

TEST(WireTest, RoundTripsAndSizes) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{127}, int64_t{-128},
                    int64_t{1} << 40, -(int64_t{1} << 40), std::numeric_limits<int64_t>::max(),
                    std::numeric_limits<int64_t>::min()}) {
    Bytes b = Varlong(v);
    EXPECT_EQ(b.size(), VarlongSize(v));
    WireReader r(b);
    int64_t got = 0;
    ASSERT_TRUE(r.ReadVarlong(&got));
    EXPECT_EQ(got, v);
    EXPECT_EQ(r.remaining(), 0u);
    if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
      auto v32 = static_cast<int32_t>(v);
      Bytes b32 = Varint(v32);
      EXPECT_EQ(b32, b);
      EXPECT_EQ(b32.size(), VarintSize(v32));
      WireReader r32(b32);
      int32_t got32 = 0;
      ASSERT_TRUE(r32.ReadVarint(&got32));
      EXPECT_EQ(got32, v32);
    }
  }
}

TEST(WireTest, RejectsMalformedVarints) {
  int32_t v32 = 0;
  int64_t v64 = 0;
  WireReader empty("");
  EXPECT_FALSE(empty.ReadVarint(&v32));
  WireReader unterminated("\x80\x80");
  EXPECT_FALSE(unterminated.ReadVarint(&v32));
  EXPECT_EQ(unterminated.position(), 0u);
  WireReader too_long("\x80\x80\x80\x80\x80\x01");
  EXPECT_FALSE(too_long.ReadVarint(&v32));
  WireReader too_big("\xff\xff\xff\xff\x1f");  // 35 bits
  EXPECT_FALSE(too_big.ReadVarint(&v32));
  WireReader long_too_big("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02");  // 65 bits
  EXPECT_FALSE(long_too_big.ReadVarlong(&v64));
  WireReader long_too_long("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x81\x00");
  EXPECT_FALSE(long_too_long.ReadVarlong(&v64));
}

TEST(WireTest, ReaderStaysInBounds) {
  WireReader r("abc");
  ByteView v;
  EXPECT_FALSE(r.ReadBytes(4, &v));
  ASSERT_TRUE(r.ReadBytes(2, &v));
  EXPECT_EQ(v, "ab");
  int8_t b = 0;
  ASSERT_TRUE(r.ReadInt8(&b));
  EXPECT_EQ(b, 'c');
  EXPECT_FALSE(r.ReadInt8(&b));
}

TEST(WireTest, BigEndian) {
  char buf[8];
  PutBig64(buf, 0x0102030405060708ull);
  EXPECT_EQ(Bytes(buf, 8), "\x01\x02\x03\x04\x05\x06\x07\x08");
  EXPECT_EQ(GetBig64(buf), 0x0102030405060708ull);
  EXPECT_EQ(GetBig32(buf), 0x01020304u);
  EXPECT_EQ(GetBig16(buf + 6), 0x0708u);
}

}  // namespace
}  // namespace strata::format
