// The zk module's pipelined TreeWriter and WalkTree against the stack's real ZooKeeper:
// pre-order, exact data (null, empty, binary), ACLs, wide parents, replays after a failed
// multi, and the C client quirks the writer works around (containers and TTL nodes are
// never put into a multi).
#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "tests/integration/stack_env.h"
#include "zk/tree_walker.h"
#include "zk/tree_writer.h"

namespace strata::zk {
namespace {

using namespace std::chrono_literals;
using testing::StackEnv;
using testing::UniqueName;

std::unique_ptr<Session> Connect() {
  auto s = Session::Connect({StackEnv::Get().Require("ZK_CONNECT"), 10000, {}}, Deadline::After(20s));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

struct Outcomes {
  std::map<std::string, Status> by_path;
  WriteCallback Callback() {
    return [this](const WriteOp& op, const Status& s) { by_path[op.path] = s; };
  }
};

WriteOp Create(const std::string& path, std::optional<Bytes> data, NodeKind kind = NodeKind::kPersistent) {
  WriteOp op;
  op.path = path;
  op.data = std::move(data);
  op.acl = OpenAcl();
  op.node = kind;
  return op;
}

TEST(ZkTreeTest, WriterBuildsAndWalkerReadsInPreorder) {
  auto zk = Connect();
  ASSERT_NE(zk, nullptr);
  std::string root = "/" + UniqueName("tree");
  Outcomes out;
  {
    TreeWriter writer(*zk, WriterOptions{}, out.Callback());
    ASSERT_TRUE(writer.Submit(Create(root, Bytes("root"))).ok());
    ASSERT_TRUE(writer.Submit(Create(root + "/b", std::nullopt)).ok());
    ASSERT_TRUE(writer.Submit(Create(root + "/b/x", Bytes())).ok());
    ASSERT_TRUE(writer.Submit(Create(root + "/c", Bytes("c"), NodeKind::kContainer)).ok());
    ASSERT_TRUE(writer.Submit(Create(root + "/c/kid", Bytes("k"))).ok());
    ASSERT_TRUE(writer.Submit(Create(root + "/a", Bytes("\0\xff", 2))).ok());
    WriteOp ttl = Create(root + "/t", Bytes("t"), NodeKind::kTtl);
    ttl.ttl_ms = 3600000;
    ASSERT_TRUE(writer.Submit(ttl).ok());
    for (int i = 0; i < 2000; ++i) {
      ASSERT_TRUE(writer.Submit(Create(root + "/wide" + (i == 0 ? "" : "/n" + std::to_string(i)), Bytes("v"))).ok());
    }
    ASSERT_TRUE(writer.Flush().ok());
    EXPECT_GT(writer.stats().multis, 0u);
  }
  for (const auto& [path, s] : out.by_path) EXPECT_TRUE(s.ok()) << path << ": " << s.ToString();
  EXPECT_EQ(out.by_path.size(), 2007u);

  std::vector<std::string> seen;
  std::map<std::string, WalkedNode> nodes;
  WalkOptions o;
  o.root = root;
  o.max_in_flight = 64;
  auto stats = WalkTree(*zk, o, [&](WalkedNode& n) {
    seen.push_back(n.path);
    if (n.path.find("/wide/") == std::string::npos) nodes[n.path] = n;
    return OkStatus();
  });
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->nodes, 2007u);
  ASSERT_GE(seen.size(), 8u);
  EXPECT_EQ(seen[0], root);
  EXPECT_EQ(seen[1], root + "/a");
  EXPECT_EQ(seen[2], root + "/b");
  EXPECT_EQ(seen[3], root + "/b/x");
  EXPECT_EQ(seen[4], root + "/c");
  EXPECT_EQ(seen[5], root + "/c/kid");
  EXPECT_EQ(seen[6], root + "/t");
  EXPECT_EQ(seen[7], root + "/wide");
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_TRUE(TreeOrderLess(seen[i - 1], seen[i])) << seen[i];
  EXPECT_EQ(*nodes[root + "/a"].data, Bytes("\0\xff", 2));
  EXPECT_FALSE(nodes[root + "/b"].data.has_value());
  EXPECT_EQ(nodes[root + "/b/x"].data->size(), 0u);
  EXPECT_EQ(nodes[root + "/b"].acl, OpenAcl());
}

TEST(ZkTreeTest, FailedMultiIsReplayedOneByOne) {
  auto zk = Connect();
  ASSERT_NE(zk, nullptr);
  std::string root = "/" + UniqueName("replay");
  ASSERT_TRUE(zk->Create(root, std::nullopt, OpenAcl(), CreateMode::kPersistent).ok());
  ASSERT_TRUE(zk->Create(root + "/exists", Bytes("old"), OpenAcl(), CreateMode::kPersistent).ok());
  Outcomes out;
  TreeWriter writer(*zk, WriterOptions{}, out.Callback());
  ASSERT_TRUE(writer.Submit(Create(root + "/new1", Bytes("1"))).ok());
  ASSERT_TRUE(writer.Submit(Create(root + "/exists", Bytes("new"))).ok());
  ASSERT_TRUE(writer.Submit(Create(root + "/new1/kid", Bytes("2"))).ok());
  ASSERT_TRUE(writer.Flush().ok());
  EXPECT_TRUE(out.by_path[root + "/new1"].ok());
  EXPECT_EQ(out.by_path[root + "/exists"].code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(out.by_path[root + "/new1/kid"].ok());
  EXPECT_EQ(*zk->Get(root + "/exists")->data, "old");
  EXPECT_GE(writer.stats().replayed, 3u);
}

}  // namespace
}  // namespace strata::zk
