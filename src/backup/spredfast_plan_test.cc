#include "backup/spredfast_plan.h"

#include <gtest/gtest.h>

namespace strata::backup::spredfast {
namespace {

storage::ObjectInfo Obj(std::string key, int64_t mtime = 0) {
  storage::ObjectInfo o;
  o.key = std::move(key);
  o.size = 100;
  o.mtime_unix_ms = mtime;
  return o;
}

TEST(SpredfastPlanTest, GroupsByTopicAndPartitionInNumericOrder) {
  auto groups = GroupObjects({
      Obj("p/2017-07-25/orders-00000-000000000100.gz"),
      Obj("p/2017-07-25/orders-00000-000000000100.index.json"),
      Obj("p/2017-07-24/orders-00000-000000000000.gz"),
      Obj("p/2017-07-26/orders-00000-1000000000000.gz"),  // 13 digits sorts after by number
      Obj("p/2017-07-25/orders-00000-000000000020.gz"),
      Obj("p/2017-07-25/or-ders-00001-000000000000.gz"),
      Obj("p/last_chunk_index.orders-00000.txt"),
      Obj("p/README"),
  });
  ASSERT_EQ(groups.size(), 2u);
  const PartitionFiles& p0 = groups.at({"orders", 0});
  ASSERT_EQ(p0.files.size(), 4u);
  EXPECT_EQ(p0.files[0].start_offset, 0);
  EXPECT_EQ(p0.files[1].start_offset, 20);
  EXPECT_EQ(p0.files[2].start_offset, 100);
  EXPECT_EQ(p0.files[3].start_offset, 1000000000000);
  EXPECT_EQ(p0.files[2].index_key, "p/2017-07-25/orders-00000-000000000100.index.json");
  EXPECT_FALSE(p0.files[0].index_key);
  EXPECT_EQ(groups.at({"or-ders", 1}).files.size(), 1u);
}

TEST(SpredfastPlanTest, KeepsTheLatestCopyOfAStartOffset) {
  auto groups = GroupObjects({
      Obj("2017-07-25/t-00000-000000000000.gz", 5),
      Obj("2017-07-26/t-00000-000000000000.gz", 1),  // re-uploaded after UTC midnight
      Obj("2017-07-24/t-00000-000000000000.gz", 9),
  });
  const PartitionFiles& p = groups.at({"t", 0});
  ASSERT_EQ(p.files.size(), 1u);
  EXPECT_EQ(p.files[0].key, "2017-07-26/t-00000-000000000000.gz");
  EXPECT_EQ(p.superseded.size(), 2u);
}

TEST(SpredfastPlanTest, OffsetTrackerDropsOverlapAndReportsGaps) {
  OffsetTracker t(10);
  EXPECT_FALSE(t.StartObject(10));
  for (int64_t o = 10; o < 20; ++o) EXPECT_EQ(t.Record(o), OffsetTracker::Verdict::kKeep);
  // A second object overlapping 15..19 after a sink restart.
  EXPECT_FALSE(t.StartObject(15));
  for (int64_t o = 15; o < 25; ++o) t.Record(o);
  EXPECT_EQ(t.duplicates(), 5);
  EXPECT_EQ(t.next(), 25);
  // An object starting beyond: a gap 25..29.
  auto gap = t.StartObject(30);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->from, 25);
  EXPECT_EQ(gap->to, 29);
}

}  // namespace
}  // namespace strata::backup::spredfast
