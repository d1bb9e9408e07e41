#include "tests/integration/zk_test_util.h"

#include <gtest/gtest.h>

#include <chrono>

#include "format/zks_reader.h"
#include "zk/tree_walker.h"
#include "zk/tree_writer.h"

namespace strata::testing {

using namespace std::chrono_literals;

std::unique_ptr<zk::Session> ConnectZk(const std::string& connect, bool auth_up) {
  zk::SessionOptions o;
  o.connect = connect;
  o.session_timeout_ms = 20000;
  if (auth_up) o.auth.emplace_back("digest", "u:p");
  auto s = zk::Session::Connect(o, Deadline::After(30s));
  EXPECT_TRUE(s.ok()) << connect << ": " << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

MemRepo NewMemRepo() {
  MemRepo r;
  r.store = std::make_unique<storage::MemoryStore>("zk-test");
  auto repo = backup::Repository::Open(*r.store, "mem://zk-test", backup::OpenMode::kCreateIfMissing);
  EXPECT_TRUE(repo.ok()) << repo.status().ToString();
  if (repo.ok()) r.repo = std::make_unique<backup::Repository>(std::move(*repo));
  return r;
}

std::map<std::string, format::ZNode> ReadSnapshot(const backup::Repository& repo, const std::string& key) {
  std::map<std::string, format::ZNode> out;
  auto bytes = repo.store().Get(storage::ObjectKey(key));
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  if (!bytes.ok()) return out;
  bool given = false;
  auto reader = format::ZksReader::Create([&]() -> Result<ByteView> {
    if (given) return ByteView();
    given = true;
    return ByteView(*bytes);
  });
  EXPECT_TRUE(reader.ok());
  format::ZNode node;
  while (true) {
    auto more = (*reader)->Next(&node);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    out[node.path] = node;
  }
  return out;
}

std::map<std::string, TreeNode> ReadTree(zk::Session& session, const std::string& root) {
  std::map<std::string, TreeNode> out;
  zk::WalkOptions o;
  o.root = root;
  auto stats = zk::WalkTree(session, o, [&](zk::WalkedNode& n) {
    std::string rel = n.path.size() == root.size() ? "/" : n.path.substr(root == "/" ? 0 : root.size());
    out[rel] = TreeNode{std::move(n.data), std::move(n.acl), n.stat};
    return OkStatus();
  });
  EXPECT_TRUE(stats.ok()) << root << ": " << stats.status().ToString();
  return out;
}

void DeleteTree(zk::Session& session, const std::string& root) {
  std::vector<std::string> paths;
  zk::WalkOptions o;
  o.root = root;
  auto stats = zk::WalkTree(session, o, [&](zk::WalkedNode& n) {
    paths.push_back(n.path);
    return OkStatus();
  });
  if (!stats.ok()) return;
  zk::TreeWriter writer(session, zk::WriterOptions{}, [](const zk::WriteOp&, const Status&) {});
  // Reverse pre-order deletes every child before its parent.
  for (auto it = paths.rbegin(); it != paths.rend(); ++it) {
    zk::WriteOp op;
    op.kind = zk::WriteKind::kDelete;
    op.path = *it;
    writer.Submit(std::move(op)).IgnoreError();
  }
  writer.Flush().IgnoreError();
}

}  // namespace strata::testing
