#include "format/kafka_manifest.h"

#include <gtest/gtest.h>

namespace strata::format {
namespace {

KafkaManifest Sample() {
  KafkaManifest m;
  m.id = "20261124T230102.123Z-1a2b3c4d";
  m.cluster = "prod";
  m.created = "2026-11-24T23:01:02.123Z";
  m.strata_version = "0.1.0";
  m.bootstrap_servers = "127.0.0.1:9092";
  m.cluster_id = "abc";
  m.complete = true;
  TopicState t{"orders", 2, 1, {{"cleanup.policy", "compact"}}, {}};
  PartitionState p0{0, 0, 1200, 1200, 30, {}, {{0, 99, "retention"}}};
  p0.segments.push_back({"k/0-99.log", "k/0-99.idx", 100, 199, 10, 1000, -5, 7, 0xdeadbeef, "ab"});
  p0.segments.push_back({"k/200.log", "k/200.idx", 200, 1199, 20, 2000, 0, 9, 0x1, "cd"});
  PartitionState p1{1, 0, 0, 0, 0, {}, {}};
  t.partitions = {p0, p1};
  m.topics = {t};
  m.consumer_groups = {{"billing", {{"orders", 0, 900, "meta"}}}};
  m.acls = {false, "the cluster has no authorizer", {}};
  m.warnings = {"w"};
  return m;
}

TEST(KafkaManifestTest, RoundTrip) {
  KafkaManifest m = Sample();
  std::string json = KafkaManifestToJson(m);
  auto back = ParseKafkaManifest(json, "x.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  EXPECT_NE(json.find("\"crc32c\": \"deadbeef\""), std::string::npos);
}

// An imported backup says where it came from (source.imported_from, an optional field:
// version 1 readers that do not know it ignore it, and a backup without it has none).
TEST(KafkaManifestTest, ImportSourceIsOptional) {
  KafkaManifest m = Sample();
  EXPECT_EQ(KafkaManifestToJson(m).find("imported_from"), std::string::npos);
  m.imported = ImportSource{"spredfast", "s3://old-bucket/connect"};
  std::string json = KafkaManifestToJson(m);
  EXPECT_NE(json.find("\"imported_from\""), std::string::npos);
  auto back = ParseKafkaManifest(json, "x.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
}

TEST(KafkaManifestTest, RejectsOtherFormatAndNewerVersion) {
  auto other = ParseKafkaManifest(R"({"format":"something-else","version":1})", "a.json");
  EXPECT_EQ(other.status().code(), StatusCode::kFailedPrecondition);
  std::string json = KafkaManifestToJson(Sample());
  json.replace(json.find("\"version\": 1"), 12, "\"version\": 2");
  auto newer = ParseKafkaManifest(json, "b.json");
  EXPECT_EQ(newer.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(newer.status().message().find("version 2"), std::string::npos);
  EXPECT_NE(newer.status().message().find("b.json"), std::string::npos);
}

TEST(KafkaManifestTest, TruncatedIsDataLossAtEveryLength) {
  std::string json = KafkaManifestToJson(Sample());
  for (size_t n = 0; n + 2 < json.size(); n += 7) {
    auto r = ParseKafkaManifest(json.substr(0, n), "t.json");
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_TRUE(r.status().code() == StatusCode::kDataLoss || r.status().code() == StatusCode::kFailedPrecondition)
        << n << ": " << r.status().ToString();
  }
}

TEST(KafkaManifestTest, InconsistentContentIsDataLoss) {
  KafkaManifest m = Sample();
  m.topics[0].partitions[0].segments[1].base_offset = 150;  // overlaps the first segment
  auto r = ParseKafkaManifest(KafkaManifestToJson(m), "o.json");
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("overlaps"), std::string::npos);

  m = Sample();
  m.topics[0].partitions[0].records = 31;
  EXPECT_EQ(ParseKafkaManifest(KafkaManifestToJson(m), "r.json").status().code(), StatusCode::kDataLoss);

  std::string json = KafkaManifestToJson(Sample());
  json.replace(json.find("\"next_offset\": 1200"), 19, "\"next_offset\": \"x\"");
  auto typed = ParseKafkaManifest(json, "ty.json");
  EXPECT_EQ(typed.status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace strata::format
