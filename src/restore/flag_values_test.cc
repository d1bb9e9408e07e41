#include "restore/flag_values.h"

#include <gtest/gtest.h>

namespace strata::restore {
namespace {

constexpr int64_t k2026 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

TEST(FlagValuesTest, TimesInEveryAcceptedForm) {
  EXPECT_EQ(*ParseTime("2026-01-01T00:00:00Z"), k2026);
  EXPECT_EQ(*ParseTime("2026-01-01"), k2026);
  EXPECT_EQ(*ParseTime("2026-01-01 00:00"), k2026);
  EXPECT_EQ(*ParseTime("2026-01-01T01:00:00+01:00"), k2026);
  EXPECT_EQ(*ParseTime("2025-12-31T23:00:00.250-01:00"), k2026 + 250);
  EXPECT_EQ(*ParseTime("20260101T000000.007Z"), k2026 + 7);
  EXPECT_EQ(*ParseTime("1767225600000"), k2026);
  EXPECT_EQ(FormatTime(k2026 + 7), "2026-01-01T00:00:00.007Z");
  for (const char* bad : {"", "2026", "yesterday", "2026-13-01", "2026-01-01T25:00", "2026-01-01Tx", "2026-01-01T00:00:00Q"}) {
    EXPECT_EQ(ParseTime(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(FlagValuesTest, ByteRates) {
  EXPECT_EQ(*ParseByteRate("1000"), 1000);
  EXPECT_EQ(*ParseByteRate("50MB"), 50e6);
  EXPECT_EQ(*ParseByteRate("50 MiB/s"), 50.0 * 1024 * 1024);
  EXPECT_EQ(*ParseByteRate("1.5GiB"), 1.5 * 1024 * 1024 * 1024);
  EXPECT_EQ(*ParseByteRate("800k"), 800e3);
  for (const char* bad : {"", "fast", "0", "10 XB", "MB"}) {
    EXPECT_EQ(ParseByteRate(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(FlagValuesTest, PartitionLists) {
  EXPECT_EQ(*ParsePartitionList("0,2,5-7"), (std::set<int32_t>{0, 2, 5, 6, 7}));
  EXPECT_EQ(*ParsePartitionList("3"), (std::set<int32_t>{3}));
  for (const char* bad : {"", ",", "a", "3-1", "-1", "1,,2"}) {
    EXPECT_EQ(ParsePartitionList(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(FlagValuesTest, Renames) {
  auto r = ParseRenames({"a:b", "c.x:d_y"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("a"), "b");
  EXPECT_EQ(r->at("c.x"), "d_y");
  EXPECT_EQ(ParseRenames({"ab"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRenames({"a:b/c"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRenames({"a:b", "a:c"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRenames({"a:c", "b:c"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(IsValidTopicName(".."));
  EXPECT_FALSE(IsValidTopicName(std::string(250, 'a')));
}

}  // namespace
}  // namespace strata::restore
