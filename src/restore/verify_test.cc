#include "restore/verify.h"

#include <gtest/gtest.h>

#include "restore/fake_target.h"
#include "restore/kafka_restore.h"
#include "restore/test_backup.h"

namespace strata::restore {
namespace {

using testing::Rec;
using testing::Records;
using testing::TestBackup;
using testing::Topic;

void Replace(storage::MemoryStore& store, const std::string& key, const Bytes& data) {
  ASSERT_TRUE(store.Put(storage::ObjectKey(key), data).ok());
}

TEST(VerifyTest, HealthyRepositoryHasNoProblems) {
  TestBackup b;
  b.Manifest(1, {Topic("t", {b.Partition("t", 0, Records(0, 300), 100), b.Partition("t", 1, Records(5, 10, 3))})});
  b.Manifest(2, {Topic("u", {b.Partition("u", 0, Records(0, 7))})});
  auto r = VerifyRepository(b.repo(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->problems.empty()) << r->problems.front();
  EXPECT_EQ(r->manifests, 2);
  EXPECT_EQ(r->segments, 5);
  EXPECT_EQ(r->records, 317);
}

TEST(VerifyTest, FlippedByteIsReportedWithObjectAndOffset) {
  TestBackup b;
  auto part = b.Partition("t", 0, Records(0, 300), 300);
  b.Manifest(1, {Topic("t", {part})});
  const auto& seg = part.segments[0];
  Bytes data = *b.store().Get(storage::ObjectKey(seg.key));
  data[data.size() * 2 / 3] ^= 1;
  Replace(b.store(), seg.key, data);
  auto r = VerifyRepository(b.repo(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_NE(r->problems[0].find(seg.key), std::string::npos) << r->problems[0];
  EXPECT_NE(r->problems[0].find("base offset"), std::string::npos) << r->problems[0];
}

TEST(VerifyTest, MissingIndexTruncatedManifestAndBadCountsAreReported) {
  TestBackup b;
  auto part = b.Partition("t", 0, Records(0, 20));
  b.Manifest(1, {Topic("t", {part})});
  ASSERT_TRUE(b.store().Delete(storage::ObjectKey(part.segments[0].index_key)).ok());
  Replace(b.store(), "kafka/c/manifests/20260101T000005.000Z-00000005.json", R"({"format": "strata-kafka-manifest")");
  auto lying = part;
  lying.records = 99;
  b.Manifest(6, {Topic("t", {lying})});
  auto r = VerifyRepository(b.repo(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->problems.size(), 3u);
  std::string all;
  for (const auto& p : r->problems) all += p + "\n";
  EXPECT_NE(all.find("20260101T000005.000Z-00000005"), std::string::npos) << all;
  EXPECT_NE(all.find("records 99"), std::string::npos) << all;
  EXPECT_NE(all.find(".idx"), std::string::npos) << all;
}

TEST(VerifyTest, CompareFindsTheFirstDifference) {
  TestBackup b;
  std::vector<format::KafkaRecord> recs = Records(0, 50, 2);
  recs[3].headers = {{"h", std::nullopt}};
  b.Manifest(1, {Topic("t", {b.Partition("t", 0, recs)})});
  FakeTarget target;
  KafkaRestoreOptions ro;
  ro.plan.renames = {{"t", "t2"}};
  ASSERT_TRUE(RunKafkaRestore(b.repo(), &target, ro).ok());
  CompareOptions co;
  co.topics = {"t"};
  co.renames = {{"t", "t2"}};
  auto same = CompareWithKafka(b.repo(), target, co);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  ASSERT_EQ(same->size(), 1u);
  EXPECT_TRUE((*same)[0].match()) << (*same)[0].first_difference;
  EXPECT_EQ((*same)[0].backup_records, 50);
  EXPECT_EQ((*same)[0].backup_digest, (*same)[0].target_digest);

  // One more record in the target, then a changed one in a fresh target.
  target.Append("t2", 0, Rec(0, Bytes("extra"), Bytes("x")));
  auto more = CompareWithKafka(b.repo(), target, co);
  ASSERT_TRUE(more.ok());
  EXPECT_NE((*more)[0].first_difference.find("record #50"), std::string::npos) << (*more)[0].first_difference;
  auto changed = recs[7];
  changed.value = std::nullopt;
  FakeTarget third;
  third.AddTopic("t2", 1);
  for (size_t i = 0; i < recs.size(); ++i) third.Append("t2", 0, i == 7 ? changed : recs[i]);
  auto diff = CompareWithKafka(b.repo(), third, co);
  ASSERT_TRUE(diff.ok());
  EXPECT_EQ((*diff)[0].first_difference,
            "record #7 (source offset 14, target offset 7): value differs (8 bytes vs null)");
}

}  // namespace
}  // namespace strata::restore
