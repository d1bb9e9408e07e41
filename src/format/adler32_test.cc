#include "format/adler32.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::format {
namespace {

// The definition, one byte and one modulo at a time.
uint32_t Naive(ByteView data) {
  uint32_t a = 1, b = 0;
  for (unsigned char c : data) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

TEST(Adler32, KnownValues) {
  EXPECT_EQ(Adler32(""), 1u);
  EXPECT_EQ(Adler32("a"), 0x00620062u);
  EXPECT_EQ(Adler32("abc"), 0x024d0127u);
  EXPECT_EQ(Adler32("Wikipedia"), 0x11e60398u);
}

TEST(Adler32, LongRunsOfHighBytesMatchTheDefinition) {
  // 0xFF bytes make the sums grow fastest: this checks the deferred modulo.
  std::string ff(100'000, '\xff');
  EXPECT_EQ(Adler32(ff), Naive(ff));
  std::string mixed;
  for (int i = 0; i < 70'000; ++i) mixed.push_back(static_cast<char>((i * 131) ^ (i >> 3)));
  EXPECT_EQ(Adler32(mixed), Naive(mixed));
}

TEST(Adler32, ExtendingPiecewiseEqualsWhole) {
  std::string data;
  for (int i = 0; i < 20'000; ++i) data.push_back(static_cast<char>(i * 7));
  for (size_t step : {1u, 3u, 5552u, 5553u, 19'999u}) {
    uint32_t adler = kAdler32Init;
    for (size_t at = 0; at < data.size(); at += step) {
      adler = Adler32Extend(adler, ByteView(data).substr(at, step));
    }
    EXPECT_EQ(adler, Adler32(data)) << "step " << step;
  }
}

}  // namespace
}  // namespace strata::format
