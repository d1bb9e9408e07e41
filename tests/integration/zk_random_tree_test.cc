// Random ZooKeeper trees through backup and restore, against the real servers: each
// seed builds a tree of about a thousand znodes with random shape (wide and deep
// parts), names (unicode, spaces, ':', '%', dots, quotes, long names), data (null,
// empty, binary, up to 900 KB), ACLs (open, read-only, digest) and types (persistent,
// sequential, container, TTL, ephemeral). It is backed up by a tree walk (ZooKeeper
// 3.8) and by the AdminServer snapshot (3.9), restored into another path, and compared
// znode by znode; a second restore over the first must change nothing.
// STRATA_TEST_SEED=N replays one seed; the seed of a failure is in its message.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "backup/zk_backup.h"
#include "restore/zk_restore.h"
#include "tests/integration/stack_env.h"
#include "tests/integration/zk_test_util.h"

namespace strata {
namespace {

using testing::ConnectZk;
using testing::kDigestUp;
using testing::StackEnv;
using testing::UniqueName;

constexpr int kNodes = 1000;

// Pieces names are made of: plain ASCII, then the characters other tools trip over.
// No characters outside the BMP: ZooKeeper refuses them in paths (surrogates in Java).
const std::vector<std::string> kNamePieces = {
    "a", "b", "z", "Q", "0", "9", "-", "_", ".", " ", ":", "%", "%20", "=", "+", "@",
    "ü", "✓", "日本", "é", "ß", "Ω", "#", "~", "!", "(", ")", "'", "\"", "[", "]", ",", ";"};

struct Generated {
  std::set<std::string> ephemeral;  // paths relative to the root
  int containers = 0, ttl = 0, sequential = 0;
};

class RandomTree {
 public:
  RandomTree(zk::Session& zk, std::string root, uint64_t seed) : zk_(zk), root_(std::move(root)), rng_(seed) {}

  // Builds the tree; ACLs other than open ones are set last, so that read-only parents
  // still got their children.
  Generated Build() {
    Create("", Bytes("root"), zk::CreateMode::kPersistent);
    std::vector<std::string> parents = {""};
    while (created_ < kNodes) {
      // Mostly near the last parents (deep chains), sometimes anywhere (wide nodes).
      size_t pick = Chance(0.6) ? parents.size() - 1 - Below(std::min<size_t>(parents.size(), 4))
                                : Below(parents.size());
      const std::string parent = parents[pick];
      zk::CreateMode mode = PickMode();
      std::string name = Name(parent);
      auto path = Create(parent + "/" + name, Data(), mode);
      if (!path) continue;
      if (mode == zk::CreateMode::kEphemeral) continue;  // cannot have children
      parents.push_back(*path);
      if (mode == zk::CreateMode::kContainer) {
        // An empty container is reaped by the server: give it a child at once.
        auto kid = Create(*path + "/" + Name(*path), Data(), zk::CreateMode::kPersistent);
        if (kid) parents.push_back(*kid);
      }
    }
    for (const auto& [path, acl] : acls_) {
      Status s = zk_.SetAcl(root_ + path, acl);
      EXPECT_TRUE(s.ok()) << root_ + path << ": " << s.ToString();
    }
    return g_;
  }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  std::string Name(const std::string& parent) {
    for (;;) {
      std::string name;
      size_t pieces = Chance(0.03) ? 60 + Below(60) : 1 + Below(12);
      for (size_t i = 0; i < pieces; ++i) name += kNamePieces[Below(kNamePieces.size())];
      if (name == "." || name == ".." || (parent.empty() && name == "zookeeper")) continue;
      if (taken_[parent].insert(name).second) return name;
    }
  }

  std::optional<Bytes> Data() {
    double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (r < 0.15) return std::nullopt;
    if (r < 0.30) return Bytes();
    size_t n = r < 0.85 ? 1 + Below(200) : r < 0.995 ? 1 + Below(20'000) : 200'000 + Below(700'000);
    Bytes b(n, '\0');
    for (char& c : b) c = static_cast<char>(Below(256));
    return b;
  }

  zk::CreateMode PickMode() {
    double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (r < 0.08) return zk::CreateMode::kPersistentSequential;
    if (r < 0.11) return zk::CreateMode::kContainer;
    if (r < 0.13) return zk::CreateMode::kPersistentWithTtl;
    if (r < 0.16) return zk::CreateMode::kEphemeral;
    return zk::CreateMode::kPersistent;
  }

  std::vector<zk::Acl> PickAcl() {
    double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (r < 0.05) return {zk::Acl{1, "world", "anyone"}};  // read only
    if (r < 0.10) return {zk::Acl{31, "digest", kDigestUp}, zk::Acl{1, "world", "anyone"}};
    if (r < 0.14) return {zk::Acl{31, "digest", kDigestUp}};
    if (r < 0.17) return {zk::Acl{1 | 2 | 4, "world", "anyone"}};  // read, write, create; no admin
    return {};
  }

  // Creates `rel` under the root; its path relative to the root (sequential names get
  // their suffix), or nullopt if the server refused (the test fails).
  std::optional<std::string> Create(const std::string& rel, std::optional<Bytes> data, zk::CreateMode mode) {
    int64_t ttl = mode == zk::CreateMode::kPersistentWithTtl ? 3'600'000 : 0;
    auto made = zk_.Create(root_ + rel, data, zk::OpenAcl(), mode, ttl);
    EXPECT_TRUE(made.ok()) << root_ + rel << ": " << made.status().ToString();
    if (!made.ok()) return std::nullopt;
    std::string path = made->substr(root_.size());
    ++created_;
    if (mode == zk::CreateMode::kEphemeral) g_.ephemeral.insert(path);
    if (mode == zk::CreateMode::kContainer) ++g_.containers;
    if (mode == zk::CreateMode::kPersistentWithTtl) ++g_.ttl;
    if (mode == zk::CreateMode::kPersistentSequential) ++g_.sequential;
    if (mode != zk::CreateMode::kEphemeral && !path.empty()) {
      auto acl = PickAcl();
      if (!acl.empty()) acls_.emplace_back(path, std::move(acl));
    }
    return path;
  }

  zk::Session& zk_;
  std::string root_;
  std::mt19937_64 rng_;
  int created_ = 0;
  Generated g_;
  std::map<std::string, std::set<std::string>> taken_;
  std::vector<std::pair<std::string, std::vector<zk::Acl>>> acls_;
};

std::vector<uint64_t> Seeds() {
  if (const char* s = std::getenv("STRATA_TEST_SEED")) return {std::strtoull(s, nullptr, 10)};
  // One fixed tree that always runs, and one new one each run.
  return {20261125, std::random_device{}()};
}

// Builds a tree for `seed` on `connect`, backs it up (through `admin_url` if given),
// restores it elsewhere twice and compares.
void RoundTrip(const std::string& connect, const std::string& admin_url, uint64_t seed) {
  SCOPED_TRACE("STRATA_TEST_SEED=" + std::to_string(seed));
  auto zk = ConnectZk(connect, /*auth_up=*/true);
  ASSERT_NE(zk, nullptr);
  const std::string src = "/" + UniqueName("rand-src");
  const std::string dst = "/" + UniqueName("rand-dst");
  Generated g = RandomTree(*zk, src, seed).Build();
  if (::testing::Test::HasFailure()) return;

  auto mem = testing::NewMemRepo();
  backup::ZkBackupOptions b;
  b.connect = connect + src;
  b.auth = {{"digest", "u:p"}};
  b.ensemble = "rand";
  if (!admin_url.empty()) b.admin_url = admin_url;
  auto backed = backup::RunZkBackup(*mem.repo, b);
  ASSERT_TRUE(backed.ok()) << backed.status().ToString();
  EXPECT_EQ(backed->manifest.method, admin_url.empty() ? "walk" : "admin-snapshot");

  restore::ZkRestoreOptions r;
  r.connect = connect + dst;
  r.auth = {{"digest", "u:p"}};
  auto restored = restore::RunZkRestore(*mem.repo, r, [&](const restore::ZkPlanLine& line) {
    EXPECT_NE(line.action, restore::ZkPlanAction::kFailed) << line.path << ": " << line.detail;
  });
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->failed, 0u);
  // A walk sees ephemerals only while their session lives (it does here); both skip them.
  EXPECT_EQ(restored->skipped_ephemeral, g.ephemeral.size());
  if (!admin_url.empty()) {
    EXPECT_EQ(restored->containers, static_cast<uint64_t>(g.containers));
    EXPECT_EQ(restored->ttl + restored->ttl_as_persistent, static_cast<uint64_t>(g.ttl));
  }

  auto want = testing::ReadTree(*zk, src);
  auto got = testing::ReadTree(*zk, dst);
  // Ephemerals stay behind; their parents have that many fewer children.
  for (const auto& e : g.ephemeral) {
    want.erase(e);
    std::string parent = e.substr(0, e.rfind('/'));
    --want[parent.empty() ? "/" : parent].stat.num_children;
  }
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [path, node] : want) {
    auto it = got.find(path);
    ASSERT_NE(it, got.end()) << "missing after restore: " << path;
    EXPECT_EQ(it->second.data, node.data) << path;
    EXPECT_EQ(it->second.acl, node.acl) << path;
    EXPECT_EQ(it->second.stat.num_children, node.stat.num_children) << path;
  }

  // Again, over itself: everything exists and is equal, nothing is written.
  auto again = restore::RunZkRestore(*mem.repo, r);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->created, 0u);
  EXPECT_EQ(again->differs, 0u);
  EXPECT_EQ(again->failed, 0u);
  EXPECT_EQ(again->updated, 0u);
  testing::DeleteTree(*zk, dst);
  zk.reset();  // its ephemerals go with it
  auto cleanup = ConnectZk(connect, /*auth_up=*/true);
  if (cleanup) testing::DeleteTree(*cleanup, src);
}

TEST(ZkRandomTreeTest, WalkBackupRoundTrips) {
  const std::string connect = StackEnv::Get().Require("ZK_CONNECT");
  for (uint64_t seed : Seeds()) RoundTrip(connect, "", seed);
}

TEST(ZkRandomTreeTest, AdminSnapshotBackupRoundTrips) {
  const std::string connect = StackEnv::Get().Require("ZK39_CONNECT");
  const std::string admin = StackEnv::Get().Require("ZK39_ADMIN_URL");
  for (uint64_t seed : Seeds()) RoundTrip(connect, admin, seed);
}

}  // namespace
}  // namespace strata
