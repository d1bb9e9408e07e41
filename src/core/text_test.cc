#include "core/text.h"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(TextTest, AsciiLowerTouchesOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Content-TYPE: X1"), "content-type: x1");
  EXPECT_EQ(AsciiLower("\xC3\x84"), "\xC3\x84");  // UTF-8 is left alone
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(TextTest, EqualsIgnoreCase) {
  EXPECT_TRUE(EqualsIgnoreCase("X-Amz-Date", "x-amz-date"));
  EXPECT_FALSE(EqualsIgnoreCase("host", "hosts"));
  EXPECT_FALSE(EqualsIgnoreCase("a-b", "a_b"));
}

TEST(TextTest, TrimBlanksBothEnds) {
  EXPECT_EQ(TrimBlanks(" \t key = v \r\n"), "key = v");
  EXPECT_EQ(TrimBlanks("\f\v"), "");
  EXPECT_EQ(TrimBlanks("a"), "a");
  EXPECT_EQ(TrimBlanks(""), "");
}

}  // namespace
}  // namespace strata
