#include "storage/s3/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::s3 {
namespace {

TEST(Crc32cTest, KnownValues) {
  // RFC 3720 (iSCSI) appendix B.4 test vectors.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string data;
  for (int i = 0; i < 10'000; ++i) data.push_back(static_cast<char>(i * 7 + 3));
  for (size_t cut : {0u, 1u, 7u, 8u, 9u, 4096u, 9999u, 10'000u}) {
    const uint32_t first = Crc32c(ByteView(data).substr(0, cut));
    EXPECT_EQ(Crc32cExtend(first, ByteView(data).substr(cut)), Crc32c(data)) << cut;
  }
}

TEST(Crc32cTest, HeaderValueIsBase64OfBigEndian) {
  // The value S3 documents for the body "hi" and what versitygw echoes.
  EXPECT_EQ(Crc32cHeaderValue(Crc32c("hi")), "9Z3Zwg==");
  EXPECT_EQ(Crc32cHeaderValue(0), "AAAAAA==");
}

}  // namespace
}  // namespace strata::s3
