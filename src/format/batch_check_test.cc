#include "format/batch_check.h"

#include <gtest/gtest.h>

#include "format/batch_encoder.h"
#include "format/segment_builder.h"
#include "format/segment_reader.h"
#include "format/segment_verify.h"

namespace strata::format {
namespace {

KafkaRecord Rec(int64_t offset, int64_t ts) {
  return KafkaRecord{offset, ts, TimestampType::kCreateTime, Bytes("k" + std::to_string(offset)),
                     Bytes(50, static_cast<char>('a' + offset % 26)), {}};
}

// One batch of `records` as an encoder writes it.
Bytes OneBatch(const std::vector<KafkaRecord>& records, Compression c) {
  BatchEncoderOptions o;
  o.compression = c;
  BatchEncoder e(o);
  for (const auto& r : records) EXPECT_TRUE(e.Add(r).ok());
  EXPECT_TRUE(e.Flush().ok());
  EXPECT_EQ(e.finished_batches().size(), 1u);
  return Bytes(e.finished());
}

TEST(BatchCheckerTest, FindsTimestampsAndRecordOffsets) {
  // The first record is not the earliest: the summary needs the decoded records.
  Bytes batch = OneBatch({Rec(10, 500), Rec(11, 100), Rec(13, 900)}, Compression::kZstd);
  BatchChecker checker;
  auto c = checker.Check(batch);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->header.base_offset, 10);
  EXPECT_EQ(c->min_timestamp, 100);
  EXPECT_EQ(c->max_timestamp, 900);
  EXPECT_EQ(c->first_record_offset, 10);
  EXPECT_EQ(c->last_record_offset, 13);
}

TEST(BatchCheckerTest, RefusesCorruptionControlAndTrailingBytes) {
  Bytes batch = OneBatch({Rec(0, 1), Rec(1, 2)}, Compression::kNone);
  BatchChecker checker;
  Bytes flipped = batch;
  flipped[flipped.size() - 3] ^= 1;
  EXPECT_EQ(checker.Check(flipped).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(checker.Check(batch + "x").status().code(), StatusCode::kInvalidArgument);
  Bytes control = batch;
  control[kAttributesOffset + 1] |= kControlBit;
  SealBatchCrc(control.data(), control.size());
  EXPECT_EQ(checker.Check(control).status().code(), StatusCode::kInvalidArgument);
  Bytes gzip = batch;
  gzip[kAttributesOffset + 1] |= 1;
  SealBatchCrc(gzip.data(), gzip.size());
  EXPECT_EQ(checker.Check(gzip).status().code(), StatusCode::kUnimplemented);
}

// Kept batches and encoded records in one segment: bytes, index, summary and checksums
// agree (VerifySegment), and the records read back in order.
TEST(BatchCheckerTest, SegmentOfKeptAndEncodedBatches) {
  Bytes kept1 = OneBatch({Rec(0, 300), Rec(1, 200)}, Compression::kNone);
  Bytes kept2 = OneBatch({Rec(5, 50), Rec(7, 400)}, Compression::kZstd);
  SegmentBuilder builder;
  BatchChecker checker;
  Bytes object;
  auto add_kept = [&](const Bytes& b) {
    auto c = checker.Check(b);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(builder.AddCheckedBatch(*c, b).ok());
    object.append(builder.pending());
    builder.ClearPending();
    object.append(b);
  };
  add_kept(kept1);
  ASSERT_TRUE(builder.Add(Rec(3, 100)).ok());
  ASSERT_TRUE(builder.Add(Rec(4, 100)).ok());
  add_kept(kept2);
  EXPECT_EQ(builder.AddCheckedBatch(*checker.Check(kept1), kept1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(builder.Add(Rec(6, 1)).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(builder.Add(Rec(9, 600)).ok());
  auto summary = builder.Finish();
  ASSERT_TRUE(summary.ok());
  object.append(builder.pending());
  auto index = builder.Index();
  ASSERT_TRUE(index.ok());
  EXPECT_TRUE(VerifySegment(object, *summary, *index).ok()) << VerifySegment(object, *summary, *index).ToString();
  EXPECT_EQ(summary->record_count, 7);
  EXPECT_EQ(summary->batch_count, 4);
  EXPECT_EQ(summary->min_timestamp, 50);
  EXPECT_EQ(summary->max_timestamp, 600);
  EXPECT_EQ(summary->base_offset, 0);
  EXPECT_EQ(summary->last_offset, 9);
  auto records = DecodeSegment(object);
  ASSERT_TRUE(records.ok());
  std::vector<int64_t> offsets;
  for (const auto& r : *records) offsets.push_back(r.offset);
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 1, 3, 4, 5, 7, 9}));
  EXPECT_EQ(object.substr(0, kept1.size()), kept1);
}

}  // namespace
}  // namespace strata::format
