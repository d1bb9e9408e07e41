// strata import zoocreeper without servers: a ZooCreeper JSON file into a MemoryStore
// repository, read back through the .zks reader and the manifest reader.
#include "backup/zoocreeper_import.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "backup/zk_repository.h"
#include "format/zks_test_util.h"
#include "storage/memory/memory_store.h"

namespace strata::backup {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  storage::MemoryStore store{"zoocreeper-import-test"};
  Repository repo = std::move(Repository::Open(store, "mem://t", OpenMode::kCreateIfMissing).value());
};

std::string Write(const std::string& name, const std::string& text) {
  std::string path = (fs::path(::testing::TempDir()) / (std::to_string(::getpid()) + "-" + name)).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string Znode(const std::string& path, const std::string& extra = "") {
  return "\"" + path + R"(":{"cversion":2,"ephemeralOwner":0,"version":1,"data":"eA==","acls":[{"id":"anyone",)" +
         R"("scheme":"world","perms":31}])" + extra + "}";
}

ZoocreeperImportOptions Options() {
  ZoocreeperImportOptions o;
  o.archive = "/backups/zk.json";
  o.ensemble = "zk-0-2181";
  o.taken_unix_ms = 1700000000000;
  return o;
}

TEST(ZoocreeperImportTest, RootTreeSkipsZookeeperAndKeepsEphemeralsAsEphemeral) {
  Fixture f;
  std::string text = "{" + Znode("/") + "," + Znode("/a") + "," +
                     R"("/a/eph":{"ephemeralOwner":72057594037927937,"data":null,"acls":[]},)" + Znode("/zookeeper") +
                     "," + Znode("/zookeeper/quota") + "," + Znode("/z", R"(,"numChildren":0)") + "}";
  auto r = RunZoocreeperImport(f.repo, Write("root.json", text), Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const format::ZkManifest& m = r->manifest;
  EXPECT_EQ(m.id, "20231114T221320.000Z-0000000000000000");
  EXPECT_EQ(m.chroot, "");
  EXPECT_EQ(m.excluded, (std::vector<std::string>{"/zookeeper"}));
  EXPECT_EQ(m.consistency.zxid_source, "none");
  ASSERT_TRUE(m.imported.has_value());
  EXPECT_EQ(m.imported->tool, "zoocreeper");
  EXPECT_EQ(m.imported->skipped, 2u);
  EXPECT_EQ(m.counts.znodes, 4u);
  EXPECT_EQ(m.counts.ephemeral, 1u);
  auto bytes = f.store.Get(storage::ObjectKey(ZkSnapshotKey(m.ensemble, m.id)));
  ASSERT_TRUE(bytes.ok());
  auto nodes = format::test_util::ReadZks(*bytes);
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  ASSERT_EQ(nodes->size(), 4u);
  EXPECT_EQ((*nodes)[1].path, "/a");
  EXPECT_EQ((*nodes)[1].data, Bytes("x"));
  EXPECT_EQ((*nodes)[1].stat.cversion, 2);
  EXPECT_EQ((*nodes)[1].stat.version, 1);
  EXPECT_EQ((*nodes)[2].type, format::NodeType::kEphemeral);
  EXPECT_EQ((*nodes)[2].acl, (std::vector<format::ZnodeAcl>{{31, "world", "anyone"}}));  // was []
  EXPECT_FALSE((*nodes)[2].data.has_value());
  EXPECT_EQ((*nodes)[3].path, "/z");
  bool warned_fields = false, warned_acl = false;
  for (const auto& w : m.warnings) {
    warned_fields |= w.find("1 fields") != std::string::npos;
    warned_acl |= w.find("1 znodes had an empty ACL list (e.g. /a/eph)") != std::string::npos;
  }
  EXPECT_TRUE(warned_fields);
  EXPECT_TRUE(warned_acl);
  // The same again: refused, the snapshot exists.
  auto again = RunZoocreeperImport(f.repo, Write("root.json", text), Options());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
}

TEST(ZoocreeperImportTest, ARootPathBecomesTheChroot) {
  Fixture f;
  std::string text = "{" + Znode("/kafka") + "," + Znode("/kafka/brokers") + "," + Znode("/kafka/brokers/ids") + "}";
  auto r = RunZoocreeperImport(f.repo, Write("chroot.json", text), Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->manifest.chroot, "/kafka");
  EXPECT_TRUE(r->manifest.excluded.empty());
  auto bytes = f.store.Get(storage::ObjectKey(ZkSnapshotKey(r->manifest.ensemble, r->manifest.id)));
  ASSERT_TRUE(bytes.ok());
  auto nodes = format::test_util::ReadZks(*bytes);
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ((*nodes)[0].path, "/");
  EXPECT_EQ((*nodes)[2].path, "/brokers/ids");
}

TEST(ZoocreeperImportTest, BadFilesCommitNothing) {
  Fixture f;
  for (const std::string& text : {std::string("{}"), "{" + Znode("/a") + "," + Znode("/b") + "}",
                                  "{" + Znode("/") + "," + Znode("/a/b") + "}",
                                  "{" + Znode("/") + "," + Znode("/a") + "," + Znode("/a") + "}"}) {
    auto r = RunZoocreeperImport(f.repo, Write("bad.json", text), Options());
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << text << ": " << r.status().ToString();
    EXPECT_NE(r.status().message().find("/backups/zk.json"), std::string::npos) << r.status().ToString();
  }
  auto listed = ListZkSnapshots(f.repo, "zk-0-2181");
  EXPECT_TRUE(!listed.ok() || listed->empty());
  ZoocreeperImportOptions bad = Options();
  bad.ensemble = "no/slash";
  EXPECT_EQ(RunZoocreeperImport(f.repo, Write("ok.json", "{" + Znode("/") + "}"), bad).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::backup
