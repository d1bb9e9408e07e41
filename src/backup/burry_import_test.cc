// strata import burry without servers: a Burry ZIP into a MemoryStore repository, read
// back through the .zks reader and the manifest reader.
#include "backup/burry_import.h"

#include <gtest/gtest.h>

#include <fstream>

#include "backup/zk_repository.h"
#include "burry/burry_test_zip.h"
#include "format/zks_test_util.h"
#include "storage/memory/memory_store.h"

namespace strata::backup {
namespace {

using burry::testing::WriteZip;

struct Fixture {
  storage::MemoryStore store{"burry-import-test"};
  Repository repo = std::move(Repository::Open(store, "mem://t", OpenMode::kCreateIfMissing).value());
};

// Opens the ZIP at `path` and imports it.
Result<ZkBackupResult> Import(const Repository& repo, const std::string& path, const BurryImportOptions& o) {
  STRATA_ASSIGN_OR_RETURN(auto archive, burry::BurryArchive::Open(path, o.archive));
  return RunBurryImport(repo, *archive, o);
}

std::vector<format::ZNode> ReadZks(storage::ObjectStore& store, const std::string& key) {
  auto bytes = store.Get(storage::ObjectKey(key));
  EXPECT_TRUE(bytes.ok());
  auto nodes = format::test_util::ReadZks(bytes.ok() ? *bytes : Bytes());
  EXPECT_TRUE(nodes.ok()) << nodes.status().ToString();
  return nodes.ok() ? *nodes : std::vector<format::ZNode>{};
}

const char kMeta[] =
    R"({"snapshot-date":"2017-07-24T12:00:00+02:00","svc":"zk","svc-endpoint":"zk-0:2181","target":"local","target-endpoint":"/b"})";

burry::testing::ZipEntries KafkaLike() {
  return {{"1500890400/.burrymeta", kMeta},
          {"1500890400/brokers/ids/1/content", R"({"host":"k1","port":9092})"},
          {"1500890400/brokers/ids/content", ""},
          {"1500890400/brokers/topics/tBURRY_ESC_COLONx/content", R"({"partitions":{"0":[1]}})"},
          {"1500890400/content", ""},
          {"1500890400/zookeeper/content", ""},
          {"1500890400/zookeeper/quota/content", ""}};
}

TEST(BurryImportTest, WritesANormalSnapshotAndManifest) {
  Fixture f;
  BurryImportOptions o;
  o.archive = "/backups/1500890400.zip";
  auto r = Import(f.repo, WriteZip("kafka.zip", KafkaLike()), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const format::ZkManifest& m = r->manifest;
  EXPECT_EQ(m.ensemble, "zk-0-2181");
  EXPECT_EQ(m.id, "20170724T100000.000Z-0000000000000000");
  EXPECT_EQ(m.created, "2017-07-24T10:00:00.000Z");
  EXPECT_EQ(m.method, "walk");
  EXPECT_EQ(m.connect, "zk-0:2181");
  EXPECT_EQ(m.consistency.zxid_source, "none");
  EXPECT_FALSE(m.consistency.zxid_start.has_value());
  EXPECT_EQ(m.excluded, (std::vector<std::string>{"/zookeeper"}));
  ASSERT_TRUE(m.imported.has_value());
  EXPECT_EQ(m.imported->tool, "burry");
  EXPECT_EQ(m.imported->source_id, "1500890400");
  EXPECT_EQ(m.imported->acl, "world:anyone:cdrwa");
  EXPECT_EQ(m.imported->implied, 2u);  // /brokers and /brokers/topics
  EXPECT_EQ(m.imported->skipped, 2u);  // /zookeeper and /zookeeper/quota
  EXPECT_EQ(m.counts.znodes, 6u);
  EXPECT_EQ(m.counts.persistent_or_extended, 6u);
  bool warned_brokers = false;
  for (const auto& w : m.warnings) warned_brokers |= w.find("--profile kafka") != std::string::npos;
  EXPECT_TRUE(warned_brokers);

  auto back = ReadZkManifest(f.repo, m.ensemble, m.id);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  std::vector<format::ZNode> nodes = ReadZks(f.store, m.key);
  std::vector<std::string> paths;
  for (const auto& n : nodes) paths.push_back(n.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/", "/brokers", "/brokers/ids", "/brokers/ids/1", "/brokers/topics",
                                             "/brokers/topics/t:x"}));
  EXPECT_EQ(*nodes[3].data, R"({"host":"k1","port":9092})");
  EXPECT_EQ(nodes[3].acl, (std::vector<format::ZnodeAcl>{{31, "world", "anyone"}}));
  EXPECT_EQ(nodes[3].type, format::NodeType::kPersistentOrExtended);
}

TEST(BurryImportTest, ChosenAclNameAndTwiceIsRefused) {
  Fixture f;
  BurryImportOptions o;
  std::string path = WriteZip("acl.zip", KafkaLike());
  o.archive = path;
  o.ensemble = "old-prod";
  o.acl = {{31, "sasl", "kafka"}, {1, "world", "anyone"}};
  auto r = Import(f.repo, path, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->manifest.ensemble, "old-prod");
  EXPECT_EQ(r->manifest.imported->acl, "sasl:kafka:cdrwa,world:anyone:r");
  auto again = Import(f.repo, path, o);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().ToString();
}

TEST(BurryImportTest, WithoutMetaTheNameAndIdDecide) {
  Fixture f;
  BurryImportOptions o;
  std::string path = WriteZip("nometa.zip", {{"content", "r"}, {"a/content", "A"}});
  o.archive = "s3://zk-backup/prefix/1483193387";
  auto no_name = Import(f.repo, path, o);
  EXPECT_EQ(no_name.status().code(), StatusCode::kInvalidArgument);
  o.ensemble = "e";
  auto r = Import(f.repo, path, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->manifest.id, "20161231T140947.000Z-0000000000000000");
  EXPECT_EQ(r->manifest.imported->source_id, "1483193387");
}

TEST(BurryImportTest, BadArchivesCommitNothing) {
  Fixture f;
  BurryImportOptions o;
  o.ensemble = "e";
  std::string text = burry::testing::TempPath("notzip.zip");
  std::ofstream(text) << "plain text";
  o.archive = text;
  EXPECT_EQ(Import(f.repo, text, o).status().code(), StatusCode::kFailedPrecondition);
  std::string bad = WriteZip("bad-name.zip", {{"1/content", ""}, {"1/a/content", "x"}, {"1/a/../b/content", "y"}});
  o.archive = bad;
  EXPECT_EQ(Import(f.repo, bad, o).status().code(), StatusCode::kDataLoss);
  auto all = storage::ListAll(f.store, "zookeeper/");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty()) << all->front().key;
}

}  // namespace
}  // namespace strata::backup
