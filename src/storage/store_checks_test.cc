#include "storage/store_checks.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace strata::storage {
namespace {

TEST(ValidateKeyTest, AcceptsPortableKeys) {
  for (const char* key : {"a", "kafka/c1/snapshots/x.json", "a-b.c_d", "日本/é", "a b/c",
                          ".hidden", "a/..b", "a/b..", "..."}) {
    EXPECT_TRUE(ValidateKey(key).ok()) << key << ": " << ValidateKey(key).ToString();
  }
}

TEST(ValidateKeyTest, RejectsNonPortableKeys) {
  for (const char* key : {"", "/abs", "a//b", "a/", "..", "../x", "a/../b", "a/..", ".", "./a",
                          "a/./b"}) {
    Status s = ValidateKey(key);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << key;
  }
}

TEST(ValidateKeyTest, RejectsNulAndShowsIt) {
  Status s = ValidateKey(std::string("a\0b", 3));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "invalid object key \"a\\0b\": contains a NUL byte");
}

TEST(ValidateMaxKeysTest, RequiresPositive) {
  EXPECT_TRUE(ValidateMaxKeys(1).ok());
  EXPECT_EQ(ValidateMaxKeys(0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateMaxKeys(-5).code(), StatusCode::kInvalidArgument);
}

TEST(CheckCallTest, ReportsCancelAndDeadline) {
  CallOptions call;
  EXPECT_TRUE(CheckCall(call).ok());
  call.deadline = Deadline::After(-std::chrono::milliseconds(1));
  EXPECT_EQ(CheckCall(call).code(), StatusCode::kDeadlineExceeded);
  call.cancel.Cancel();
  EXPECT_EQ(CheckCall(call).code(), StatusCode::kCancelled);
}

}  // namespace
}  // namespace strata::storage
