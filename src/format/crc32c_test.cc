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

}  // namespace
}  // namespace strata::format
