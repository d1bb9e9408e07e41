#include "core/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace strata {
namespace {

Result<int> Parse(const std::string& s) {
  if (s.empty()) return InvalidArgumentError("empty");
  return std::stoi(s);
}

Result<int> Twice(const std::string& s) {
  STRATA_ASSIGN_OR_RETURN(int v, Parse(s));
  return v * 2;
}

TEST(ResultTest, HoldsValue) {
  Result<int> r = Parse("21");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 21);
  EXPECT_EQ(Twice("21").value(), 42);
}

TEST(ResultTest, HoldsError) {
  Result<int> r = Twice("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.value_or(7), 7);
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(ResultDeathTest, ValueOnErrorAborts) {
  Result<int> r = NotFoundError("x");
  EXPECT_DEATH((void)r.value(), "Result::value\\(\\) on an error");
}

}  // namespace
}  // namespace strata
