// The .zks reader against damaged input: truncation at every length, every byte flipped,
// and well-compressed but wrong content (with the CRC fixed up, so the checks behind it
// are reached). It must report DataLoss or FailedPrecondition, never crash or succeed.
#include <gtest/gtest.h>
#include <zstd.h>

#include "format/crc32c.h"
#include "format/zks_format.h"
#include "format/zks_test_util.h"

namespace strata::format {
namespace {

using test_util::MakeNode;
using test_util::ReadZks;
using test_util::WriteZks;

std::vector<ZNode> Tree() {
  std::vector<ZNode> t = {MakeNode("/", Bytes("root"))};
  for (int i = 0; i < 12; ++i) {
    std::string dir = "/d" + std::to_string(i);
    t.push_back(
        MakeNode(dir, i % 3 == 0 ? std::nullopt : std::optional<Bytes>(Bytes(i * 17, 'a' + i))));
    t.push_back(MakeNode(dir + "/n-000000000" + std::to_string(i), Bytes("\x00\x01\xff", 3)));
  }
  return t;
}

Bytes Header() {
  Bytes h;
  AppendZksHeader(&h);
  return h;
}

// `header` followed by one zstd frame (with its checksum) of `body`.
Bytes Frame(ByteView body, Bytes header = Header()) {
  Bytes z(ZSTD_compressBound(body.size()), '\0');
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
  size_t n = ZSTD_compress2(c, z.data(), z.size(), body.data(), body.size());
  ZSTD_freeCCtx(c);
  EXPECT_FALSE(ZSTD_isError(n));
  z.resize(n);
  return header + z;
}

// Entry records of `nodes`, unchecked.
Bytes Records(const std::vector<ZNode>& nodes, uint64_t* data_bytes) {
  Bytes r;
  *data_bytes = 0;
  for (const ZNode& n : nodes) {
    EXPECT_TRUE(AppendZksEntry(n, &r).ok());
    *data_bytes += n.data ? n.data->size() : 0;
  }
  return r;
}

// `records` followed by a trailer that matches them.
Bytes Sealed(ByteView records, uint64_t count, uint64_t data_bytes) {
  Bytes body(records);
  ZksTrailer t{count, records.size(), data_bytes, Crc32cExtend(Crc32c(Header()), records)};
  AppendZksTrailer(t, &body);
  return body;
}

void ExpectDataLoss(ByteView stream, std::string_view needle) {
  auto r = ReadZks(stream);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
  EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().ToString();
}

TEST(ZksCorruption, TruncationAtEveryLengthIsDataLoss) {
  Bytes good = WriteZks(Tree(), {.compression_level = 1});
  ASSERT_TRUE(ReadZks(good).ok());
  for (size_t len = 0; len < good.size(); ++len) {
    auto r = ReadZks(ByteView(good).substr(0, len), 5);
    ASSERT_FALSE(r.ok()) << "length " << len;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss)
        << "length " << len << ": " << r.status().ToString();
  }
}

// A flip is either reported or harmless: zstd's encoding has a few redundant bits (e.g. in
// entropy table descriptions) whose flip decodes to the very same bytes. What must never
// happen is a successful read of different entries.
TEST(ZksCorruption, EveryFlippedByteIsDetectedOrHarmless) {
  const std::vector<ZNode> tree = Tree();
  Bytes good = WriteZks(tree, {.compression_level = 1});
  int harmless = 0, checked = 0;
  for (size_t pos = 0; pos < good.size(); ++pos) {
    for (unsigned char mask : {0x01, 0x80}) {
      Bytes bad = good;
      bad[pos] = static_cast<char>(bad[pos] ^ mask);
      auto r = ReadZks(bad, 64);
      ++checked;
      if (r.ok()) {
        EXPECT_EQ(*r, tree) << "byte " << pos << " mask " << int{mask} << " changed the entries";
        ++harmless;
        continue;
      }
      StatusCode want =
          pos < kZksHeaderSize ? StatusCode::kFailedPrecondition : StatusCode::kDataLoss;
      EXPECT_EQ(r.status().code(), want) << "byte " << pos << ": " << r.status().ToString();
    }
  }
  EXPECT_LT(harmless * 20, checked) << "most flips must be reported";
}

TEST(ZksCorruption, HeaderProblemsAreFailedPrecondition) {
  Bytes good = WriteZks(Tree());
  Bytes v2 = good;
  v2[9] = 2;
  auto r = ReadZks(v2);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("version 2"), std::string::npos) << r.status().ToString();
  Bytes flags = good;
  flags[11] = 4;
  EXPECT_EQ(ReadZks(flags).status().code(), StatusCode::kFailedPrecondition);
  Bytes zookeeper_file("ZKSN\0\0\0\x02\xff\xff\xff\xff\xff\xff\xff\xff", 16);
  r = ReadZks(zookeeper_file);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("magic"), std::string::npos);
  EXPECT_EQ(ReadZks("").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ReadZks("xy").status().code(), StatusCode::kFailedPrecondition);
}

TEST(ZksCorruption, AValidFrameWithoutTrailerIsTruncated) {
  uint64_t data = 0;
  Bytes records = Records(Tree(), &data);
  ExpectDataLoss(Frame(records), "without a trailer");
  ExpectDataLoss(Frame(records.substr(0, records.size() - 3)), "inside a record");
  ExpectDataLoss(Frame(""), "without a trailer");
}

TEST(ZksCorruption, TrailerMismatchesAreNamed) {
  uint64_t data = 0;
  std::vector<ZNode> tree = Tree();
  Bytes records = Records(tree, &data);
  ASSERT_TRUE(ReadZks(Frame(Sealed(records, tree.size(), data))).ok());
  ExpectDataLoss(Frame(Sealed(records, tree.size() + 1, data)), "entry count");
  ExpectDataLoss(Frame(Sealed(records, tree.size(), data + 1)), "data bytes");
  Bytes body = Sealed(records, tree.size(), data);
  body[body.size() - 1] ^= 1;
  ExpectDataLoss(Frame(body), "CRC-32C");
}

TEST(ZksCorruption, BytesAfterTheEndAreDataLoss) {
  uint64_t data = 0;
  std::vector<ZNode> tree = Tree();
  Bytes records = Records(tree, &data);
  Bytes body = Sealed(records, tree.size(), data);
  ExpectDataLoss(Frame(body + "x"), "after its trailer");
  ExpectDataLoss(Frame(body) + "x", "after its zstd frame");
  ExpectDataLoss(Frame(body) + Frame(body, ""), "after its zstd frame");
}

TEST(ZksCorruption, MalformedEntriesNameTheirPosition) {
  std::vector<ZNode> tree = {MakeNode("/", std::nullopt), MakeNode("/a", Bytes("x")),
                             MakeNode("/a/b-0000000001", Bytes("y"))};
  uint64_t data = 0;
  Bytes records = Records(tree, &data);
  uint64_t unused = 0;
  const size_t third = Records({tree[0], tree[1]}, &unused).size();  // offset of entry #2
  auto corrupt = [&](size_t offset, char value) {
    Bytes r = records;
    r[third + offset] = value;
    return Frame(Sealed(r, tree.size(), 2));
  };
  ExpectDataLoss(corrupt(0, 7), "unknown record kind 7");
  ExpectDataLoss(corrupt(kZksEntryPrefixSize, 9), "unknown node type 9");
  ExpectDataLoss(corrupt(kZksEntryPrefixSize + 1, 0), "unknown type source 0");
  ExpectDataLoss(corrupt(kZksEntryPrefixSize + 2, 0), "sequential flag");
  ExpectDataLoss(corrupt(kZksEntryPrefixSize + 2, 3), "unknown entry flags");
  ExpectDataLoss(corrupt(kZksEntryPrefixSize, 4), "entry #2 (after /a)");  // TTL without ttl_ms
  ExpectDataLoss(corrupt(1, '\x7f'), "over the limit");
  ExpectDataLoss(corrupt(3, '\x7f'), "inside a record");  // longer than what follows
}

TEST(ZksCorruption, EntriesOutOfPreOrderAreDataLoss) {
  std::vector<ZNode> tree = {MakeNode("/", std::nullopt), MakeNode("/a/b", Bytes("y")),
                             MakeNode("/a", Bytes("x"))};
  uint64_t data = 0;
  Bytes records = Records(tree, &data);
  ExpectDataLoss(Frame(Sealed(records, tree.size(), data)), "pre-order");
}

TEST(ZksCorruption, SourceErrorsPassThroughUnchanged) {
  Bytes good = WriteZks(Tree());
  int calls = 0;
  auto reader = ZksReader::Create([&]() -> Result<ByteView> {
    if (calls++ == 0) return ByteView(good).substr(0, 40);
    return UnavailableError("connection reset");
  });
  ASSERT_TRUE(reader.ok());
  ZNode node;
  auto r = (*reader)->Next(&node);
  while (r.ok() && *r) r = (*reader)->Next(&node);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status(), UnavailableError("connection reset"));
  EXPECT_EQ((*reader)->Next(&node).status(), r.status());  // sticky
}

}  // namespace
}  // namespace strata::format
