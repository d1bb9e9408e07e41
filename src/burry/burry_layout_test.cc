#include "burry/burry_layout.h"

#include <gtest/gtest.h>

namespace strata::burry {
namespace {

TEST(BurryLayoutTest, ClassifiesEntries) {
  EXPECT_EQ(ClassifyEntry("content").kind, EntryKind::kData);
  EXPECT_EQ(ClassifyEntry("content").escaped, "");
  EXPECT_EQ(ClassifyEntry(".burrymeta").kind, EntryKind::kMeta);
  EXPECT_EQ(ClassifyEntry("a/b/content").kind, EntryKind::kData);
  EXPECT_EQ(ClassifyEntry("a/b/content").escaped, "a/b");
  EXPECT_EQ(ClassifyEntry("a/b/").kind, EntryKind::kDirectory);
  EXPECT_EQ(ClassifyEntry("a/b/").escaped, "a/b");
  EXPECT_EQ(ClassifyEntry("").kind, EntryKind::kDirectory);
  // A child znode named "content": its directory, and its data one level down.
  EXPECT_EQ(ClassifyEntry("a/content/").kind, EntryKind::kDirectory);
  EXPECT_EQ(ClassifyEntry("a/content/").escaped, "a/content");
  EXPECT_EQ(ClassifyEntry("a/content/content").kind, EntryKind::kData);
  EXPECT_EQ(ClassifyEntry("a/content/content").escaped, "a/content");
  // Only the top level .burrymeta is Burry's; a znode may be called that lower down.
  EXPECT_EQ(ClassifyEntry("a/.burrymeta/content").escaped, "a/.burrymeta");
  EXPECT_EQ(ClassifyEntry("a/notes.txt").kind, EntryKind::kOther);
  EXPECT_EQ(ClassifyEntry("a/xcontent").kind, EntryKind::kOther);
}

TEST(BurryLayoutTest, UnescapesColonsAndValidates) {
  EXPECT_EQ(*ZnodePath(""), "/");
  EXPECT_EQ(*ZnodePath("a/b"), "/a/b");
  EXPECT_EQ(*ZnodePath("brokers/hostBURRY_ESC_COLON9092"), "/brokers/host:9092");
  EXPECT_EQ(*ZnodePath("BURRY_ESC_COLONBURRY_ESC_COLON"), "/::");
  EXPECT_EQ(*ZnodePath("caf\xc3\xa9/\xe2\x82\xac"), "/caf\xc3\xa9/\xe2\x82\xac");
  EXPECT_EQ(ZnodePath("a//b").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ZnodePath("a/../b").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ZnodePath("/a").status().code(), StatusCode::kInvalidArgument);
}

TEST(BurryLayoutTest, OrderIsPreorder) {
  EXPECT_LT(ComparePaths("", "a"), 0);
  EXPECT_LT(ComparePaths("a", "a/b"), 0);
  // Byte order would put "a-x" ('-' is 0x2d) before "a/b" ('/' is 0x2f), splitting a's subtree.
  EXPECT_LT(ComparePaths("a/b", "a-x"), 0);
  EXPECT_LT(ComparePaths("a/zzz", "a0"), 0);
  EXPECT_EQ(ComparePaths("a/b", "a/b"), 0);
  EXPECT_GT(ComparePaths("b", "a/b/c"), 0);
  EXPECT_LT(ComparePaths("a", "\xc3\xa9"), 0);  // bytes compare unsigned
}

TEST(BurryLayoutTest, FindsTheTopDirectory) {
  TopDirDetector with;
  for (auto n : {"1483193387/.burrymeta", "1483193387/content", "1483193387/a/content"}) with.Add(n);
  EXPECT_EQ(with.Result(), "1483193387");
  TopDirDetector renamed;  // not digits, but it holds Burry's files
  for (auto n : {"backup/.burrymeta", "backup/content", "backup/a/content"}) renamed.Add(n);
  EXPECT_EQ(renamed.Result(), "backup");
  TopDirDetector without;
  for (auto n : {".burrymeta", "content", "a/content"}) without.Add(n);
  EXPECT_EQ(without.Result(), "");
  TopDirDetector one_child;  // a tree whose root has one child "kafka" and no root content
  for (auto n : {"kafka/content", "kafka/brokers/content"}) one_child.Add(n);
  EXPECT_EQ(one_child.Result(), "");  // kept as the znode /kafka
  TopDirDetector mixed;
  for (auto n : {"123/content", "456/content"}) mixed.Add(n);
  EXPECT_EQ(mixed.Result(), "");
}

TEST(BurryLayoutTest, ParsesBurryMeta) {
  auto m = ParseBurryMeta(
      R"({"snapshot-date":"2026-11-25T08:54:14Z","svc":"zk","svc-endpoint":"127.0.0.1:36113","target":"local",)"
      R"("target-endpoint":"/tmp/x"})");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->snapshot_date, "2026-11-25T08:54:14Z");
  EXPECT_EQ(m->svc, "zk");
  EXPECT_EQ(m->svc_endpoint, "127.0.0.1:36113");
  EXPECT_EQ(m->target, "local");
  EXPECT_EQ(m->target_endpoint, "/tmp/x");
  auto partial = ParseBurryMeta(R"({"svc":"zk","extra":1})");
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->snapshot_date, "");
  EXPECT_EQ(ParseBurryMeta("{\"svc\":").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseBurryMeta("[1]").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseBurryMeta(R"({"svc":3})").status().code(), StatusCode::kDataLoss);
}

TEST(BurryLayoutTest, ReadsRfc3339Times) {
  constexpr int64_t k20170724T100000Z = 1500890400000;
  EXPECT_EQ(*Rfc3339ToUnixMillis("2017-07-24T10:00:00Z"), k20170724T100000Z);
  EXPECT_EQ(*Rfc3339ToUnixMillis("2017-07-24T12:00:00+02:00"), k20170724T100000Z);
  EXPECT_EQ(*Rfc3339ToUnixMillis("2017-07-24T09:00:00.25-01:00"), k20170724T100000Z + 250);
  EXPECT_EQ(Rfc3339ToUnixMillis("2017-07-24 10:00").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Rfc3339ToUnixMillis("yesterday").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Rfc3339ToUnixMillis("").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::burry
