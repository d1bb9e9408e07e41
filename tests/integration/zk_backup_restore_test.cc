// strata backup/restore zookeeper against real servers: a tree with every node type
// (persistent, ephemeral, container, TTL, sequential), digest ACLs, binary, null and
// empty data and a 1 MB znode goes through the ZooKeeper 3.9 AdminServer snapshot (exact
// types) and back into another chroot; every znode is compared (data, ACL, type), the
// sequence counter is probed and the restored container is reaped by the server.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "backup/zk_backup.h"
#include "backup/zk_repository.h"
#include "restore/zk_restore.h"
#include "tests/integration/stack_env.h"
#include "tests/integration/zk_test_util.h"

namespace strata {
namespace {

using namespace std::chrono_literals;
using testing::ConnectZk;
using testing::kDigestUp;
using testing::StackEnv;
using testing::UniqueName;

const std::vector<zk::Acl> kUpOnly = {zk::Acl{31, "digest", kDigestUp}};
const std::vector<zk::Acl> kUpAndRead = {zk::Acl{31, "digest", kDigestUp}, zk::Acl{1, "world", "anyone"}};

void MustCreate(zk::Session& zk, const std::string& path, std::optional<Bytes> data,
                const std::vector<zk::Acl>& acl = zk::OpenAcl(), zk::CreateMode mode = zk::CreateMode::kPersistent,
                int64_t ttl = 0) {
  auto r = zk.Create(path, data, acl, mode, ttl);
  ASSERT_TRUE(r.ok()) << path << ": " << r.status().ToString();
}

// Builds the sample tree (16 znodes) under `root`; returns the 1 MB znode's data.
Bytes BuildTree(zk::Session& zk, const std::string& root) {
  Bytes big(1'000'000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) ^ (i >> 7));
  MustCreate(zk, root, Bytes("root"));
  MustCreate(zk, root + "/bin", Bytes("\0\x01\xfe\xff", 4));
  MustCreate(zk, root + "/null", std::nullopt);
  MustCreate(zk, root + "/empty", Bytes());
  MustCreate(zk, root + "/big", big);
  MustCreate(zk, root + "/secure", Bytes("secret"), kUpOnly);
  MustCreate(zk, root + "/secure/kid", Bytes("k"), kUpAndRead);
  MustCreate(zk, root + "/c", std::nullopt, zk::OpenAcl(), zk::CreateMode::kContainer);
  MustCreate(zk, root + "/c/kid", Bytes("x"));
  MustCreate(zk, root + "/t", Bytes("ttl"), zk::OpenAcl(), zk::CreateMode::kPersistentWithTtl, 3'600'000);
  MustCreate(zk, root + "/seq", std::nullopt);
  for (int i = 0; i < 5; ++i) {
    MustCreate(zk, root + "/seq/n-", Bytes(1, static_cast<char>('a' + i)), zk::OpenAcl(),
               zk::CreateMode::kPersistentSequential);
  }
  // The children left are n-0, n-2 and n-4; the parent's sequence counter is at 5.
  EXPECT_TRUE(zk.Delete(root + "/seq/n-0000000001").ok());
  EXPECT_TRUE(zk.Delete(root + "/seq/n-0000000003").ok());
  MustCreate(zk, root + "/e", Bytes("eph"), zk::OpenAcl(), zk::CreateMode::kEphemeral);
  MustCreate(zk, root + "/ünïcødé name", Bytes("✓"));
  return big;
}

TEST(ZkBackupRestoreTest, EveryNodeTypeRoundTripsThroughTheAdminSnapshot) {
  const std::string connect = StackEnv::Get().Require("ZK39_CONNECT");
  const std::string admin = StackEnv::Get().Require("ZK39_ADMIN_URL");
  auto zk = ConnectZk(connect, /*auth_up=*/true);
  ASSERT_NE(zk, nullptr);
  const std::string src = "/" + UniqueName("types-src");
  const std::string dst = "/" + UniqueName("types-dst");
  Bytes big = BuildTree(*zk, src);
  auto mem = testing::NewMemRepo();

  backup::ZkBackupOptions b;
  b.connect = connect + src;
  b.auth = {{"digest", "u:p"}};
  b.ensemble = "src";
  b.admin_url = admin;
  auto backed = backup::RunZkBackup(*mem.repo, b);
  ASSERT_TRUE(backed.ok()) << backed.status().ToString();
  const format::ZkManifest& m = backed->manifest;
  EXPECT_EQ(m.method, "admin-snapshot");
  EXPECT_EQ(m.counts.znodes, 16u);
  EXPECT_EQ(m.counts.container, 1u);
  EXPECT_EQ(m.counts.ttl, 1u);
  EXPECT_EQ(m.counts.ephemeral, 1u);
  EXPECT_EQ(m.counts.sequential, 3u);
  EXPECT_EQ(m.largest_znode_bytes, 1'000'000u);

  restore::ZkRestoreOptions r;
  r.connect = connect + dst;
  r.auth = {{"digest", "u:p"}};
  std::vector<std::string> ephemeral_lines;
  auto restored = restore::RunZkRestore(*mem.repo, r, [&](const restore::ZkPlanLine& line) {
    if (line.action == restore::ZkPlanAction::kSkipEphemeral) ephemeral_lines.push_back(line.path);
    EXPECT_NE(line.action, restore::ZkPlanAction::kFailed) << line.path << ": " << line.detail;
  });
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->created, 15u);
  EXPECT_EQ(restored->failed, 0u);
  EXPECT_EQ(restored->containers, 1u);
  EXPECT_EQ(restored->ttl, 1u);
  EXPECT_EQ(restored->ttl_as_persistent, 0u);
  EXPECT_EQ(restored->sequence_parents, 1u);
  EXPECT_EQ(restored->acls_set, 1u);  // /secure: restrictive, with a child
  EXPECT_EQ(ephemeral_lines, std::vector<std::string>{dst + "/e"});

  // The target as the server itself stores it: types, data and ACLs equal the source's.
  backup::ZkBackupOptions again = b;
  again.connect = connect + dst;
  again.ensemble = "dst";
  auto target = backup::RunZkBackup(*mem.repo, again);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  auto before = testing::ReadSnapshot(*mem.repo, m.key);
  auto after = testing::ReadSnapshot(*mem.repo, target->manifest.key);
  before.erase("/e");
  ASSERT_EQ(before.size(), after.size());
  for (const auto& [path, node] : before) {
    ASSERT_TRUE(after.count(path)) << path;
    const format::ZNode& got = after.at(path);
    EXPECT_EQ(got.data, node.data) << path;
    EXPECT_EQ(got.acl, node.acl) << path;
    EXPECT_EQ(got.type, node.type) << path;
    EXPECT_EQ(got.ttl_ms, node.ttl_ms) << path;
  }
  EXPECT_EQ(after.at("/big").data, big);
  EXPECT_EQ(after.at("/c").type, format::NodeType::kContainer);
  EXPECT_EQ(after.at("/t").type, format::NodeType::kTtl);
  // Creates raise a parent's cversion, deletes do not: 5 creates made it 5.
  EXPECT_EQ(before.at("/seq").stat.cversion, 5);
  EXPECT_GE(after.at("/seq").stat.cversion, 5);

  // The next sequential child does not collide with the restored ones.
  auto probe = zk->Create(dst + "/seq/n-", Bytes("p"), zk::OpenAcl(), zk::CreateMode::kPersistentSequential);
  ASSERT_TRUE(probe.ok()) << probe.status().ToString();
  EXPECT_GE(*probe, dst + "/seq/n-0000000005");
  EXPECT_FALSE(zk->Exists(dst + "/e")->has_value());

  // The server reaps the restored container once its last child goes.
  ASSERT_TRUE(zk->Delete(dst + "/c/kid").ok());
  bool reaped = false;
  for (int i = 0; i < 100 && !reaped; ++i) {
    std::this_thread::sleep_for(100ms);
    reaped = !zk->Exists(dst + "/c")->has_value();
  }
  EXPECT_TRUE(reaped) << "container " << dst << "/c was not reaped";
}

TEST(ZkBackupRestoreTest, WalkBackupRestoresDataAndAclsIntoAnEmptyTree) {
  const std::string connect = StackEnv::Get().Require("ZK_CONNECT");
  auto zk = ConnectZk(connect, /*auth_up=*/true);
  ASSERT_NE(zk, nullptr);
  const std::string src = "/" + UniqueName("walk-src");
  const std::string dst = "/" + UniqueName("walk-dst");
  BuildTree(*zk, src);
  auto mem = testing::NewMemRepo();
  backup::ZkBackupOptions b;
  b.connect = connect + src;
  b.auth = {{"digest", "u:p"}};
  auto backed = backup::RunZkBackup(*mem.repo, b);
  ASSERT_TRUE(backed.ok()) << backed.status().ToString();
  // A client cannot tell containers and TTL znodes from persistent ones.
  EXPECT_EQ(backed->manifest.counts.persistent_or_extended, 15u);
  EXPECT_EQ(backed->manifest.consistency.zxid_source, "srvr");
  ASSERT_TRUE(backed->manifest.consistency.zxid_start.has_value());

  restore::ZkRestoreOptions r;
  r.connect = connect;
  r.to_path = dst;
  r.auth = {{"digest", "u:p"}};
  auto restored = restore::RunZkRestore(*mem.repo, r);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->failed, 0u);
  auto a = testing::ReadTree(*zk, src);
  auto c = testing::ReadTree(*zk, dst);
  a.erase("/e");
  ASSERT_EQ(a.size(), c.size());
  for (const auto& [path, node] : a) {
    ASSERT_TRUE(c.count(path)) << path;
    EXPECT_EQ(c[path].data, node.data) << path;
    EXPECT_EQ(c[path].acl, node.acl) << path;
    // The root lost its ephemeral child.
    EXPECT_EQ(c[path].stat.num_children, node.stat.num_children - (path == "/" ? 1 : 0)) << path;
  }
}

TEST(ZkBackupRestoreTest, RedactedDigestAclsFailTheBackupUnlessAllowed) {
  const std::string connect = StackEnv::Get().Require("ZK_CONNECT");
  auto owner = ConnectZk(connect, /*auth_up=*/true);
  auto anonymous = ConnectZk(connect);
  ASSERT_NE(owner, nullptr);
  ASSERT_NE(anonymous, nullptr);
  const std::string root = "/" + UniqueName("redacted");
  MustCreate(*owner, root, std::nullopt);
  MustCreate(*owner, root + "/readable", Bytes("r"), kUpAndRead);  // world may read, not ADMIN
  auto mem = testing::NewMemRepo();
  backup::ZkBackupOptions b;
  b.connect = connect + root;
  auto refused = backup::RunZkBackup(*mem.repo, b);
  ASSERT_EQ(refused.status().code(), StatusCode::kPermissionDenied) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find(root + "/readable"), std::string::npos);
  EXPECT_TRUE(backup::ListZkEnsembles(*mem.repo)->empty());  // nothing committed
  b.allow_redacted_acls = true;
  auto allowed = backup::RunZkBackup(*mem.repo, b);
  ASSERT_TRUE(allowed.ok()) << allowed.status().ToString();
  EXPECT_EQ(allowed->manifest.counts.acl_redacted, 1u);
  EXPECT_FALSE(allowed->manifest.warnings.empty());
}

}  // namespace
}  // namespace strata
