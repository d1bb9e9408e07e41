#include "restore/offset_map.h"

#include <gtest/gtest.h>

#include "restore/restore_log.h"

namespace strata::restore {
namespace {

PartitionOffsets Build(int64_t target_start, std::vector<int64_t> sources) {
  PartitionOffsets p(target_start);
  for (int64_t s : sources) p.Add(s);
  return p;
}

TEST(OffsetMapTest, ConsecutiveOffsetsFormOneRun) {
  PartitionOffsets p = Build(0, {0, 1, 2, 3});
  ASSERT_EQ(p.runs().size(), 1u);
  EXPECT_EQ(p.runs()[0], (OffsetRun{0, 0, 4}));
  EXPECT_EQ(p.target_end(), 4);
}

TEST(OffsetMapTest, GapsStartNewRunsAndTranslateRoundsToTheNextRecord) {
  // Source 10..12, 20, 30..31 restored at target 100..105.
  PartitionOffsets p = Build(100, {10, 11, 12, 20, 30, 31});
  ASSERT_EQ(p.runs().size(), 3u);
  EXPECT_EQ(p.runs()[1], (OffsetRun{20, 103, 1}));
  EXPECT_EQ(p.Translate(0), 100);   // before the first record: read from the start
  EXPECT_EQ(p.Translate(10), 100);
  EXPECT_EQ(p.Translate(12), 102);
  EXPECT_EQ(p.Translate(13), 103);  // in a gap: the next restored record (source 20)
  EXPECT_EQ(p.Translate(19), 103);
  EXPECT_EQ(p.Translate(21), 104);
  EXPECT_EQ(p.Translate(31), 105);
  EXPECT_EQ(p.Translate(32), 106);  // past the end: the end
  EXPECT_EQ(p.Translate(1000), 106);
  EXPECT_EQ(PartitionOffsets(7).Translate(5), 7);  // nothing restored
}

TEST(OffsetMapTest, SealKeepsHandedOutRunsUnchanged) {
  PartitionOffsets p = Build(0, {0, 1});
  p.Seal();
  p.Add(2);
  ASSERT_EQ(p.runs().size(), 2u);
  EXPECT_EQ(p.runs()[1], (OffsetRun{2, 2, 1}));
  EXPECT_EQ(p.Translate(2), 2);
  EXPECT_EQ(p.Compacted().runs().size(), 1u);
  EXPECT_EQ(p.Compacted(), Build(0, {0, 1, 2}));
}

TEST(OffsetMapTest, AddRunsChecksContinuity) {
  PartitionOffsets p(5);
  EXPECT_TRUE(p.AddRuns({{0, 5, 2}, {4, 7, 1}}).ok());
  EXPECT_EQ(p.AddRuns({{9, 9, 1}}).code(), StatusCode::kInvalidArgument);  // target 8 expected
  EXPECT_EQ(p.AddRuns({{3, 8, 1}}).code(), StatusCode::kInvalidArgument);  // source goes back
  EXPECT_EQ(p.AddRuns({{9, 8, 0}}).code(), StatusCode::kInvalidArgument);  // empty run
}

OffsetMap Sample() {
  OffsetMap m;
  m.restore_id = "0123456789abcdef-0001";
  m.cluster = "prod";
  m.snapshot = "20260101T000000.000Z-00000001";
  m.target_cluster_id = "abc";
  m.created = "2026-01-02T00:00:00.000Z";
  m.partitions.push_back({"orders", "orders-copy", 0, Build(0, {0, 1, 5, 6})});
  m.partitions.push_back({"orders", "orders-copy", 1, PartitionOffsets(12)});
  return m;
}

TEST(OffsetMapTest, JsonRoundTrip) {
  OffsetMap m = Sample();
  std::string json = OffsetMapToJson(m);
  EXPECT_NE(json.find("\"strata-kafka-offset-map\""), std::string::npos);
  auto parsed = ParseOffsetMap(json, "map");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, m);
  ASSERT_NE(parsed->Find("orders", 0), nullptr);
  EXPECT_EQ(parsed->Find("orders", 0)->offsets.Translate(2), 2);
  EXPECT_EQ(parsed->Find("orders", 2), nullptr);
}

TEST(OffsetMapTest, DamagedOrForeignMapsAreRefused) {
  std::string json = OffsetMapToJson(Sample());
  auto truncated = ParseOffsetMap(json.substr(0, json.size() / 2), "map");
  EXPECT_EQ(truncated.status().code(), StatusCode::kDataLoss);
  std::string newer = json;
  newer.replace(newer.find("\"version\": 1"), 12, "\"version\": 2");
  auto v2 = ParseOffsetMap(newer, "map");
  EXPECT_EQ(v2.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(v2.status().message().find("version 2"), std::string::npos);
  std::string lying = json;
  lying.replace(lying.find("\"records\": 4"), 12, "\"records\": 5");
  EXPECT_EQ(ParseOffsetMap(lying, "map").status().code(), StatusCode::kDataLoss);
}

TEST(RestoreLogTest, RecordAndProgressRoundTrip) {
  RestoreRecord r;
  r.restore_id = RestoreId("0123456789abcdef", 2);
  EXPECT_EQ(r.restore_id, "0123456789abcdef-0002");
  r.fingerprint = "0123456789abcdef";
  r.cluster = "c";
  r.snapshot = "s";
  r.manifests = {"kafka/c/manifests/s.json"};
  r.until_ms = 1234;
  r.target_cluster_id = "t";
  r.target_bootstrap = "127.0.0.1:9092";
  r.created = "now";
  r.partitions = {{"a", "b", 3, 17}};
  auto parsed = ParseRestoreRecord(RestoreRecordToJson(r), "rec");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  r.strata_version = parsed->strata_version;
  EXPECT_EQ(*parsed, r);

  ProgressCheckpoint c{r.restore_id, 4, "now", {{"b", 3, 10, 42, {{30, 17, 10}}}}};
  auto pc = ParseProgress(ProgressToJson(c), "cp");
  ASSERT_TRUE(pc.ok()) << pc.status().ToString();
  EXPECT_EQ(*pc, c);
  EXPECT_EQ(ProgressKey("c", r.restore_id, 4), "kafka/c/restores/0123456789abcdef-0002/progress/00000004.json");
}

}  // namespace
}  // namespace strata::restore
