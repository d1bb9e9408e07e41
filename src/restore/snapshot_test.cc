#include "restore/snapshot.h"

#include <gtest/gtest.h>

#include "restore/flag_values.h"
#include "restore/plan.h"
#include "restore/test_backup.h"

namespace strata::restore {
namespace {

using testing::Records;
using testing::TestBackup;
using testing::Topic;

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // t1: partitions 0 and 1 at second 1; partition 1 again at second 2; t2 at second 3.
    first_ = b_.Manifest(1, {Topic("t1", {b_.Partition("t1", 0, Records(0, 10)), b_.Partition("t1", 1, Records(0, 5))})},
                         {{"g", {{"t1", 0, 4, ""}, {"t1", 1, 2, ""}}}});
    second_ = b_.Manifest(2, {Topic("t1", {b_.Partition("t1", 1, Records(0, 8))})}, {{"g", {{"t1", 1, 7, "m"}}}});
    third_ = b_.Manifest(3, {Topic("t2", {b_.Partition("t2", 0, Records(100, 3))})});
  }
  TestBackup b_;
  std::string first_, second_, third_;
};

TEST_F(SnapshotTest, LatestMergesNewestEntryPerPartition) {
  auto s = LoadSnapshot(b_.repo(), "c", {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->snapshot_id, third_);
  EXPECT_EQ(s->manifest_keys.size(), 3u);
  ASSERT_EQ(s->topics.at("t1").partitions.size(), 2u);
  EXPECT_EQ(s->topics.at("t1").partitions[0].records, 10);
  EXPECT_EQ(s->topics.at("t1").partitions[1].records, 8);
  ASSERT_EQ(s->groups.size(), 1u);
  // t1/1 from the second manifest, t1/0 from the first.
  ASSERT_EQ(s->groups[0].offsets.size(), 2u);
  for (const auto& o : s->groups[0].offsets) EXPECT_EQ(o.offset, o.partition == 0 ? 4 : 7);
}

TEST_F(SnapshotTest, SnapshotIdAndTimeSelectEarlierStates) {
  auto s = LoadSnapshot(b_.repo(), "c", {first_, std::nullopt});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->topics.count("t2"), 0u);
  EXPECT_EQ(s->topics.at("t1").partitions[1].records, 5);
  auto at = LoadSnapshot(b_.repo(), "c", {std::nullopt, *ParseTime("2026-01-01T00:00:02.500Z")});
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(at->snapshot_id, second_);
  EXPECT_EQ(at->topics.at("t1").partitions[1].records, 8);
  EXPECT_EQ(LoadSnapshot(b_.repo(), "c", {std::nullopt, *ParseTime("2025-01-01")}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LoadSnapshot(b_.repo(), "c", {"nope", std::nullopt}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LoadSnapshot(b_.repo(), "other", {}).status().code(), StatusCode::kNotFound);
}

TEST_F(SnapshotTest, ClusterIsFoundWhenThereIsOnlyOne) {
  EXPECT_EQ(*ResolveCluster(b_.repo(), std::nullopt), "c");
  format::KafkaManifest m;
  m.id = "20260101T000009.000Z-00000009";
  m.cluster = "d";
  ASSERT_TRUE(b_.repo().WriteKafkaManifest(m).ok());
  auto r = ResolveCluster(b_.repo(), std::nullopt);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("c, d"), std::string::npos);
  EXPECT_EQ(*ResolveCluster(b_.repo(), std::string("d")), "d");
}

TEST_F(SnapshotTest, TruncatedManifestIsDataLossNamingIt) {
  ASSERT_TRUE(b_.store().Put(storage::ObjectKey("kafka/c/manifests/20260101T000004.000Z-00000004.json"),
                             R"({"format": "strata-kafka-manifest", "version": 1, "id": "2026)").ok());
  auto s = LoadSnapshot(b_.repo(), "c", {});
  EXPECT_EQ(s.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(s.status().message().find("20260101T000004.000Z-00000004"), std::string::npos) << s.status().ToString();
}

TEST_F(SnapshotTest, PlanSelectsRenamesAndFilters) {
  auto s = LoadSnapshot(b_.repo(), "c", {});
  ASSERT_TRUE(s.ok());
  PlanOptions o;
  o.topics = {"t1"};
  o.renames = {{"t1", "t1-copy"}};
  o.partitions = std::set<int32_t>{1};
  auto plan = BuildPlan(*s, o);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->topics.size(), 1u);
  EXPECT_EQ(plan->topics[0].target, "t1-copy");
  ASSERT_EQ(plan->topics[0].partitions.size(), 1u);
  EXPECT_EQ(plan->topics[0].partitions[0].partition, 1);
  EXPECT_EQ(plan->records(), 8);
  ASSERT_EQ(plan->groups.size(), 1u);
  EXPECT_EQ(plan->groups[0].offsets.size(), 1u);

  o.renames = {{"t2", "x"}};
  EXPECT_EQ(BuildPlan(*s, o).status().code(), StatusCode::kInvalidArgument);
  o.renames.clear();
  o.partitions = std::set<int32_t>{7};
  EXPECT_EQ(BuildPlan(*s, o).status().code(), StatusCode::kNotFound);
  o.partitions.reset();
  o.topics = {"missing"};
  EXPECT_EQ(BuildPlan(*s, o).status().code(), StatusCode::kNotFound);
  PlanOptions all;
  all.renames = {{"t1", "t2"}};
  EXPECT_EQ(BuildPlan(*s, all).status().code(), StatusCode::kInvalidArgument);  // t1 and t2 both as "t2"
  all.renames.clear();
  all.groups_regex = "(";
  EXPECT_EQ(BuildPlan(*s, all).status().code(), StatusCode::kInvalidArgument);
  all.skip_groups = true;
  auto no_groups = BuildPlan(*s, all);
  ASSERT_TRUE(no_groups.ok());
  EXPECT_TRUE(no_groups->groups.empty());
}

}  // namespace
}  // namespace strata::restore
