// ServerSnapshotReader against real snapshot files written by ZooKeeper 3.8.0 and 3.9.5
// (tests/testdata/zookeeper/README.md says how each was made) and against synthetic
// snapshots built here, for the cases a real server does not produce on demand.
#include "format/zk_server_snapshot.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "format/adler32.h"
#include "format/zks_test_util.h"

namespace strata::format {
namespace {

using test_util::ChunkedSource;

Bytes ReadFile(const std::string& name) {
  std::ifstream in(std::filesystem::path(STRATA_TESTDATA_DIR) / "zookeeper" / name,
                   std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Parsed {
  std::vector<ZNode> nodes;
  ServerSnapshotInfo info;
};

Result<Parsed> Parse(ByteView bytes, size_t chunk = 1 << 16) {
  ServerSnapshotReader reader(ChunkedSource(bytes, chunk));
  Parsed p;
  ZNode node;
  for (;;) {
    Result<bool> more = reader.Next(&node);
    if (!more.ok()) return more.status();
    if (!*more) break;
    p.nodes.push_back(node);
  }
  p.info = reader.info();
  return p;
}

std::map<std::string, ZNode> ByPath(const std::vector<ZNode>& nodes) {
  std::map<std::string, ZNode> m;
  for (const ZNode& n : nodes) m[n.path] = n;
  return m;
}

const std::vector<ZnodeAcl> kOpen = {{31, "world", "anyone"}};

// The tree tests/testdata/zookeeper/make_tree.sh creates, as every file must show it.
void ExpectSampleTree(const std::vector<ZNode>& nodes, bool with_ephemerals) {
  PreorderChecker order;
  for (const ZNode& n : nodes) {
    EXPECT_TRUE(order.Add(n.path).ok()) << n.path;
    EXPECT_EQ(n.type_source, TypeSource::kServerSnapshot);
    EXPECT_EQ(n.stat.num_children, -1);
    EXPECT_EQ(n.stat.data_length, n.data ? static_cast<int32_t>(n.data->size()) : 0);
    EXPECT_EQ(n.path.rfind("/zookeeper", 0), std::string::npos) << n.path;
  }
  auto m = ByPath(nodes);
  EXPECT_EQ(m.size(), nodes.size()) << "a path repeats";
  EXPECT_EQ(m.size(), with_ephemerals ? 16u : 14u);
  ASSERT_EQ(nodes.front().path, "/");
  EXPECT_EQ(m["/"].data, Bytes());
  EXPECT_EQ(m["/"].acl, kOpen);
  auto expect = [&](const std::string& path, NodeType type, std::optional<Bytes> data,
                    int64_t ttl = 0) {
    ASSERT_EQ(m.count(path), 1u) << path;
    const ZNode& n = m[path];
    EXPECT_EQ(n.type, type) << path;
    EXPECT_EQ(n.data, data) << path;
    EXPECT_EQ(n.ttl_ms, ttl) << path;
    EXPECT_EQ(n.sequential, path.find("-000000000") != std::string::npos) << path;
  };
  expect("/app", NodeType::kPersistent, Bytes("hello"));
  expect("/app/empty", NodeType::kPersistent, Bytes());
  expect("/app/nulldata", NodeType::kPersistent, std::nullopt);
  expect("/app/ünïcødé", NodeType::kPersistent, Bytes("\xe2\x9c\x93"));
  expect("/c", NodeType::kContainer, std::nullopt);
  expect("/c/child", NodeType::kPersistent, Bytes("x"));
  expect("/t", NodeType::kTtl, Bytes("ttl-data"), 3600000);
  expect("/seq", NodeType::kPersistent, std::nullopt);
  expect("/seq/n-0000000000", NodeType::kPersistent, Bytes("a"));
  expect("/seq/n-0000000001", NodeType::kPersistent, Bytes("b"));
  expect("/seq/ttl-0000000002", NodeType::kTtl, Bytes("c"), 3600000);
  expect("/secure", NodeType::kPersistent, Bytes("secret"));
  expect("/ip", NodeType::kPersistent, Bytes("ipdata"));
  EXPECT_EQ(m["/c"].stat.ephemeral_owner, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(static_cast<uint64_t>(m["/t"].stat.ephemeral_owner), 0xFF0000000036EE80ULL);
  EXPECT_EQ(m["/secure"].acl,
            (std::vector<ZnodeAcl>{{31, "digest", "u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ="},
                                   {1, "world", "anyone"}}));
  EXPECT_EQ(m["/secure"].stat.aversion, 1);
  EXPECT_EQ(m["/ip"].acl, (std::vector<ZnodeAcl>{{31, "ip", "127.0.0.1"}}));
  EXPECT_EQ(m["/seq"].stat.cversion, 4);
  EXPECT_EQ(m["/app"].acl, kOpen);
  if (with_ephemerals) {
    expect("/e", NodeType::kEphemeral, Bytes("eph"));
    expect("/seq/eph-0000000003", NodeType::kEphemeral, Bytes("d"));
    EXPECT_EQ(m["/e"].stat.ephemeral_owner, m["/seq/eph-0000000003"].stat.ephemeral_owner);
    EXPECT_NE(m["/e"].stat.ephemeral_owner, 0);
  }
}

TEST(ServerSnapshot, ZooKeeper38DataDirSnapshot) {
  Bytes file = ReadFile("zk38-startup.snapshot.12");
  auto p = Parse(file);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ExpectSampleTree(p->nodes, /*with_ephemerals=*/true);
  EXPECT_EQ(p->info.dbid, -1);
  EXPECT_EQ(p->info.sessions, 1u);
  EXPECT_EQ(p->info.nodes, 19u);
  EXPECT_EQ(p->info.skipped, 3u);  // /zookeeper, /zookeeper/config, /zookeeper/quota
  ASSERT_TRUE(p->info.digest.has_value());
  EXPECT_EQ(p->info.digest->zxid, 0x12);
  EXPECT_EQ(p->info.digest->version, 2);
  EXPECT_FALSE(p->info.last_processed_zxid.has_value());  // 3.8 does not write it
}

TEST(ServerSnapshot, ZooKeeper39AdminStream) {
  Bytes file = ReadFile("zk39-admin-stream.snapshot.14");
  for (size_t chunk : {size_t{1}, size_t{13}, file.size()}) {
    auto p = Parse(file, chunk);
    ASSERT_TRUE(p.ok()) << "chunk " << chunk << ": " << p.status().ToString();
    ExpectSampleTree(p->nodes, /*with_ephemerals=*/true);
    EXPECT_EQ(p->info.sessions, 1u);
    ASSERT_TRUE(p->info.last_processed_zxid.has_value());
    EXPECT_EQ(*p->info.last_processed_zxid, 0x14);  // the admin command's last_zxid header
    ASSERT_TRUE(p->info.digest.has_value());
    EXPECT_EQ(p->info.digest->zxid, 0x14);
  }
}

TEST(ServerSnapshot, ZooKeeper39StartupSnapshotAfterTheSessionEnded) {
  auto p = Parse(ReadFile("zk39-startup.snapshot.15"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ExpectSampleTree(p->nodes, /*with_ephemerals=*/false);
  EXPECT_EQ(p->info.sessions, 0u);
  EXPECT_EQ(p->info.last_processed_zxid, 0x15);
}

TEST(ServerSnapshot, EmptyServerHasOnlyTheRoot) {
  auto p = Parse(ReadFile("zk39-empty.snapshot.0"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->nodes.size(), 1u);
  EXPECT_EQ(p->nodes[0].path, "/");
  EXPECT_EQ(p->info.skipped, 3u);
  EXPECT_EQ(p->info.digest->zxid, 0);  // no digest yet: ZooKeeper writes an empty one
}

// Every byte of a real file is under an Adler-32 seal, so any flip is caught (as DataLoss,
// or FailedPrecondition where it changes the magic, the version or a type encoding).
TEST(ServerSnapshot, EveryFlippedByteOfARealFileIsDetected) {
  Bytes good = ReadFile("zk39-admin-stream.snapshot.14");
  for (size_t pos = 0; pos < good.size(); ++pos) {
    Bytes bad = good;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x10);
    auto p = Parse(bad, 100);
    ASSERT_FALSE(p.ok()) << "byte " << pos;
    StatusCode c = p.status().code();
    EXPECT_TRUE(c == StatusCode::kDataLoss || c == StatusCode::kFailedPrecondition)
        << pos << ": " << p.status().ToString();
  }
}

// The digest and last-zxid blocks are optional in the format (older servers and other
// settings omit them), so a cut exactly after a seal reads as a complete, shorter file.
// Every other cut is DataLoss.
TEST(ServerSnapshot, TruncationIsDataLossExceptAtOptionalBlockBoundaries) {
  Bytes good = ReadFile("zk39-admin-stream.snapshot.14");
  const size_t last_zxid_block = 8 + 13, digest_block = 20 + 13;
  const size_t after_digest = good.size() - last_zxid_block;
  const size_t after_nodes = after_digest - digest_block;
  for (size_t len = 0; len < good.size(); ++len) {
    auto p = Parse(ByteView(good).substr(0, len), 7);
    if (len == after_nodes || len == after_digest) {
      EXPECT_TRUE(p.ok()) << len << ": " << p.status().ToString();
      continue;
    }
    ASSERT_FALSE(p.ok()) << "length " << len;
    EXPECT_EQ(p.status().code(), StatusCode::kDataLoss) << len << ": " << p.status().ToString();
  }
}

}  // namespace
}  // namespace strata::format
