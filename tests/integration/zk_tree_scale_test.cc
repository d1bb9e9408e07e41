// strata backup/restore zookeeper against the stack's ZooKeeper 3.8: a parent with
// 100,000 children and 1 MB znodes; a restore over a partly populated target (no
// overwrite, then --overwrite, and the dry-run plan); a tree that changes while it is
// backed up (the manifest's zxid range must be honest).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "backup/zk_backup.h"
#include "restore/zk_restore.h"
#include "tests/integration/stack_env.h"
#include "tests/integration/zk_test_util.h"
#include "zk/tree_writer.h"

namespace strata {
namespace {

using namespace std::chrono_literals;
using testing::ConnectZk;
using testing::StackEnv;
using testing::UniqueName;

constexpr int kWide = 100'000;

// Creates `root`, `root`/wide with kWide children and three 1 MB znodes, pipelined.
void BuildWideTree(zk::Session& zk, const std::string& root) {
  zk::TreeWriter writer(zk, zk::WriterOptions{}, [](const zk::WriteOp& op, const Status& s) {
    ASSERT_TRUE(s.ok()) << op.path << ": " << s.ToString();
  });
  auto create = [&](std::string path, std::optional<Bytes> data) {
    zk::WriteOp op;
    op.path = std::move(path);
    op.data = std::move(data);
    op.acl = zk::OpenAcl();
    ASSERT_TRUE(writer.Submit(std::move(op)).ok());
  };
  create(root, std::nullopt);
  create(root + "/wide", std::nullopt);
  for (int i = 0; i < kWide; ++i) create(fmt::format("{}/wide/n{:06}", root, i), fmt::format("value-{}", i));
  for (int i = 0; i < 3; ++i) create(fmt::format("{}/big{}", root, i), Bytes(1'000'000, static_cast<char>('a' + i)));
  ASSERT_TRUE(writer.Flush().ok());
}

TEST(ZkTreeScaleTest, HundredThousandChildrenAndMegabyteZnodes) {
  const std::string connect = StackEnv::Get().Require("ZK_CONNECT");
  auto zk = ConnectZk(connect);
  ASSERT_NE(zk, nullptr);
  const std::string src = "/" + UniqueName("wide-src");
  const std::string dst = "/" + UniqueName("wide-dst");
  auto t0 = std::chrono::steady_clock::now();
  BuildWideTree(*zk, src);
  auto mem = testing::NewMemRepo();
  backup::ZkBackupOptions b;
  b.connect = connect + src;
  auto t1 = std::chrono::steady_clock::now();
  auto backed = backup::RunZkBackup(*mem.repo, b);
  ASSERT_TRUE(backed.ok()) << backed.status().ToString();
  EXPECT_EQ(backed->manifest.counts.znodes, static_cast<uint64_t>(kWide + 5));
  EXPECT_EQ(backed->manifest.max_children, static_cast<uint64_t>(kWide));
  EXPECT_EQ(backed->manifest.max_children_znode, "/wide");
  EXPECT_EQ(backed->manifest.largest_znode_bytes, 1'000'000u);
  auto t2 = std::chrono::steady_clock::now();
  restore::ZkRestoreOptions r;
  r.connect = connect + dst;
  auto restored = restore::RunZkRestore(*mem.repo, r);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  auto t3 = std::chrono::steady_clock::now();
  EXPECT_EQ(restored->created, static_cast<uint64_t>(kWide + 5));
  EXPECT_EQ(restored->failed, 0u);
  auto copy = testing::ReadTree(*zk, dst);
  ASSERT_EQ(copy.size(), static_cast<size_t>(kWide + 5));
  EXPECT_EQ(copy["/wide"].stat.num_children, kWide);
  EXPECT_EQ(*copy["/wide/n099999"].data, "value-99999");
  EXPECT_EQ(*copy["/big2"].data, Bytes(1'000'000, 'c'));
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::printf("create %.1f s, backup %.1f s, restore %.1f s for %d znodes\n", secs(t0, t1), secs(t1, t2),
              secs(t2, t3), kWide + 5);
  testing::DeleteTree(*zk, src);
  testing::DeleteTree(*zk, dst);
}

TEST(ZkTreeScaleTest, RestoreOverAPartlyPopulatedTarget) {
  const std::string connect = StackEnv::Get().Require("ZK_CONNECT");
  auto zk = ConnectZk(connect);
  ASSERT_NE(zk, nullptr);
  const std::string src = "/" + UniqueName("partial-src");
  const std::string dst = "/" + UniqueName("partial-dst");
  for (const char* p : {"", "/a", "/a/x", "/a/y", "/b", "/b/z", "/c"}) {
    ASSERT_TRUE(zk->Create(src + p, Bytes(std::string("src") + p), zk::OpenAcl(), zk::CreateMode::kPersistent).ok());
  }
  // The target has /a with other data and /b/z the same; /a/x, /b and /c are missing.
  ASSERT_TRUE(zk->Create(dst, Bytes("src"), zk::OpenAcl(), zk::CreateMode::kPersistent).ok());
  ASSERT_TRUE(zk->Create(dst + "/a", Bytes("target's"), zk::OpenAcl(), zk::CreateMode::kPersistent).ok());
  ASSERT_TRUE(zk->Create(dst + "/a/y", Bytes("src/a/y"), zk::OpenAcl(), zk::CreateMode::kPersistent).ok());
  auto mem = testing::NewMemRepo();
  backup::ZkBackupOptions b;
  b.connect = connect + src;
  ASSERT_TRUE(backup::RunZkBackup(*mem.repo, b).ok());

  restore::ZkRestoreOptions r;
  r.connect = connect + dst;
  r.dry_run = true;
  std::map<std::string, restore::ZkPlanAction> plan;
  auto dry = restore::RunZkRestore(*mem.repo, r, [&](const restore::ZkPlanLine& l) { plan[l.path] = l.action; });
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(plan[dst], restore::ZkPlanAction::kSkipExists);
  EXPECT_EQ(plan[dst + "/a"], restore::ZkPlanAction::kDiffers);
  EXPECT_EQ(plan[dst + "/a/x"], restore::ZkPlanAction::kCreate);
  EXPECT_EQ(plan[dst + "/a/y"], restore::ZkPlanAction::kSkipExists);
  EXPECT_EQ(plan[dst + "/b/z"], restore::ZkPlanAction::kCreate);
  EXPECT_FALSE(zk->Exists(dst + "/b")->has_value());  // a dry run writes nothing

  r.dry_run = false;
  auto kept = restore::RunZkRestore(*mem.repo, r);
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->created, 4u);
  EXPECT_EQ(kept->existed, 3u);
  EXPECT_EQ(*zk->Get(dst + "/a")->data, "target's");  // never overwritten by default
  EXPECT_EQ(*zk->Get(dst + "/b/z")->data, "src/b/z");

  r.overwrite = true;
  auto over = restore::RunZkRestore(*mem.repo, r);
  ASSERT_TRUE(over.ok()) << over.status().ToString();
  EXPECT_EQ(over->updated, 1u);
  EXPECT_EQ(over->created, 0u);
  EXPECT_EQ(*zk->Get(dst + "/a")->data, "src/a");

  // A subtree into another path: --path /a --to-path /copy.
  restore::ZkRestoreOptions sub;
  sub.connect = connect + dst;
  sub.path = "/a";
  sub.to_path = "/copy";
  auto copied = restore::RunZkRestore(*mem.repo, sub);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(copied->created, 3u);
  EXPECT_EQ(*zk->Get(dst + "/copy")->data, "src/a");
  EXPECT_EQ(*zk->Get(dst + "/copy/x")->data, "src/a/x");
  EXPECT_FALSE(zk->Exists(dst + "/copy/b")->has_value());
  sub.path = "/nope";
  EXPECT_EQ(restore::RunZkRestore(*mem.repo, sub).status().code(), StatusCode::kInvalidArgument);
  testing::DeleteTree(*zk, src);
  testing::DeleteTree(*zk, dst);
}

TEST(ZkTreeScaleTest, TreeChangingDuringTheBackupGetsAnHonestRange) {
  const std::string connect = StackEnv::Get().Require("ZK_CONNECT");
  auto zk = ConnectZk(connect);
  auto writer_session = ConnectZk(connect);
  ASSERT_NE(zk, nullptr);
  ASSERT_NE(writer_session, nullptr);
  const std::string src = "/" + UniqueName("busy");
  constexpr int kNodes = 20'000;
  {
    zk::TreeWriter w(*zk, zk::WriterOptions{}, [](const zk::WriteOp&, const Status& s) { ASSERT_TRUE(s.ok()); });
    zk::WriteOp root;
    root.path = src;
    root.acl = zk::OpenAcl();
    ASSERT_TRUE(w.Submit(root).ok());
    for (int i = 0; i < kNodes; ++i) {
      zk::WriteOp op;
      op.path = fmt::format("{}/n{:05}", src, i);
      op.data = Bytes("0");
      op.acl = zk::OpenAcl();
      ASSERT_TRUE(w.Submit(std::move(op)).ok());
    }
    ASSERT_TRUE(w.Flush().ok());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::thread churn([&] {
    for (int i = 0; !stop; ++i) {
      if (writer_session->SetData(fmt::format("{}/n{:05}", src, (i * 7919) % kNodes), Bytes(std::to_string(i))).ok()) {
        writes++;
      }
      writer_session->Create(fmt::format("{}/new{:06}", src, i), Bytes("x"), zk::OpenAcl(), zk::CreateMode::kPersistent)
          .status()
          .IgnoreError();
    }
  });
  while (writes < 50) std::this_thread::sleep_for(1ms);
  auto mem = testing::NewMemRepo();
  backup::ZkBackupOptions b;
  b.connect = connect + src;
  b.max_in_flight = 32;  // a slower walk, so the writes overlap it
  auto backed = backup::RunZkBackup(*mem.repo, b);
  stop = true;
  churn.join();
  ASSERT_TRUE(backed.ok()) << backed.status().ToString();
  const format::ZkConsistency& c = backed->manifest.consistency;
  ASSERT_TRUE(c.zxid_start && c.zxid_end);
  EXPECT_LT(*c.zxid_start, *c.zxid_end);
  EXPECT_FALSE(c.exact);
  EXPECT_GT(c.changed, 0u);
  // Every znode stored is a state from no later than the range's end, and the ones
  // changed within the range are exactly those counted as changed.
  auto entries = testing::ReadSnapshot(*mem.repo, backed->manifest.key);
  uint64_t changed = 0;
  for (const auto& [path, node] : entries) {
    int64_t newest = std::max({node.stat.czxid, node.stat.mzxid, node.stat.pzxid});
    EXPECT_LE(newest, *c.zxid_end) << path;
    if (newest > *c.zxid_start) changed++;
  }
  EXPECT_EQ(changed, c.changed);
  EXPECT_LE(c.max_zxid_seen, *c.zxid_end);
  for (int i = 0; i < kNodes; i += 997) EXPECT_TRUE(entries.count(fmt::format("/n{:05}", i)));
  testing::DeleteTree(*zk, src);
}

}  // namespace
}  // namespace strata
