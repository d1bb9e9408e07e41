#include "format/zk_manifest.h"

#include <gtest/gtest.h>

namespace strata::format {
namespace {

ZkManifest Sample() {
  ZkManifest m;
  m.id = "20261124T230102.123Z-0000001f00000a2c";
  m.ensemble = "prod";
  m.created = "2026-11-24T23:01:02.123Z";
  m.strata_version = "0.1.0";
  m.method = std::string(kZkMethodWalk);
  m.connect = "zk-0:2181,zk-1:2181";
  m.chroot = "/kafka";
  m.server = "zk-0:2181";
  m.server_version = "3.8.0";
  m.key = "zookeeper/prod/" + m.id + ".zks";
  m.bytes = 1234;
  m.entry_bytes = 99999;
  m.data_bytes = 5000;
  m.crc32c = 0x1c291ca3;
  m.sha256 = std::string(64, 'a');
  m.consistency.zxid_start = 0x1f00000a2c;
  m.consistency.zxid_end = 0x1f00000a30;
  m.consistency.zxid_source = "srvr";
  m.consistency.max_zxid_seen = 0x1f00000a2f;
  m.consistency.changed = 2;
  m.consistency.changed_sample = {"/a", "/b"};
  m.counts.znodes = 10;
  m.counts.persistent_or_extended = 9;
  m.counts.ephemeral = 1;
  m.counts.sequential = 3;
  m.largest_znode_bytes = 1000;
  m.largest_znode = "/big";
  m.excluded = {"/zookeeper"};
  m.quotas = {ZkQuota{"/a", "count=10,bytes=-1"}};
  m.warnings = {"w"};
  return m;
}

TEST(ZkManifestTest, RoundTrips) {
  ZkManifest m = Sample();
  std::string json = ZkManifestToJson(m);
  EXPECT_NE(json.find("\"zxid_start\": \"0x0000001f00000a2c\""), std::string::npos) << json;
  auto back = ParseZkManifest(json, "x.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
}

TEST(ZkManifestTest, ImportedRoundTripsAndIsOptional) {
  ZkManifest m = Sample();
  m.consistency = ZkConsistency{};
  m.consistency.zxid_source = "none";
  m.imported = ZkImport{"burry", "/b/1483193387.zip", "1483193387", "2017-01-01T12:00:00Z", "world:anyone:cdrwa",
                        {"acl", "stat", "type", "zxid"}, 2, 3};
  std::string json = ZkManifestToJson(m);
  auto back = ParseZkManifest(json, "x.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  // A manifest without "import" (every backup strata takes) reads as not imported.
  auto plain = ParseZkManifest(ZkManifestToJson(Sample()), "x.json");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->imported.has_value());
}

TEST(ZkManifestTest, UnknownZxidsAreNull) {
  ZkManifest m = Sample();
  m.consistency.zxid_start.reset();
  m.consistency.zxid_source = "stat";
  auto back = ParseZkManifest(ZkManifestToJson(m), "x.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FALSE(back->consistency.zxid_start.has_value());
}

TEST(ZkManifestTest, RejectsOtherVersionsAndDamage) {
  std::string json = ZkManifestToJson(Sample());
  std::string v2 = json;
  v2.replace(v2.find("\"version\": 1"), 12, "\"version\": 2");
  EXPECT_EQ(ParseZkManifest(v2, "x").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ParseZkManifest(json.substr(0, json.size() / 2), "x").status().code(), StatusCode::kDataLoss);
  std::string bad_zxid = json;
  bad_zxid.replace(bad_zxid.find("0x0000001f00000a2c"), 18, "0xnothex");
  EXPECT_EQ(ParseZkManifest(bad_zxid, "x").status().code(), StatusCode::kDataLoss);
  std::string no_key = json;
  no_key.replace(no_key.find("\"key\""), 5, "\"kex\"");
  EXPECT_EQ(ParseZkManifest(no_key, "x").status().code(), StatusCode::kDataLoss);
  std::string other = json;
  other.replace(other.find("strata-zookeeper-manifest"), 25, "strata-kafka-manifest____");
  EXPECT_EQ(ParseZkManifest(other, "x").status().code(), StatusCode::kFailedPrecondition);
}

TEST(ZkManifestTest, ZxidHex) {
  EXPECT_EQ(ZxidHex(0x1a), "0x000000000000001a");
  EXPECT_EQ(*ParseZxidHex("0x1A"), 0x1a);
  EXPECT_FALSE(ParseZxidHex("1a").ok());
  EXPECT_FALSE(ParseZxidHex("0x").ok());
}

}  // namespace
}  // namespace strata::format
