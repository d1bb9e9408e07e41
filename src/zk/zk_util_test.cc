#include "zk/zk_util.h"

#include <gtest/gtest.h>

namespace strata::zk {
namespace {

using internal::FromZk;

TEST(FromZkTest, MapsCodesToCallerActions) {
  EXPECT_TRUE(FromZk(ZOK, "x").ok());
  EXPECT_EQ(FromZk(ZNONODE, "x").code(), StatusCode::kNotFound);
  EXPECT_EQ(FromZk(ZNODEEXISTS, "x").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(FromZk(ZNOAUTH, "x").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(FromZk(ZAUTHFAILED, "x").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(FromZk(ZCONNECTIONLOSS, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(FromZk(ZSESSIONEXPIRED, "x").code(), StatusCode::kAborted);
  EXPECT_EQ(FromZk(ZNOTEMPTY, "x").code(), StatusCode::kFailedPrecondition);
}

TEST(FromZkTest, MessageNamesOperation) {
  Status s = FromZk(ZNONODE, "get /brokers/ids/1");
  EXPECT_NE(s.message().find("get /brokers/ids/1"), std::string::npos);
}

TEST(SessionTest, ConnectToNothingTimesOutWithAddress) {
  SessionOptions o;
  o.connect = "127.0.0.1:1";
  auto s = Session::Connect(o, Deadline::After(std::chrono::milliseconds(300)));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(s.status().message().find("127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace strata::zk
