#include <gtest/gtest.h>

#include "format/spredfast_layout.h"
#include "format/spredfast_reader.h"
#include "format/spredfast_test_util.h"

namespace strata::format::spredfast {
namespace {

using testing::BuildDataObject;
using testing::DataObject;
using testing::EncodeRecords;
using testing::FakeRecord;
using testing::Int32Be;
using testing::JavaGzipMember;

struct Decoded {
  int64_t ordinal;
  std::string key, value;
};

// Reads `gz` fed in pieces of `piece` bytes; the records, or the first error.
Result<std::vector<Decoded>> Read(const std::string& gz, KeyMode mode, std::optional<std::vector<ChunkDescriptor>> index,
                                  size_t piece = 1 << 20) {
  std::vector<Decoded> out;
  DataObjectReader reader("obj.gz", mode, std::move(index), [&](int64_t ordinal, ByteView key, ByteView value) {
    out.push_back({ordinal, std::string(key), std::string(value)});
    return OkStatus();
  });
  for (size_t at = 0; at < gz.size(); at += piece) {
    if (!reader.Feed(ByteView(gz).substr(at, piece)).ok()) break;
  }
  STRATA_RETURN_IF_ERROR(reader.Finish().status());
  return out;
}

std::vector<ChunkDescriptor> Index(const DataObject& o, int64_t start) {
  auto index = ParseIndex(o.index_json, start, "idx");
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return *index;
}

TEST(SpredfastLayoutTest, ParsesDataKeys) {
  auto k = ParseDataKey("da-b-content-5/2017-07-25/da-b-content-00025-000002193000.gz");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->topic, "da-b-content");
  EXPECT_EQ(k->partition, 25);
  EXPECT_EQ(k->start_offset, 2193000);
  EXPECT_EQ(k->directory, "da-b-content-5/2017-07-25");
  auto big = ParseDataKey("2020-01-01/t.x_y-00003-1000000000000.gz");  // 13 digits
  ASSERT_TRUE(big);
  EXPECT_EQ(big->start_offset, 1000000000000);
  EXPECT_EQ(big->topic, "t.x_y");
  EXPECT_FALSE(ParseDataKey("foo-000000123456.gz"));  // BlockGZIPFileWriter's name, before S3Writer adds the partition
  EXPECT_FALSE(ParseDataKey("2017-07-25/t-00000-000000000000.index.json"));
  EXPECT_FALSE(ParseDataKey("last_chunk_index.t-00000.txt"));
  EXPECT_FALSE(ParseDataKey("2017-07-25/t-0000-000000000000.gz"));   // 4-digit partition
  EXPECT_FALSE(ParseDataKey("2017-07-25/t-00000-00000000000x.gz"));
  EXPECT_FALSE(ParseDataKey("2017-07-25/-00000-000000000000.gz"));    // no topic
  EXPECT_EQ(IndexKeyFor("p/2017-07-25/t-00001-000000000007.gz"), "p/2017-07-25/t-00001-000000000007.index.json");
}

TEST(SpredfastLayoutTest, IndexChunksMustFollowEachOther) {
  const char* ok =
      R"({"chunks":[{"byte_length_uncompressed":2890,"num_records":100,"byte_length":275,"byte_offset":0,"first_record_offset":7},
                    {"byte_length_uncompressed":0,"num_records":0,"byte_length":20,"byte_offset":275,"first_record_offset":107}]})";
  auto index = ParseIndex(ok, 7, "i");
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  ASSERT_EQ(index->size(), 2u);
  EXPECT_EQ((*index)[1], (ChunkDescriptor{275, 20, 0, 0, 107}));
  EXPECT_EQ(ParseIndex(ok, 8, "i").status().code(), StatusCode::kDataLoss);  // wrong start offset
  EXPECT_EQ(ParseIndex(R"({"chunks":[{"byte_offset":0}]})", 0, "i").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseIndex(R"({"chunks":[)", 0, "i").status().code(), StatusCode::kDataLoss);
  auto hole = ParseIndex(
      R"({"chunks":[{"byte_length_uncompressed":1,"num_records":1,"byte_length":5,"byte_offset":0,"first_record_offset":0},
                    {"byte_length_uncompressed":1,"num_records":1,"byte_length":5,"byte_offset":6,"first_record_offset":1}]})",
      0, "i");
  EXPECT_EQ(hole.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(hole.status().message().find("chunk 1"), std::string::npos) << hole.status().ToString();
}

TEST(SpredfastDecoderTest, SpecExamplesWithAndWithoutKeys) {
  // Key "k", value "hello"; then a tombstone with key "k" (docs: c.3).
  std::string with = std::string("\0\0\0\x01k\0\0\0\x05hello", 14) + std::string("\0\0\0\x01k\0\0\0\0", 9);
  std::vector<std::pair<std::string, std::string>> got;
  RecordDecoder d(KeyMode::kWithKeys, true);
  auto collect = [&](ByteView k, ByteView v) {
    got.emplace_back(k, v);
    return OkStatus();
  };
  // Byte by byte: fields may arrive in any pieces.
  for (char c : with) ASSERT_TRUE(d.Feed(ByteView(&c, 1), collect).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], std::make_pair(std::string("k"), std::string("hello")));
  EXPECT_EQ(got[1], std::make_pair(std::string("k"), std::string()));
  EXPECT_TRUE(d.at_record_boundary());

  got.clear();
  RecordDecoder v(KeyMode::kWithoutKeys, true);
  ASSERT_TRUE(v.Feed(EncodeRecords({{"", "a"}, {"", ""}, {"", std::string("\0\xff", 2)}}, false), collect).ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].second, "");
  EXPECT_EQ(got[2].second, std::string("\0\xff", 2));
  EXPECT_EQ(v.records(), 3);
}

TEST(SpredfastDecoderTest, TruncatedAndNegativeLengths) {
  RecordDecoder d(KeyMode::kWithoutKeys, true);
  ASSERT_TRUE(d.Feed(Int32Be(10) + "abc", nullptr).ok());
  EXPECT_FALSE(d.at_record_boundary());  // a record cut short: the caller decides (member end)
  RecordDecoder n(KeyMode::kWithKeys, false);
  Status s = n.Feed(Int32Be(0xffffffff), nullptr);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("key length -1"), std::string::npos) << s.ToString();
}

TEST(SpredfastReaderTest, MultiMemberObjectWithEmptyMembersMatchesItsIndex) {
  std::vector<std::vector<FakeRecord>> chunks = {
      {}, {{"k1", "v1"}, {"", "v2"}, {"k3", ""}}, {}, {{std::string("\0\n", 2), std::string(70000, 'x')}}, {}};
  DataObject o = BuildDataObject(chunks, 40, true);
  for (size_t piece : {size_t{1}, size_t{7}, size_t{1} << 20}) {
    auto got = Read(o.gz, KeyMode::kWithKeys, Index(o, 40), piece);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(got->size(), 4u);
    EXPECT_EQ((*got)[1].key, "");
    EXPECT_EQ((*got)[2].value, "");
    EXPECT_EQ((*got)[3].ordinal, 3);
    EXPECT_EQ((*got)[3].key, std::string("\0\n", 2));
    EXPECT_EQ((*got)[3].value.size(), 70000u);
  }
  // Without an index (an interrupted upload): read all the same.
  auto unindexed = Read(o.gz, KeyMode::kWithKeys, std::nullopt);
  ASSERT_TRUE(unindexed.ok());
  EXPECT_EQ(unindexed->size(), 4u);
  // The wrong key mode does not fit the index.
  auto wrong = Read(o.gz, KeyMode::kWithoutKeys, Index(o, 40));
  EXPECT_EQ(wrong.status().code(), StatusCode::kDataLoss);
}

TEST(SpredfastReaderTest, CorruptObjectsAreDataLossNamingTheObject) {
  DataObject o = BuildDataObject({{{"a", "1"}, {"b", "2"}}, {{"c", "3"}}}, 0, true);
  // Truncated.
  auto truncated = Read(o.gz.substr(0, o.gz.size() - 5), KeyMode::kWithKeys, Index(o, 0));
  EXPECT_EQ(truncated.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(truncated.status().message().find("obj.gz: truncated"), std::string::npos) << truncated.status().ToString();
  // Missing the last member entirely.
  auto cut = Read(o.gz.substr(0, static_cast<size_t>(Index(o, 0)[1].byte_offset)), KeyMode::kWithKeys, Index(o, 0));
  EXPECT_EQ(cut.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(cut.status().message().find("1 gzip members but its index lists 2"), std::string::npos);
  // The index claims another record count.
  auto index = Index(o, 0);
  index[0].num_records = 3;
  auto mismatch = Read(o.gz, KeyMode::kWithKeys, index);
  EXPECT_EQ(mismatch.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(mismatch.status().message().find("does not match its index"), std::string::npos);
  // Garbage after the last member.
  auto garbage = Read(o.gz + "garbage!", KeyMode::kWithKeys, std::nullopt);
  EXPECT_EQ(garbage.status().code(), StatusCode::kDataLoss);
  // A flipped byte inside the deflate data or the trailer's CRC.
  std::string flipped = o.gz;
  flipped[flipped.size() - 6] ^= 0x01;
  EXPECT_EQ(Read(flipped, KeyMode::kWithKeys, std::nullopt).status().code(), StatusCode::kDataLoss);
  // A record cut at a member's end.
  std::string cut_record = JavaGzipMember(EncodeRecords({{"", "abc"}}, false).substr(0, 6));
  auto straddle = Read(cut_record, KeyMode::kWithoutKeys, std::nullopt);
  EXPECT_EQ(straddle.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(straddle.status().message().find("ends inside a record"), std::string::npos);
}

TEST(SpredfastReaderTest, EmptyObjectHasNoMembers) {
  auto got = Read("", KeyMode::kWithoutKeys, std::vector<ChunkDescriptor>{});
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

}  // namespace
}  // namespace strata::format::spredfast
