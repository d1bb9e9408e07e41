#include "format/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::format {
namespace {

// Check values from RFC 3720 (iSCSI), appendix B.4, and the common "123456789" vector.
TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 7));
  for (size_t cut : {0ul, 1ul, 7ul, 8ul, 9ul, 500ul, 999ul, 1000ul}) {
    uint32_t part = Crc32cExtend(Crc32c(ByteView(data).substr(0, cut)), ByteView(data).substr(cut));
    EXPECT_EQ(part, Crc32c(data)) << "cut at " << cut;
  }
}

// Bit by bit, straight from the definition.
uint32_t Reference(ByteView data) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char byte : data) {
    c ^= byte;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

std::string Pseudorandom(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  for (auto& ch : s) {
    seed = seed * 1664525u + 1013904223u;
    ch = static_cast<char>(seed >> 24);
  }
  return s;
}

// Sizes around the three-stream blocks (3 x 4096 bytes) and their remainders.
TEST(Crc32cTest, LongInputsMatchTheDefinition) {
  for (size_t n : {12287ul, 12288ul, 12289ul, 24576ul, 24583ul, 100000ul, 1ul << 20}) {
    std::string data = Pseudorandom(n, static_cast<uint32_t>(n));
    EXPECT_EQ(Crc32c(data), Reference(data)) << n << " bytes";
    // From an unaligned start too.
    EXPECT_EQ(Crc32c(ByteView(data).substr(3)), Reference(ByteView(data).substr(3))) << n << " bytes + 3";
  }
}

TEST(Crc32cTest, CombineEqualsWhole) {
  std::string data = Pseudorandom(70000, 7);
  for (size_t cut : {0ul, 1ul, 21ul, 4096ul, 12289ul, 69999ul, 70000ul}) {
    ByteView a = ByteView(data).substr(0, cut), b = ByteView(data).substr(cut);
    EXPECT_EQ(Crc32cCombine(Crc32c(a), Crc32c(b), b.size()), Crc32c(data)) << "cut at " << cut;
  }
  EXPECT_EQ(Crc32cCombine(0x12345678u, 0, 0), 0x12345678u);
}

}  // namespace
}  // namespace strata::format
