#include "zk/server_info.h"

#include <gtest/gtest.h>

#include "zk/tree_walker.h"

namespace strata::zk {
namespace {

TEST(ConnectStringTest, SplitsServersAndChroot) {
  auto c = ParseConnectString("a:2181,b:2182/kafka/prod/");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->hosts, "a:2181,b:2182");
  EXPECT_EQ(c->chroot, "/kafka/prod");
  EXPECT_EQ(ParseConnectString("[::1]:2181/")->chroot, "");
  EXPECT_EQ(ParseConnectString("h:1")->chroot, "");
  EXPECT_EQ(ParseConnectString("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseConnectString("host/x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseConnectString("h:1//x").status().code(), StatusCode::kInvalidArgument);
}

TEST(SrvrTest, ParsesZxidVersionAndMode) {
  auto info = ParseSrvr(
      "Zookeeper version: 3.8.0-5a02a05eddb59aee6ac762f7ea82e92a68eb9c0f, built on 2022-02-25\n"
      "Latency min/avg/max: 0/0.5/12\nReceived: 10\nSent: 9\nConnections: 2\nOutstanding: 0\n"
      "Zxid: 0x1f00000a2c\nMode: standalone\nNode count: 42\n");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->zxid, 0x1f00000a2c);
  EXPECT_EQ(info->mode, "standalone");
  EXPECT_EQ(info->version.rfind("3.8.0", 0), 0u);
}

TEST(SrvrTest, RefusalIsFailedPrecondition) {
  EXPECT_EQ(ParseSrvr("srvr is not executed because it is not in the whitelist.\n").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ParseSrvr("Mode: standalone\n").status().code(), StatusCode::kFailedPrecondition);
}

TEST(TreeOrderTest, ParentsFirstThenComponentsInByteOrder) {
  EXPECT_TRUE(TreeOrderLess("/a", "/a/b"));
  EXPECT_TRUE(TreeOrderLess("/a/x", "/ab"));      // the subtree of /a precedes its sibling /ab
  EXPECT_TRUE(TreeOrderLess("/a/zz", "/a-b"));    // '-' sorts below '/' in bytes, not in trees
  EXPECT_FALSE(TreeOrderLess("/b", "/a/c"));
  EXPECT_FALSE(TreeOrderLess("/a", "/a"));
}

}  // namespace
}  // namespace strata::zk
