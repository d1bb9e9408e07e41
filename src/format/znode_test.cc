#include "format/znode.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace strata::format {
namespace {

TEST(HasSequentialSuffix, TenDigitsAtTheEndOfTheName) {
  EXPECT_TRUE(HasSequentialSuffix("/seq/n-0000000000"));
  EXPECT_TRUE(HasSequentialSuffix("/0000000042"));
  EXPECT_TRUE(HasSequentialSuffix("/q/item2147483647"));
  EXPECT_FALSE(HasSequentialSuffix("/"));
  EXPECT_FALSE(HasSequentialSuffix("/seq/n-000000000"));  // nine digits
  EXPECT_FALSE(HasSequentialSuffix("/seq/n-00000000x0"));
  EXPECT_FALSE(HasSequentialSuffix("/0000000000/name"));   // the parent's, not its own
  EXPECT_FALSE(HasSequentialSuffix("/q/item-000000005"));  // nine digits after a dash
}

TEST(DecodeEphemeralOwner, EveryEncodingZooKeeperWrites) {
  auto persistent = DecodeEphemeralOwner(0);
  ASSERT_TRUE(persistent.ok());
  EXPECT_EQ(persistent->type, NodeType::kPersistent);

  auto container = DecodeEphemeralOwner(std::numeric_limits<int64_t>::min());
  ASSERT_TRUE(container.ok());
  EXPECT_EQ(container->type, NodeType::kContainer);

  auto ttl = DecodeEphemeralOwner(static_cast<int64_t>(0xFF00000000000000ULL | 3600000));
  ASSERT_TRUE(ttl.ok());
  EXPECT_EQ(ttl->type, NodeType::kTtl);
  EXPECT_EQ(ttl->ttl_ms, 3600000);

  auto max_ttl =
      DecodeEphemeralOwner(static_cast<int64_t>(0xFF000000FFFFFFFFULL | 0xFF00000000ULL));
  ASSERT_TRUE(max_ttl.ok());
  EXPECT_EQ(max_ttl->ttl_ms, 0xFFFFFFFFFFLL);

  auto session = DecodeEphemeralOwner(0x10000178aad0001LL);
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->type, NodeType::kEphemeral);
  EXPECT_EQ(session->ttl_ms, 0);
}

TEST(DecodeEphemeralOwner, UnknownExtendedTypesAreRefused) {
  auto unknown = DecodeEphemeralOwner(static_cast<int64_t>(0xFF00010000000005ULL));
  EXPECT_EQ(unknown.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(unknown.status().message().find("extended"), std::string::npos);
  auto zero_ttl = DecodeEphemeralOwner(static_cast<int64_t>(0xFF00000000000000ULL));
  EXPECT_EQ(zero_ttl.status().code(), StatusCode::kFailedPrecondition);
}

TEST(ValidateZnodePath, AcceptsAbsolutePathsOnly) {
  for (const char* ok : {"/", "/a", "/a/b", "/ünï/✓", "/a b/.c", "/..."}) {
    EXPECT_TRUE(ValidateZnodePath(ok).ok()) << ok;
  }
  for (const char* bad : {"", "a", "/a/", "//a", "/a//b", "/.", "/a/..", "/a/./b"}) {
    EXPECT_EQ(ValidateZnodePath(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ValidateZnodePath(std::string("/a\0b", 4)).code(), StatusCode::kInvalidArgument);
}

TEST(PreorderChecker, AcceptsADepthFirstWalk) {
  PreorderChecker c;
  for (const char* p : {"/", "/a", "/a/b", "/a/b/c", "/a/d", "/e", "/e/f", "/ab"}) {
    EXPECT_TRUE(c.Add(p).ok()) << p;
  }
  EXPECT_EQ(c.last(), "/ab");
}

TEST(PreorderChecker, ASubtreeRootIsTheFirstEntry) {
  PreorderChecker c;
  ASSERT_TRUE(c.Add("/kafka").ok());
  EXPECT_TRUE(c.Add("/kafka/brokers").ok());
  EXPECT_EQ(c.Add("/other").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.Add("/kafkaz").code(), StatusCode::kInvalidArgument);
}

TEST(PreorderChecker, RejectsChildrenBeforeParentsAndRepeats) {
  PreorderChecker c;
  ASSERT_TRUE(c.Add("/").ok());
  EXPECT_EQ(c.Add("/a/b").code(), StatusCode::kInvalidArgument);  // parent not seen
  ASSERT_TRUE(c.Add("/a").ok());
  ASSERT_TRUE(c.Add("/a/b").ok());
  EXPECT_EQ(c.Add("/a/b").code(), StatusCode::kInvalidArgument);  // repeat
  EXPECT_EQ(c.Add("/a").code(), StatusCode::kInvalidArgument);    // ancestor repeat
  EXPECT_EQ(c.Add("/").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(c.Add("/x").ok());
  EXPECT_EQ(c.Add("/a/c").code(), StatusCode::kInvalidArgument);  // /a's subtree is closed
  EXPECT_EQ(c.Add("bad").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::format
