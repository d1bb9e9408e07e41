#include "format/segment_index.h"

#include <gtest/gtest.h>

#include <string>

#include "format/crc32c.h"
#include "format/wire.h"

namespace strata::format {
namespace {

// Batches [0..9] [12..20] [21..21] [30..40] with max timestamps that go down and up.
std::vector<IndexEntry> Entries() {
  return {{0, 9, 0, 500}, {12, 20, 100, 300}, {21, 21, 250, 700}, {30, 40, 300, 600}};
}

SegmentIndex Make() {
  auto index = SegmentIndex::Create(Entries(), 1000);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return *index;
}

TEST(SegmentIndexTest, SerializeParseRoundTrip) {
  SegmentIndex index = Make();
  Bytes bytes = index.Serialize();
  EXPECT_EQ(bytes.size(), 20u + 4 * 32 + 4);
  EXPECT_EQ(bytes.substr(0, 4), "SKIX");
  auto parsed = SegmentIndex::Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  std::vector<IndexEntry> want = Entries();
  EXPECT_TRUE(
      std::equal(parsed->entries().begin(), parsed->entries().end(), want.begin(), want.end()));
  EXPECT_EQ(parsed->segment_size(), 1000);

  auto empty = SegmentIndex::Create({}, 0);
  ASSERT_TRUE(empty.ok());
  auto parsed_empty = SegmentIndex::Parse(empty->Serialize());
  ASSERT_TRUE(parsed_empty.ok());
  EXPECT_TRUE(parsed_empty->entries().empty());
  EXPECT_FALSE(parsed_empty->FindOffset(0).has_value());
  EXPECT_FALSE(parsed_empty->FindTimestamp(0).has_value());
}

// The layout, spelled out: header, one entry, CRC trailer, all big-endian.
TEST(SegmentIndexTest, ByteLayout) {
  auto index = SegmentIndex::Create({{5, 7, 0, 1700000000002}}, 85);
  ASSERT_TRUE(index.ok());
  Bytes expected = Bytes("SKIX") + Bytes("\x00\x01\x00\x00", 4) + Bytes("\x00\x00\x00\x01", 4) +
                   Bytes("\x00\x00\x00\x00\x00\x00\x00\x55", 8) +
                   Bytes("\x00\x00\x00\x00\x00\x00\x00\x05", 8) +
                   Bytes("\x00\x00\x00\x00\x00\x00\x00\x07", 8) + Bytes(8, '\0') +
                   Bytes("\x00\x00\x01\x8b\xcf\xe5\x68\x02", 8);
  expected += Bytes(4, '\0');
  PutBig32(expected.data() + expected.size() - 4,
           Crc32c(ByteView(expected).substr(0, expected.size() - 4)));
  EXPECT_EQ(index->Serialize(), expected);
}

TEST(SegmentIndexTest, ParseRejectsDamage) {
  Bytes bytes = Make().Serialize();
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(SegmentIndex::Parse(bytes.substr(0, n)).status().code(), StatusCode::kDataLoss) << n;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    Bytes bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    EXPECT_EQ(SegmentIndex::Parse(bad).status().code(), StatusCode::kDataLoss) << i;
  }
  // A future version with a valid CRC: FailedPrecondition, not DataLoss.
  Bytes future = bytes;
  PutBig16(future.data() + 4, 2);
  PutBig32(future.data() + future.size() - 4,
           Crc32c(ByteView(future).substr(0, future.size() - 4)));
  EXPECT_EQ(SegmentIndex::Parse(future).status().code(), StatusCode::kFailedPrecondition);
  // Out-of-order entries with a valid CRC.
  Bytes disordered = bytes;
  PutBig64(disordered.data() + 20 + 32, 3);  // entry 1 base offset 3 < entry 0 last offset 9
  PutBig32(disordered.data() + disordered.size() - 4,
           Crc32c(ByteView(disordered).substr(0, disordered.size() - 4)));
  EXPECT_EQ(SegmentIndex::Parse(disordered).status().code(), StatusCode::kDataLoss);
}

TEST(SegmentIndexTest, CreateRejectsBadEntries) {
  EXPECT_EQ(SegmentIndex::Create({{5, 4, 0, 0}}, 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SegmentIndex::Create({{0, 4, 3, 0}}, 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SegmentIndex::Create({{0, 4, 0, 0}}, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SegmentIndex::Create({{0, 4, 0, 0}, {4, 5, 5, 0}}, 10).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SegmentIndex::Create({{0, 4, 0, 0}, {5, 5, 0, 0}}, 10).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(SegmentIndexTest, FindOffset) {
  SegmentIndex index = Make();
  EXPECT_EQ(index.FindOffset(-5), 0u);
  EXPECT_EQ(index.FindOffset(0), 0u);
  EXPECT_EQ(index.FindOffset(9), 0u);
  EXPECT_EQ(index.FindOffset(10), 1u);  // in the gap 10..11: the next batch
  EXPECT_EQ(index.FindOffset(20), 1u);
  EXPECT_EQ(index.FindOffset(21), 2u);
  EXPECT_EQ(index.FindOffset(25), 3u);
  EXPECT_EQ(index.FindOffset(40), 3u);
  EXPECT_FALSE(index.FindOffset(41).has_value());
}

// Max timestamps 500, 300, 700, 600: the first batch reaching T in offset order.
TEST(SegmentIndexTest, FindTimestampWithNonMonotonicMaxima) {
  SegmentIndex index = Make();
  EXPECT_EQ(index.FindTimestamp(-1), 0u);
  EXPECT_EQ(index.FindTimestamp(300), 0u);
  EXPECT_EQ(index.FindTimestamp(500), 0u);
  EXPECT_EQ(index.FindTimestamp(501), 2u);  // not batch 1 (300) nor 3 (600 < 700 comes later)
  EXPECT_EQ(index.FindTimestamp(650), 2u);
  EXPECT_EQ(index.FindTimestamp(700), 2u);
  EXPECT_FALSE(index.FindTimestamp(701).has_value());
  // Brute force over a range of timestamps agrees.
  for (int64_t t = 0; t < 800; t += 7) {
    std::optional<size_t> want;
    for (size_t i = 0; i < Entries().size(); ++i) {
      if (Entries()[i].max_timestamp >= t) {
        want = i;
        break;
      }
    }
    EXPECT_EQ(index.FindTimestamp(t), want) << t;
  }
}

TEST(SegmentIndexTest, Ranges) {
  SegmentIndex index = Make();
  EXPECT_EQ(index.BatchRange(0).begin, 0);
  EXPECT_EQ(index.BatchRange(0).end, 100);
  EXPECT_EQ(index.BatchRange(3).begin, 300);
  EXPECT_EQ(index.BatchRange(3).end, 1000);
  EXPECT_EQ(index.RangeFrom(1).begin, 100);
  EXPECT_EQ(index.RangeFrom(1).end, 1000);
}

}  // namespace
}  // namespace strata::format
