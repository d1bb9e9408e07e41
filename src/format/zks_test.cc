// Round trips of the .zks stream, the writer's checks, and the pinned byte layout.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "format/zks_format.h"
#include "format/zks_reader.h"
#include "format/zks_test_util.h"
#include "format/zks_writer.h"

namespace strata::format {
namespace {

using test_util::MakeNode;
using test_util::ReadZks;
using test_util::WriteZks;

constexpr int64_t kSession = 0x10000178aad0001;
constexpr int64_t kContainerOwner = std::numeric_limits<int64_t>::min();
constexpr int64_t kTtlOwner = static_cast<int64_t>(0xFF00000000000000ULL | 60000);

Bytes AllByteValues() {
  Bytes b;
  for (int i = 0; i < 256; ++i) b.push_back(static_cast<char>(i));
  return b;
}

// A tree with every type from both sources, null and empty data, binary data, unicode
// names, sequential names, several ACLs and none.
std::vector<ZNode> SampleTree() {
  std::vector<ZNode> t;
  t.push_back(MakeNode("/", Bytes()));
  t.push_back(MakeNode("/app", Bytes("hello")));
  t.push_back(MakeNode("/app/null", std::nullopt));
  t.push_back(MakeNode("/app/empty", Bytes()));
  t.push_back(MakeNode("/app/binary", AllByteValues()));
  t.push_back(MakeNode("/app/ünïcødé ✓", Bytes("\xe2\x9c\x93")));
  ZNode eph = MakeNode("/app/eph-0000000007", Bytes("e"), NodeType::kEphemeral);
  eph.stat.ephemeral_owner = kSession;
  t.push_back(eph);
  ZNode secure = MakeNode("/secure", Bytes("s"));
  secure.acl = {{31, "digest", "u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ="},
                {1, "world", "anyone"},
                {3, "ip", "10.0.0.0/8"}};
  t.push_back(secure);
  ZNode noacl = MakeNode("/secure/noacl", Bytes("x"));
  noacl.acl.clear();
  t.push_back(noacl);
  const TypeSource server = TypeSource::kServerSnapshot;
  t.push_back(MakeNode("/srv", std::nullopt, NodeType::kPersistent, server));
  ZNode container = MakeNode("/srv/c", std::nullopt, NodeType::kContainer, server);
  container.stat.ephemeral_owner = kContainerOwner;
  t.push_back(container);
  ZNode ttl = MakeNode("/srv/c/ttl-0000000000", Bytes("t"), NodeType::kTtl, server);
  ttl.stat.ephemeral_owner = kTtlOwner;
  ttl.ttl_ms = 60000;
  t.push_back(ttl);
  ZNode seph = MakeNode("/srv/e", Bytes(), NodeType::kEphemeral, server);
  seph.stat.ephemeral_owner = kSession;
  seph.stat.num_children = -1;
  t.push_back(seph);
  return t;
}

TEST(Zks, RoundTripsEveryTypeAndField) {
  std::vector<ZNode> tree = SampleTree();
  ZksSummary written;
  Bytes bytes = WriteZks(tree, {}, &written);
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{4096}, bytes.size()}) {
    ZksSummary read;
    auto nodes = ReadZks(bytes, chunk, &read);
    ASSERT_TRUE(nodes.ok()) << "chunk " << chunk << ": " << nodes.status().ToString();
    EXPECT_EQ(*nodes, tree) << "chunk " << chunk;
    EXPECT_EQ(read.trailer, written.trailer);
    EXPECT_EQ(read.compressed_bytes, bytes.size());
  }
  EXPECT_EQ(written.compressed_bytes, bytes.size());
  EXPECT_EQ(written.trailer.entry_count, tree.size());
  uint64_t data = 0;
  for (const ZNode& n : tree) data += n.data ? n.data->size() : 0;
  EXPECT_EQ(written.trailer.data_bytes, data);
}

TEST(Zks, NullStaysDistinctFromEmptyWhenTheNodeObjectIsReused) {
  std::vector<ZNode> tree = {MakeNode("/", Bytes("root")), MakeNode("/a", std::nullopt),
                             MakeNode("/b", Bytes()), MakeNode("/c", std::nullopt)};
  Bytes bytes = WriteZks(tree);
  auto reader = ZksReader::Create(test_util::ChunkedSource(bytes, 3));
  ASSERT_TRUE(reader.ok());
  ZNode node;  // one object for every entry, as a fast consumer would do
  for (const ZNode& want : tree) {
    auto more = (*reader)->Next(&node);
    ASSERT_TRUE(more.ok() && *more) << more.status().ToString();
    EXPECT_EQ(node.data, want.data) << want.path;
  }
  auto end = (*reader)->Next(&node);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
  EXPECT_FALSE(*(*reader)->Next(&node));  // stays at the end
}

TEST(Zks, LargeDataDeepPathsAndSequentialFlags) {
  std::vector<ZNode> tree = {MakeNode("/", std::nullopt)};
  Bytes big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
  tree.push_back(MakeNode("/big", big));
  std::string path;
  for (int depth = 0; depth < 300; ++depth) {
    path += "/d" + std::to_string(depth);
    tree.push_back(MakeNode(path, Bytes(std::to_string(depth))));
  }
  tree.push_back(MakeNode(path + "/n-0000000001", Bytes("s")));
  tree.push_back(MakeNode("/q-0000000002", std::nullopt));
  Bytes bytes = WriteZks(tree, {.compression_level = 1, .chunk_bytes = 4096, .batch_bytes = 1000});
  auto nodes = ReadZks(bytes, 1000);
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  ASSERT_EQ(nodes->size(), tree.size());
  EXPECT_EQ(*nodes, tree);
  EXPECT_TRUE(nodes->at(nodes->size() - 2).sequential);
  EXPECT_TRUE(nodes->back().sequential);
  EXPECT_FALSE(nodes->at(1).sequential);
}

TEST(Zks, WriterSendsChunksOfTheConfiguredSize) {
  std::vector<size_t> sizes;
  Bytes all;
  auto writer = ZksWriter::Create(
      [&](ByteView c) {
        sizes.push_back(c.size());
        all.append(c);
        return OkStatus();
      },
      {.compression_level = 1, .chunk_bytes = 64, .batch_bytes = 128});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add(MakeNode("/", Bytes(5000, 'x'))).ok());
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(
        (*writer)->Add(MakeNode("/n" + std::to_string(i), Bytes(std::to_string(i * i)))).ok());
  }
  ASSERT_TRUE((*writer)->Finish().ok());
  ASSERT_GT(sizes.size(), 2u);
  for (size_t i = 0; i + 1 < sizes.size(); ++i) EXPECT_EQ(sizes[i], 64u);
  EXPECT_LE(sizes.back(), 64u);
  auto nodes = ReadZks(all);
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  EXPECT_EQ(nodes->size(), 201u);
}

TEST(Zks, EmptyStreamIsValid) {
  ZksSummary summary;
  Bytes bytes = WriteZks({}, {}, &summary);
  EXPECT_EQ(bytes.substr(0, kZksMagicSize), ByteView(kZksMagic, kZksMagicSize));
  auto nodes = ReadZks(bytes);
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  EXPECT_TRUE(nodes->empty());
  EXPECT_EQ(summary.trailer.entry_count, 0u);
}

TEST(ZksWriter, RejectsWhatItCannotWriteTruthfully) {
  auto writer = ZksWriter::Create([](ByteView) { return OkStatus(); });
  ASSERT_TRUE(writer.ok());
  ZksWriter& w = **writer;
  ASSERT_TRUE(w.Add(MakeNode("/", std::nullopt)).ok());
  auto code = [&](const ZNode& n) { return w.Add(n).code(); };
  EXPECT_EQ(code(MakeNode("/a/b", Bytes())), StatusCode::kInvalidArgument);  // parent missing
  EXPECT_EQ(code(MakeNode("relative", Bytes())), StatusCode::kInvalidArgument);
  // A client walk cannot see containers, TTLs or "exactly persistent".
  EXPECT_EQ(code(MakeNode("/c", Bytes(), NodeType::kContainer)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(MakeNode("/p", Bytes(), NodeType::kPersistent)), StatusCode::kInvalidArgument);
  // A server snapshot always knows the exact type.
  EXPECT_EQ(
      code(MakeNode("/x", Bytes(), NodeType::kPersistentOrExtended, TypeSource::kServerSnapshot)),
      StatusCode::kInvalidArgument);
  // Types must agree with ephemeralOwner, and TTLs with the type.
  EXPECT_EQ(code(MakeNode("/e", Bytes(), NodeType::kEphemeral)), StatusCode::kInvalidArgument);
  ZNode ttl = MakeNode("/t", Bytes(), NodeType::kTtl, TypeSource::kServerSnapshot);
  ttl.stat.ephemeral_owner = kTtlOwner;
  ttl.ttl_ms = 5;
  EXPECT_EQ(code(ttl), StatusCode::kInvalidArgument);
  ttl.ttl_ms = 60000;
  EXPECT_TRUE(w.Add(ttl).ok());
  ZNode persistent_with_ttl = MakeNode("/u", Bytes());
  persistent_with_ttl.ttl_ms = 1;
  EXPECT_EQ(code(persistent_with_ttl), StatusCode::kInvalidArgument);
  // Rejected entries left no trace: the stream still reads back.
  EXPECT_TRUE(w.Add(MakeNode("/a", Bytes())).ok());
  auto summary = w.Finish();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->trailer.entry_count, 3u);
  EXPECT_EQ(w.Add(MakeNode("/b", Bytes())).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(w.Finish().status().code(), StatusCode::kFailedPrecondition);
}

TEST(ZksWriter, SinkErrorsAreReturnedAndStick) {
  int calls = 0;
  auto writer = ZksWriter::Create(
      [&](ByteView) {
        ++calls;
        return UnavailableError("store is down");
      },
      {.compression_level = 1, .chunk_bytes = 64, .batch_bytes = 64});
  ASSERT_TRUE(writer.ok());
  // zstd keeps up to a block (128 KiB) before it emits anything: send more than that,
  // incompressible, so the sink is called.
  Bytes noise(300 << 10, '\0');
  uint64_t x = 88172645463325252ULL;
  for (char& c : noise) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  Status s = (*writer)->Add(MakeNode("/", noise));
  EXPECT_EQ(s, UnavailableError("store is down"));
  EXPECT_EQ((*writer)->Add(MakeNode("/b", Bytes())).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Finish().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(calls, 1);
}

TEST(ZksWriter, RejectsBadOptions) {
  auto sink = [](ByteView) { return OkStatus(); };
  EXPECT_EQ(ZksWriter::Create(sink, {.chunk_bytes = 10}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ZksWriter::Create(sink, {.batch_bytes = 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ZksWriter::Create(sink, {.compression_level = 99}).status().code(),
            StatusCode::kInvalidArgument);
}

// Pins the uncompressed layout of docs/format-zookeeper.md: header and one entry.
TEST(ZksFormat, ByteLayoutOfHeaderAndEntry) {
  Bytes header;
  AppendZksHeader(&header);
  EXPECT_EQ(header, Bytes("\x89ZKS\r\n\x1a\n\x00\x01\x00\x00", 12));

  ZNode n;
  n.path = "/q-0000000001";
  n.data = Bytes("hi");
  n.acl = {{31, "world", "anyone"}};
  n.type = NodeType::kTtl;
  n.type_source = TypeSource::kServerSnapshot;
  n.ttl_ms = 0x0102;
  n.stat = {.czxid = 1,
            .mzxid = 2,
            .pzxid = 3,
            .ctime = 4,
            .mtime = 5,
            .version = 6,
            .cversion = 7,
            .aversion = 8,
            .ephemeral_owner = static_cast<int64_t>(0xFF00000000000102ULL),
            .data_length = 2,
            .num_children = -1};
  ASSERT_TRUE(CheckZnodeType(n).ok());
  Bytes entry;
  ASSERT_TRUE(AppendZksEntry(n, &entry).ok());
  std::string want = std::string("\x01\x00\x00\x00\x81", 5)    // kind, body length 129
                     + std::string("\x04\x02\x01", 3)          // ttl, server snapshot, sequential
                     + std::string("\0\0\0\0\0\0\x01\x02", 8)  // ttl_ms
                     + std::string("\0\0\0\0\0\0\0\x01", 8) + std::string("\0\0\0\0\0\0\0\x02", 8) +
                     std::string("\0\0\0\0\0\0\0\x04", 8) + std::string("\0\0\0\0\0\0\0\x05", 8) +
                     std::string("\0\0\0\x06\0\0\0\x07\0\0\0\x08", 12) +
                     std::string("\xff\0\0\0\0\0\x01\x02", 8)        // ephemeralOwner
                     + std::string("\0\0\0\x02\xff\xff\xff\xff", 8)  // dataLength, numChildren
                     + std::string("\0\0\0\0\0\0\0\x03", 8)          // pzxid
                     + std::string("\0\0\0\x0d/q-0000000001", 17)    // path
                     + std::string("\0\0\0\x02hi", 6)                // data
                     + std::string("\0\0\0\x01\0\0\0\x1f", 8)        // 1 ACL, perms 31
                     + std::string(
                           "\0\0\0\x05world\0\0\0\x06"
                           "anyone",
                           19);
  EXPECT_EQ(entry, want);
  ZNode back;
  ASSERT_TRUE(DecodeZksEntryBody(ByteView(entry).substr(kZksEntryPrefixSize), &back).ok());
  n.sequential = true;
  EXPECT_EQ(back, n);
}

// tests/testdata/zookeeper/sample-v1.zks was written by this code's first version; any
// change that stops reading it is a format change (bump kZksVersion). Regenerate only on
// purpose: STRATA_REGENERATE_GOLDEN=1.
TEST(Zks, ReadsTheGoldenVersion1Stream) {
  namespace fs = std::filesystem;
  const fs::path golden = fs::path(STRATA_TESTDATA_DIR) / "zookeeper" / "sample-v1.zks";
  std::vector<ZNode> tree = SampleTree();
  if (std::getenv("STRATA_REGENERATE_GOLDEN") != nullptr) {
    Bytes bytes = WriteZks(tree, {.compression_level = 19});
    std::ofstream(golden, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  std::ifstream in(golden, std::ios::binary);
  ASSERT_TRUE(in) << golden;
  std::stringstream ss;
  ss << in.rdbuf();
  Bytes bytes = ss.str();
  auto nodes = ReadZks(bytes);
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  EXPECT_EQ(*nodes, tree);
}

}  // namespace
}  // namespace strata::format
