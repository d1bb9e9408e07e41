#include "format/segment_builder.h"

#include <gtest/gtest.h>

#include <string>

#include "format/crc32c.h"
#include "format/segment_reader.h"
#include "format/segment_test_util.h"
#include "format/segment_verify.h"
#include "format/sha256.h"

namespace strata::format {
namespace {

using segment_testing::Encode;
using segment_testing::Options;
using segment_testing::Rec;

// FIPS 180-2 examples.
TEST(Sha256Test, KnownVectors) {
  Sha256 sha;
  EXPECT_EQ(sha.FinishHex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  sha.Update("a");
  sha.Update("bc");
  EXPECT_EQ(sha.FinishHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

std::vector<KafkaRecord> ManyRecords() {
  std::vector<KafkaRecord> records;
  for (int i = 0; i < 3000; ++i) {
    records.push_back(Rec(500 + i + i / 100, 1700000000000 + (i * 37) % 1000,
                          Bytes("key-" + std::to_string(i)), Bytes(300, static_cast<char>(i))));
  }
  return records;
}

TEST(SegmentBuilderTest, SummaryIndexAndBytesAgree) {
  std::vector<KafkaRecord> records = ManyRecords();
  BatchEncoderOptions options = Options(Compression::kZstd, 64 * 1024);
  SegmentBuilder builder(options);
  Bytes object;  // what a caller would upload, taken piece by piece
  for (const auto& r : records) {
    ASSERT_TRUE(builder.Add(r).ok());
    if (builder.pending().size() > 100'000) {
      object += builder.pending();
      builder.ClearPending();
    }
  }
  EXPECT_EQ(builder.record_count(), 3000);
  auto summary = builder.Finish();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  object += builder.pending();
  builder.ClearPending();

  EXPECT_EQ(object, Encode(records, options));
  EXPECT_EQ(summary->base_offset, 500);
  EXPECT_EQ(summary->last_offset, records.back().offset);
  EXPECT_EQ(summary->record_count, 3000);
  EXPECT_EQ(summary->size_bytes, object.size());
  EXPECT_EQ(summary->min_timestamp, 1700000000000);
  EXPECT_EQ(summary->max_timestamp, 1700000000999);
  EXPECT_EQ(summary->crc32c, Crc32c(object));
  Sha256 sha;
  sha.Update(object);
  EXPECT_EQ(summary->sha256_hex, sha.FinishHex());
  EXPECT_GT(summary->uncompressed_records_bytes, 3000u * 300);
  EXPECT_GT(summary->batch_count, 10);

  auto index = builder.Index();
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  ASSERT_EQ(index->entries().size(), static_cast<size_t>(summary->batch_count));
  EXPECT_EQ(index->segment_size(), static_cast<int64_t>(object.size()));
  EXPECT_TRUE(VerifySegment(object, *summary, *index).ok());

  // Every index entry points at a batch that holds what the entry says.
  for (size_t i = 0; i < index->entries().size(); ++i) {
    const IndexEntry& e = index->entries()[i];
    ByteRange range = index->BatchRange(i);
    ByteView batch = ByteView(object).substr(range.begin, range.end - range.begin);
    SegmentReader reader(batch, range.begin);
    auto more = reader.Next();
    ASSERT_TRUE(more.ok() && *more);
    EXPECT_EQ(reader.header().base_offset, e.base_offset);
    EXPECT_EQ(reader.header().last_offset(), e.last_offset);
    EXPECT_EQ(reader.header().max_timestamp, e.max_timestamp);
    EXPECT_FALSE(*reader.Next());
  }

  // Restore from an offset: find the batch, read from there, skip the records before it.
  int64_t from = records[1234].offset;
  std::optional<size_t> first = index->FindOffset(from);
  ASSERT_TRUE(first.has_value());
  ByteRange tail = index->RangeFrom(*first);
  auto decoded = DecodeSegment(ByteView(object).substr(tail.begin));
  ASSERT_TRUE(decoded.ok());
  auto it = std::find_if(decoded->begin(), decoded->end(),
                         [&](const KafkaRecord& r) { return r.offset >= from; });
  ASSERT_NE(it, decoded->end());
  EXPECT_EQ(*it, records[1234]);
}

TEST(SegmentBuilderTest, EmptySegment) {
  SegmentBuilder builder;
  auto summary = builder.Finish();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->record_count, 0);
  EXPECT_EQ(summary->size_bytes, 0u);
  EXPECT_EQ(summary->base_offset, -1);
  EXPECT_EQ(summary->crc32c, 0u);
  auto index = builder.Index();
  ASSERT_TRUE(index.ok());
  EXPECT_TRUE(VerifySegment("", *summary, *index).ok());
}

TEST(SegmentBuilderTest, FinishOnce) {
  SegmentBuilder builder;
  EXPECT_EQ(builder.Index().status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(builder.Add(Rec(1, 1, std::nullopt, Bytes("v"))).ok());
  ASSERT_TRUE(builder.Finish().ok());
  EXPECT_EQ(builder.Finish().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(builder.Add(Rec(2, 1, std::nullopt, Bytes("v"))).code(),
            StatusCode::kFailedPrecondition);
}

TEST(SegmentBuilderTest, VerifyCatchesMismatchedSummaryAndIndex) {
  SegmentBuilder builder(Options(Compression::kZstd, 4096));
  for (const auto& r : ManyRecords()) ASSERT_TRUE(builder.Add(r).ok());
  auto summary = builder.Finish();
  ASSERT_TRUE(summary.ok());
  Bytes object(builder.pending());
  auto index = builder.Index();
  ASSERT_TRUE(index.ok());

  SegmentSummary wrong = *summary;
  wrong.record_count += 1;
  EXPECT_EQ(VerifySegment(object, wrong, *index).code(), StatusCode::kDataLoss);
  wrong = *summary;
  wrong.sha256_hex[0] = wrong.sha256_hex[0] == '0' ? '1' : '0';
  EXPECT_EQ(VerifySegment(object, wrong, *index).code(), StatusCode::kDataLoss);

  std::vector<IndexEntry> entries(index->entries().begin(), index->entries().end());
  entries[1].max_timestamp += 1;
  auto bad_index = SegmentIndex::Create(entries, index->segment_size());
  ASSERT_TRUE(bad_index.ok());
  EXPECT_EQ(VerifySegment(object, *summary, *bad_index).code(), StatusCode::kDataLoss);
  entries.pop_back();
  bad_index = SegmentIndex::Create(entries, index->segment_size());
  ASSERT_TRUE(bad_index.ok());
  EXPECT_EQ(VerifySegment(object, *summary, *bad_index).code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace strata::format
