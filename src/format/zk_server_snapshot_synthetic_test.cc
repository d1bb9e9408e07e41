// ServerSnapshotReader against snapshots built byte by byte here, for what a real server
// does not produce on demand: compressed files, other versions, damaged ACL references,
// out-of-order nodes, the optional trailing blocks in every combination, large data.
#include <gtest/gtest.h>

#include <optional>

#include "format/adler32.h"
#include "format/zk_server_snapshot.h"
#include "format/zks_test_util.h"

namespace strata::format {
namespace {

// Writes the jute encoding the way ZooKeeper's BinaryOutputArchive does.
class Jute {
 public:
  Jute& Int(int32_t v) {
    for (int i = 3; i >= 0; --i)
      b_.push_back(static_cast<char>(static_cast<uint32_t>(v) >> (8 * i)));
    return *this;
  }
  Jute& Long(int64_t v) { return Int(static_cast<int32_t>(v >> 32)).Int(static_cast<int32_t>(v)); }
  Jute& Str(std::optional<std::string> s) {
    if (!s) return Int(-1);
    Int(static_cast<int32_t>(s->size()));
    b_ += *s;
    return *this;
  }
  // SnapStream.sealStream: the Adler-32 of everything so far, then "/".
  Jute& Seal() { return Long(Adler32(b_)).Str("/"); }
  Jute& Raw(ByteView r) {
    b_.append(r);
    return *this;
  }
  Bytes& bytes() { return b_; }

 private:
  Bytes b_;
};

constexpr int64_t kOwnerSession = 0x100001786c20000;

void Header(Jute& j, int32_t version = 2) {
  j.Raw("ZKSN").Int(version).Long(-1);
  j.Int(1).Long(kOwnerSession).Int(30000);  // one session
  // ACL cache: 1 -> world:anyone read; 2 -> digest + ip.
  j.Int(2);
  j.Long(1).Int(1).Int(1).Str("world").Str("anyone");
  j.Long(2).Int(2).Int(31).Str("digest").Str("u:h=").Int(3).Str("ip").Str("10.0.0.1");
}

void Node(Jute& j, const std::string& path, std::optional<std::string> data, int64_t acl,
          int64_t owner) {
  j.Str(path).Str(std::move(data)).Long(acl);
  j.Long(5).Long(6).Long(7).Long(8).Int(1).Int(2).Int(3).Long(owner).Long(9);  // StatPersisted
}

// A complete file: root, the /zookeeper node, /a, /a/b; end marker; seals.
Bytes Snapshot(bool digest = true, bool last_zxid = true) {
  Jute j;
  Header(j);
  Node(j, "", "", -1, 0);
  Node(j, "/zookeeper", "", -1, 0);
  Node(j, "/a", std::nullopt, 1, 0);
  Node(j, "/a/b", "data", 2, kOwnerSession);
  j.Str("/").Seal();
  if (digest) j.Long(0x42).Int(2).Long(12345).Seal();
  if (last_zxid) j.Long(0x43).Seal();
  return j.bytes();
}

Result<std::vector<ZNode>> ParseAll(ByteView bytes, ServerSnapshotInfo* info = nullptr) {
  ServerSnapshotReader reader(test_util::ChunkedSource(bytes, 5));
  std::vector<ZNode> nodes;
  ZNode n;
  for (;;) {
    auto more = reader.Next(&n);
    if (!more.ok()) return more.status();
    if (!*more) break;
    nodes.push_back(n);
  }
  if (info != nullptr) *info = reader.info();
  return nodes;
}

void ExpectError(ByteView bytes, StatusCode code, std::string_view needle) {
  auto r = ParseAll(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().ToString();
}

TEST(ServerSnapshotSynthetic, ReadsNodesAclsAndEveryTrailerCombination) {
  for (bool digest : {false, true}) {
    for (bool last_zxid : {false, true}) {
      ServerSnapshotInfo info;
      auto nodes = ParseAll(Snapshot(digest, last_zxid), &info);
      ASSERT_TRUE(nodes.ok()) << digest << last_zxid << ": " << nodes.status().ToString();
      ASSERT_EQ(nodes->size(), 3u);
      EXPECT_EQ((*nodes)[0].path, "/");
      EXPECT_EQ((*nodes)[1].acl, (std::vector<ZnodeAcl>{{1, "world", "anyone"}}));
      EXPECT_FALSE((*nodes)[1].data.has_value());
      EXPECT_EQ((*nodes)[2].acl,
                (std::vector<ZnodeAcl>{{31, "digest", "u:h="}, {3, "ip", "10.0.0.1"}}));
      EXPECT_EQ((*nodes)[2].type, NodeType::kEphemeral);
      EXPECT_EQ((*nodes)[2].stat, (ZnodeStat{5, 6, 9, 7, 8, 1, 2, 3, kOwnerSession, 4, -1}));
      EXPECT_EQ(info.skipped, 1u);
      EXPECT_EQ(info.acl_lists, 2u);
      EXPECT_EQ(info.digest.has_value(), digest);
      if (digest) {
        EXPECT_EQ(info.digest->value, 12345);
      }
      EXPECT_EQ(info.last_processed_zxid, last_zxid ? std::optional<int64_t>(0x43) : std::nullopt);
    }
  }
}

TEST(ServerSnapshotSynthetic, OldHexDigestIsRead) {
  Bytes b = Snapshot(false, false);
  Jute j;
  j.Raw(b).Long(0x42).Int(1).Str("ff").Seal();
  ServerSnapshotInfo info;
  ASSERT_TRUE(ParseAll(j.bytes(), &info).ok());
  EXPECT_EQ(info.digest->version, 1);
  EXPECT_EQ(info.digest->value, 255);
}

TEST(ServerSnapshotSynthetic, CompressedAndForeignFilesAreRefusedByName) {
  ExpectError(Bytes("\x1f\x8b\x08\x00\x00\x00", 6), StatusCode::kFailedPrecondition, "gzip");
  ExpectError(Bytes("\x82SNAPPY\x00\x00\x00\x00\x01", 12), StatusCode::kFailedPrecondition,
              "snappy");
  ExpectError("PK\x03\x04 not a snapshot", StatusCode::kFailedPrecondition,
              "not a ZooKeeper snapshot");
  Jute v3;
  Header(v3, 3);
  ExpectError(v3.bytes(), StatusCode::kFailedPrecondition, "version 3");
  ExpectError("", StatusCode::kDataLoss, "truncated");
}

TEST(ServerSnapshotSynthetic, StructuralDamageIsDataLoss) {
  Jute missing_acl;
  Header(missing_acl);
  Node(missing_acl, "", "", -1, 0);
  Node(missing_acl, "/a", "", 7, 0);
  ExpectError(missing_acl.bytes(), StatusCode::kDataLoss, "ACL list 7");

  Jute no_root;
  Header(no_root);
  Node(no_root, "/a", "", -1, 0);
  ExpectError(no_root.bytes(), StatusCode::kDataLoss, "not the root");

  Jute out_of_order;
  Header(out_of_order);
  Node(out_of_order, "", "", -1, 0);
  Node(out_of_order, "/a/b", "", -1, 0);
  ExpectError(out_of_order.bytes(), StatusCode::kDataLoss, "pre-order");

  Jute bad_length;
  Header(bad_length);
  bad_length.Str("").Int(-5);
  ExpectError(bad_length.bytes(), StatusCode::kDataLoss, "invalid length -5");

  Jute null_acl_list;
  null_acl_list.Raw("ZKSN").Int(2).Long(-1).Int(0).Int(1).Long(1).Int(-1);
  ExpectError(null_acl_list.bytes(), StatusCode::kDataLoss, "length -1");
}

TEST(ServerSnapshotSynthetic, SealsAndTrailingBytesAreChecked) {
  Bytes good = Snapshot();
  ASSERT_TRUE(ParseAll(good).ok());
  Bytes bad_seal = Snapshot(false, false);
  bad_seal[bad_seal.size() - 6] ^= 1;  // inside the checksum long
  ExpectError(bad_seal, StatusCode::kDataLoss, "checksum mismatch");
  ExpectError(good + "x", StatusCode::kDataLoss, "unexpected bytes");
  ExpectError(good + Bytes(5000, 'x'), StatusCode::kDataLoss, "unexpected bytes");
  Bytes digest_flip = good;
  digest_flip[digest_flip.size() - 21 - 14] ^= 1;  // the digest value
  ExpectError(digest_flip, StatusCode::kDataLoss, "seal mismatch");
}

TEST(ServerSnapshotSynthetic, UnknownExtendedTypeIsFailedPrecondition) {
  Jute j;
  Header(j);
  Node(j, "", "", -1, 0);
  Node(j, "/x", "", -1, static_cast<int64_t>(0xFF00020000000001ULL));
  j.Str("/").Seal();
  ExpectError(j.bytes(), StatusCode::kFailedPrecondition, "znode /x");
}

TEST(ServerSnapshotSynthetic, LargeDataAndDeepPathsStream) {
  Jute j;
  Header(j);
  Node(j, "", "", -1, 0);
  std::string big(4 << 20, 'z');
  big[12345] = '\0';
  Node(j, "/big", big, -1, 0);
  std::string path;
  for (int i = 0; i < 500; ++i) {
    path += "/n" + std::to_string(i);
    Node(j, path, std::to_string(i), -1, std::numeric_limits<int64_t>::min());
  }
  j.Str("/").Seal();
  auto nodes = ParseAll(j.bytes());
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  ASSERT_EQ(nodes->size(), 502u);
  EXPECT_EQ((*nodes)[1].data, big);
  EXPECT_EQ(nodes->back().path, path);
  EXPECT_EQ(nodes->back().type, NodeType::kContainer);
}

}  // namespace
}  // namespace strata::format
