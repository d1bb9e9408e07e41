// Resuming restores: a producer that dies part way (records in the log but never
// acknowledged, checkpoints behind), foreign writers, deleted targets.
#include <gtest/gtest.h>

#include "restore/fake_target.h"
#include "restore/kafka_restore.h"
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

KafkaRestoreOptions ResumeOptions() {
  KafkaRestoreOptions o;
  o.memory_budget = 1 << 20;
  o.checkpoint_interval = std::chrono::milliseconds(1);
  return o;
}

class ResumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    p0_ = Records(0, 3000, 2);     // gaps between all records
    p1_ = Records(1000, 2000, 1);  // none
    b_.Manifest(1, {Topic("t", {b_.Partition("t", 0, p0_, 700), b_.Partition("t", 1, p1_, 700)})},
                {{"g", {{"t", 0, 3001, ""}, {"t", 1, 2500, ""}}}});
  }

  void ExpectComplete() {
    auto l0 = target_.Log("t", 0);
    auto l1 = target_.Log("t", 1);
    ASSERT_EQ(l0.size(), p0_.size());
    ASSERT_EQ(l1.size(), p1_.size());
    for (size_t i = 0; i < p0_.size(); ++i) ASSERT_EQ(l0[i].value, p0_[i].value) << i;
    for (size_t i = 0; i < p1_.size(); ++i) ASSERT_EQ(l1[i].value, p1_[i].value) << i;
  }

  TestBackup b_;
  FakeTarget target_;
  std::vector<format::KafkaRecord> p0_, p1_;
};

TEST_F(ResumeTest, ProducerDeathPartWayResumesWithoutDuplicatesOrGaps) {
  int crashes = 0;
  for (int64_t crash_at : {0, 1, 500, 700}) {
    SCOPED_TRACE(crash_at);
    target_.CrashAfter(crash_at);
    auto run = RunKafkaRestore(b_.repo(), &target_, ResumeOptions());
    if (run.ok()) break;  // what was in flight at the crashes may have finished it
    EXPECT_EQ(run.status().code(), StatusCode::kAborted) << run.status().ToString();
    ++crashes;
  }
  ASSERT_GE(crashes, 2);
  target_.CrashAfter(std::nullopt);
  auto second = RunKafkaRestore(b_.repo(), &target_, ResumeOptions());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->resumed || second->already_complete);
  EXPECT_EQ(second->records_total, 5000);
  ExpectComplete();
  // The offset map covers both runs; groups translate through it.
  auto map = ParseOffsetMap(*b_.store().Get(storage::ObjectKey(second->offset_map_key)), "map");
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->Find("t", 0)->offsets.records(), 3000);
  EXPECT_EQ(map->Find("t", 0)->offsets.Translate(3001), 1501);  // source 3001 is a gap: next is 3002
  EXPECT_EQ(map->Find("t", 1)->offsets.runs().size(), 1u);
  auto g = target_.GroupOffsets("g");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].offset, 1501);
  EXPECT_EQ(g[1].offset, 1500);
}

TEST_F(ResumeTest, ForeignRecordsAfterTheRestoresAreRefused) {
  target_.CrashAfter(100);
  ASSERT_FALSE(RunKafkaRestore(b_.repo(), &target_, ResumeOptions()).ok());
  target_.CrashAfter(std::nullopt);
  target_.Append("t", 0, Rec(0, Bytes("intruder"), Bytes("!")));
  auto r = RunKafkaRestore(b_.repo(), &target_, ResumeOptions());
  EXPECT_TRUE(IsRefusal(r.status())) << r.status().ToString();
  EXPECT_NE(r.status().message().find("not the one restore"), std::string::npos) << r.status().message();
}

TEST_F(ResumeTest, TruncatedTargetIsRefusedAndEmptyTargetStartsOver) {
  target_.CrashAfter(1500);
  ASSERT_FALSE(RunKafkaRestore(b_.repo(), &target_, ResumeOptions()).ok());
  // Another cluster state: the topic was deleted and recreated empty.
  FakeTarget fresh;
  fresh.AddTopic("t", 2);
  // Same cluster id, so the same restore: all partitions empty -> a new attempt.
  auto r = RunKafkaRestore(b_.repo(), &fresh, ResumeOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->resumed);
  EXPECT_NE(r->restore_id.substr(r->restore_id.size() - 4), "0001");
  EXPECT_EQ(fresh.Log("t", 0).size(), p0_.size());

  // A target with some records of the restore gone.
  FakeTarget partial;
  partial.AddTopic("t", 2);
  partial.CrashAfter(1200);
  KafkaRestoreOptions o = ResumeOptions();
  o.plan.partitions = std::set<int32_t>{0, 1};  // another selection, another restore id
  ASSERT_FALSE(RunKafkaRestore(b_.repo(), &partial, o).ok());
  FakeTarget shorter;
  shorter.AddTopic("t", 2);
  for (int i = 0; i < 3; ++i) shorter.Append("t", 0, p0_[i]);
  auto refused = RunKafkaRestore(b_.repo(), &shorter, o);
  EXPECT_TRUE(IsRefusal(refused.status())) << refused.status().ToString();
}

TEST_F(ResumeTest, CheckpointsRecordProgress) {
  target_.CrashAfter(2500);
  auto r = RunKafkaRestore(b_.repo(), &target_, ResumeOptions());
  ASSERT_FALSE(r.ok());
  auto keys = storage::ListAll(b_.store(), "kafka/c/restores/");
  ASSERT_TRUE(keys.ok());
  int progress = 0, record = 0;
  for (const auto& k : *keys) {
    progress += k.key.find("/progress/") != std::string::npos;
    record += k.key.find("/restore.json") != std::string::npos;
  }
  EXPECT_EQ(record, 1);
  EXPECT_GE(progress, 1);
}

}  // namespace
}  // namespace strata::restore
