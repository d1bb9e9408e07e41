#include "core/status.h"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ToStringHasCodeAndMessage) {
  Status s = NotFoundError("GET s3://b/k: NoSuchKey");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "NotFound: GET s3://b/k: NoSuchKey");
}

TEST(StatusTest, WithContextPrefixesAndKeepsCode) {
  Status s = DataLossError("crc mismatch").WithContext("segment 00042.log");
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "segment 00042.log: crc mismatch");
  EXPECT_TRUE(OkStatus().WithContext("x").ok());
}

TEST(StatusTest, TransientCodes) {
  EXPECT_TRUE(IsTransient(UnavailableError("503")));
  EXPECT_TRUE(IsTransient(DeadlineExceededError("timeout")));
  EXPECT_FALSE(IsTransient(PermissionDeniedError("403")));
  EXPECT_FALSE(IsTransient(OkStatus()));
}

Status FailsWith(StatusCode code) { return Status(code, "boom"); }

Status Chain(StatusCode code) {
  STRATA_RETURN_IF_ERROR(FailsWith(code));
  return InternalError("not reached");
}

TEST(StatusTest, ReturnIfErrorPropagates) {
  EXPECT_EQ(Chain(StatusCode::kAborted).code(), StatusCode::kAborted);
}

}  // namespace
}  // namespace strata
