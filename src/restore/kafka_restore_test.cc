// RunKafkaRestore against a FakeTarget with backups written to a MemoryStore.
#include "restore/kafka_restore.h"

#include <gtest/gtest.h>

#include "format/crc32c.h"
#include "restore/fake_target.h"
#include "restore/offset_map.h"
#include "restore/pipeline.h"
#include "restore/restore_log.h"
#include "restore/test_backup.h"

namespace strata::restore {
namespace {

using testing::Rec;
using testing::Records;
using testing::TestBackup;
using testing::Topic;

// The records of `log` with their offsets replaced by `offsets` (what a restore keeps).
void ExpectSameRecords(const std::vector<format::KafkaRecord>& want, const std::vector<format::KafkaRecord>& got) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].key, want[i].key) << i;
    EXPECT_EQ(got[i].value, want[i].value) << i;
    EXPECT_EQ(got[i].headers, want[i].headers) << i;
    EXPECT_EQ(got[i].timestamp_ms, want[i].timestamp_ms) << i;
    EXPECT_EQ(got[i].offset, static_cast<int64_t>(i));
  }
}

KafkaRestoreOptions Options() {
  KafkaRestoreOptions o;
  o.memory_budget = 1 << 20;  // small: chunks of a few batches, the budgets get exercised
  o.checkpoint_interval = std::chrono::milliseconds(5);
  return o;
}

std::vector<format::KafkaRecord> EdgeRecords() {
  std::vector<format::KafkaRecord> r;
  r.push_back(Rec(0, std::nullopt, std::nullopt));
  r.push_back(Rec(1, Bytes(), Bytes()));
  r.push_back(Rec(2, Bytes("k\0\xff", 3), Bytes(5000, 'v'), {{"dup", Bytes("1")}, {"dup", Bytes("2")}, {"nul", std::nullopt}}));
  r.push_back(Rec(5, Bytes("after-gap"), Bytes("v"), {{"", Bytes()}}));
  for (int64_t o = 6; o < 300; ++o) r.push_back(Rec(o, Bytes("k" + std::to_string(o)), Bytes(o % 50, 'x')));
  return r;
}

TEST(KafkaRestoreTest, RestoresEveryRecordToItsPartitionAndWritesTheOffsetMap) {
  TestBackup b;
  auto p0 = EdgeRecords();
  auto p1 = Records(40, 100, 3);  // offsets 40, 43, ...: gaps everywhere
  b.Manifest(1, {Topic("t", {b.Partition("t", 0, p0, 100), b.Partition("t", 1, p1, 30, format::Compression::kNone)},
                       {{"cleanup.policy", "compact"}})},
             {{"g", {{"t", 0, 4, "meta"}, {"t", 1, 44, ""}}}});
  FakeTarget target;
  auto r = RunKafkaRestore(b.repo(), &target, Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->records, static_cast<int64_t>(p0.size() + p1.size()));
  EXPECT_EQ(r->records_total, r->records);
  EXPECT_FALSE(r->resumed);
  ASSERT_EQ(r->topics.size(), 1u);
  EXPECT_TRUE(r->topics[0].created);
  auto topic = target.GetTopic("t");
  ASSERT_TRUE(topic);
  EXPECT_EQ(topic->spec.configs.at("cleanup.policy"), "compact");
  ExpectSameRecords(p0, target.Log("t", 0));
  ExpectSameRecords(p1, target.Log("t", 1));

  auto bytes = b.store().Get(storage::ObjectKey(r->offset_map_key));
  ASSERT_TRUE(bytes.ok()) << r->offset_map_key;
  auto map = ParseOffsetMap(*bytes, "map");
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->Find("t", 0)->offsets.runs()[0], (OffsetRun{0, 0, 3}));
  EXPECT_EQ(map->Find("t", 1)->offsets.runs().size(), 100u);
  // Group offsets: source 4 fell into the gap 3..4 -> the record at source 5 (target 3);
  // source 44 lies between 43 and 46 -> the record at 46 (target 2).
  auto g = target.GroupOffsets("g");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0], (kafka::GroupOffset{"t", 0, 3, "meta"}));
  EXPECT_EQ(g[1], (kafka::GroupOffset{"t", 1, 2, ""}));
  ASSERT_EQ(r->groups.size(), 1u);
  EXPECT_TRUE(r->groups[0].status.ok());

  // Running it again finds the finished attempt and writes nothing.
  auto again = RunKafkaRestore(b.repo(), &target, Options());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_complete);
  EXPECT_EQ(again->records, 0);
  EXPECT_EQ(target.Log("t", 0).size(), p0.size());
}

TEST(KafkaRestoreTest, RenamePartitionsAndUntil) {
  TestBackup b;
  auto recs = Records(0, 100);
  for (auto& r : recs) r.timestamp_ms = 1000 + (r.offset % 10 == 9 ? 500 : r.offset);  // some late outliers
  b.Manifest(1, {Topic("src", {b.Partition("src", 0, Records(0, 10)), b.Partition("src", 1, recs, 25)})});
  FakeTarget target;
  KafkaRestoreOptions o = Options();
  o.plan.renames = {{"src", "dst"}};
  o.plan.partitions = std::set<int32_t>{1};
  o.plan.until_ms = 1050;
  auto r = RunKafkaRestore(b.repo(), &target, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(target.GetTopic("src"));
  ASSERT_TRUE(target.GetTopic("dst"));
  EXPECT_EQ(target.GetTopic("dst")->logs.size(), 2u);  // created with the backup's count
  EXPECT_TRUE(target.Log("dst", 0).empty());
  std::vector<format::KafkaRecord> want;
  for (auto& x : recs) {
    if (x.timestamp_ms <= 1050) want.push_back(x);
  }
  ExpectSameRecords(want, target.Log("dst", 1));
}

TEST(KafkaRestoreTest, RefusesTopicsWithFewerPartitionsNonEmptyTargetsAndActiveGroups) {
  TestBackup b;
  b.Manifest(1, {Topic("t", {b.Partition("t", 0, Records(0, 5)), b.Partition("t", 1, Records(0, 5))})},
             {{"g", {{"t", 0, 1, ""}}}});
  {
    FakeTarget target;
    target.AddTopic("t", 1);
    auto r = RunKafkaRestore(b.repo(), &target, Options());
    EXPECT_TRUE(IsRefusal(r.status())) << r.status().ToString();
    EXPECT_NE(r.status().message().find("has 1 partitions"), std::string::npos);
    EXPECT_TRUE(target.Log("t", 0).empty());
  }
  {
    FakeTarget target;
    target.AddTopic("t", 2);
    target.Append("t", 1, Rec(0, Bytes("x"), Bytes("y")));
    auto r = RunKafkaRestore(b.repo(), &target, Options());
    EXPECT_TRUE(IsRefusal(r.status())) << r.status().ToString();
    EXPECT_NE(r.status().message().find("t partition 1 (1 records)"), std::string::npos);
    KafkaRestoreOptions append = Options();
    append.append = true;
    auto ok = RunKafkaRestore(b.repo(), &target, append);
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_EQ(target.Log("t", 1).size(), 6u);
    EXPECT_EQ(target.GroupOffsets("g")[0].offset, 1);
  }
  {
    FakeTarget target;
    target.SetGroupMembers("g", 2);
    auto r = RunKafkaRestore(b.repo(), &target, Options());
    EXPECT_TRUE(IsRefusal(r.status()));
    EXPECT_NE(r.status().message().find("\"g\""), std::string::npos);
    EXPECT_FALSE(target.GetTopic("t"));
  }
}

TEST(KafkaRestoreTest, CorruptBatchStopsBeforeItsRecordsAreWritten) {
  TestBackup b;
  auto recs = Records(0, 200);
  auto part = b.Partition("t", 0, recs, 200);
  b.Manifest(1, {Topic("t", {part})});
  // Flip a byte in the middle of the segment (inside a batch's records).
  const auto& seg = part.segments[0];
  Bytes data = *b.store().Get(storage::ObjectKey(seg.key));
  size_t at = data.size() / 2;
  data[at] = static_cast<char>(data[at] ^ 0x5a);
  ASSERT_TRUE(b.store().Delete(storage::ObjectKey(seg.key)).ok());
  ASSERT_TRUE(b.store().Put(storage::ObjectKey(seg.key), data).ok());
  FakeTarget target;
  auto r = RunKafkaRestore(b.repo(), &target, Options());
  ASSERT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
  EXPECT_NE(r.status().message().find(seg.key), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("base offset"), std::string::npos) << r.status().message();
  // Only records of batches before the damaged one reached the target, in order.
  auto log = target.Log("t", 0);
  EXPECT_LT(log.size(), recs.size());
  for (size_t i = 0; i < log.size(); ++i) EXPECT_EQ(log[i].value, recs[i].value);
}

TEST(KafkaRestoreTest, WarnsWhenRetentionWouldDeleteRestoredRecords) {
  TestBackup b;
  b.Manifest(1, {Topic("t", {b.Partition("t", 0, Records(0, 10))}, {{"retention.ms", "86400000"}})});
  FakeTarget target;
  auto r = RunKafkaRestore(b.repo(), &target, Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  bool warned = false;
  for (const auto& w : r->warnings) warned = warned || w.find("10 records are older than its retention.ms") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(KafkaRestoreTest, DryRunWritesNothing) {
  TestBackup b;
  b.Manifest(1, {Topic("t", {b.Partition("t", 0, Records(0, 50))})}, {{"g", {{"t", 0, 1, ""}}}});
  FakeTarget target;
  KafkaRestoreOptions o = Options();
  o.dry_run = true;
  auto r = RunKafkaRestore(b.repo(), &target, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->dry_run);
  ASSERT_EQ(r->topics.size(), 1u);
  EXPECT_TRUE(r->topics[0].created);
  EXPECT_EQ(r->topics[0].records, 50);
  EXPECT_EQ(r->groups.size(), 1u);
  EXPECT_FALSE(target.GetTopic("t"));
  auto without = RunKafkaRestore(b.repo(), nullptr, o);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->topics[0].records, 50);
  EXPECT_EQ(storage::ListAll(b.store(), "kafka/c/restores/")->size(), 0u);
}

}  // namespace
}  // namespace strata::restore
