// The ZooKeeper backup job without a server: repository naming and retention, and a
// backup from ZooKeeper's own snapshot files (the golden files of tests/testdata).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "backup/zk_backup.h"
#include "backup/zk_repository.h"
#include "format/zks_reader.h"
#include "storage/memory/memory_store.h"

namespace strata::backup {
namespace {

constexpr const char* kSnapshot38 = STRATA_TESTDATA_DIR "/zookeeper/zk38-startup.snapshot.12";

struct Fixture {
  storage::MemoryStore store{"zk-backup-test"};
  Repository repo = std::move(Repository::Open(store, "mem://t", OpenMode::kCreateIfMissing).value());
};

TEST(ZkRepositoryTest, DefaultEnsembleNames) {
  EXPECT_EQ(DefaultEnsembleName("zk-0:2181,zk-1:2181/kafka"), "zk-0-2181_kafka");
  EXPECT_EQ(DefaultEnsembleName("127.0.0.1:2181"), "127.0.0.1-2181");
  EXPECT_EQ(DefaultEnsembleName("[::1]:2181/a/b/"), "---1--2181_a-b");
  EXPECT_TRUE(ValidateEnsembleName(DefaultEnsembleName("zk-0:2181,zk-1:2181/kafka")).ok());
  EXPECT_EQ(ValidateEnsembleName("a/b").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateEnsembleName("..").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ZkSnapshotId("20261124T230102.123Z", 0x1a), "20261124T230102.123Z-000000000000001a");
}

TEST(ZkBackupSnapshotTest, SnapshotFileGivesExactTypes) {
  Fixture f;
  ZkBackupOptions o;
  o.snapshot_file = kSnapshot38;
  o.ensemble = "golden";
  auto r = RunZkBackup(f.repo, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const format::ZkManifest& m = r->manifest;
  EXPECT_EQ(m.method, "snapshot-file");
  EXPECT_EQ(m.counts.container, 1u);
  EXPECT_EQ(m.counts.ttl, 2u);
  EXPECT_EQ(m.counts.ephemeral, 2u);
  EXPECT_EQ(m.consistency.zxid_source, "snapshot");
  EXPECT_EQ(m.consistency.zxid_start, 0x12);
  EXPECT_EQ(m.id.substr(m.id.size() - 16), "0000000000000012");
  auto back = ReadZkManifest(f.repo, "golden", m.id);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
}

TEST(ZkBackupSnapshotTest, ChrootSelectsASubtreeWithRelativePaths) {
  Fixture f;
  ZkBackupOptions o;
  o.snapshot_file = kSnapshot38;
  o.connect = "zk:2181/app";
  o.exclude = {"/empty"};
  auto r = RunZkBackup(f.repo, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->manifest.ensemble, "zk-2181_app");
  EXPECT_EQ(r->manifest.chroot, "/app");
  auto bytes = f.store.Get(storage::ObjectKey(r->manifest.key));
  ASSERT_TRUE(bytes.ok());
  bool given = false;
  auto reader = format::ZksReader::Create([&]() -> Result<ByteView> {
    if (given) return ByteView();
    given = true;
    return ByteView(*bytes);
  });
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> paths;
  format::ZNode node;
  while (*(*reader)->Next(&node)) paths.push_back(node.path);
  ASSERT_FALSE(paths.empty());
  EXPECT_EQ(paths[0], "/");
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "/empty"), 0);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "/nulldata"), 1);
}

TEST(ZkBackupSnapshotTest, RetentionKeepsTheNewest) {
  Fixture f;
  ZkBackupOptions o;
  o.snapshot_file = kSnapshot38;
  o.ensemble = "e";
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto r = RunZkBackup(f.repo, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ids.push_back(r->manifest.id);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // ids are per millisecond
  }
  o.keep = 2;
  auto r = RunZkBackup(f.repo, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->pruned, (std::vector<std::string>{ids[0], ids[1]}));
  auto left = ListZkSnapshots(f.repo, "e");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, (std::vector<std::string>{ids[2], r->manifest.id}));
  EXPECT_EQ(f.store.Head(storage::ObjectKey(ZkSnapshotKey("e", ids[0]))).status().code(), StatusCode::kNotFound);
}

TEST(ZkBackupSnapshotTest, RefusesBadOptionsAndMissingFiles) {
  Fixture f;
  ZkBackupOptions o;
  o.snapshot_file = "/nonexistent/snapshot.1";
  o.ensemble = "e";
  EXPECT_EQ(RunZkBackup(f.repo, o).status().code(), StatusCode::kNotFound);
  o.admin_url = "http://localhost:1";
  EXPECT_EQ(RunZkBackup(f.repo, o).status().code(), StatusCode::kInvalidArgument);
  ZkBackupOptions walk;
  walk.ensemble = "e";
  EXPECT_EQ(RunZkBackup(f.repo, walk).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::backup
