// SegmentReader against damaged and foreign input: every single-byte flip, every
// truncation, batches re-sealed with a valid CRC around garbage, other codecs, other
// magics. The reader must report DataLoss / FailedPrecondition / Unimplemented and
// never crash or read outside its input (run under STRATA_SANITIZE=ON to check that).
#include "format/segment_reader.h"

#include <gtest/gtest.h>
#include <lz4frame.h>
#include <zstd.h>

#include <set>
#include <string>

#include "format/segment_test_util.h"
#include "format/segment_verify.h"

namespace strata::format {
namespace {

using segment_testing::Encode;
using segment_testing::Options;
using segment_testing::Rec;
using segment_testing::WithSection;

std::vector<KafkaRecord> SmallRecords() {
  return {Rec(0, 1000, Bytes("k0"), Bytes("v0"), {{"h", Bytes("x")}}),
          Rec(1, 1001, std::nullopt, Bytes(), {{"h", std::nullopt}}),
          Rec(3, 990, Bytes(), std::nullopt),
          Rec(4, 1005, Bytes("k4"), Bytes("v4")),
          Rec(5, 1005, Bytes("k5"), Bytes("v5"), {}, TimestampType::kLogAppendTime),
          Rec(6, 1006, Bytes("k6"), Bytes("v6"))};
}

// Positions of the bytes in each batch that its CRC does not cover.
std::set<size_t> BytesOutsideCrc(ByteView segment) {
  std::set<size_t> out;
  SegmentReader reader(segment);
  while (true) {
    auto more = reader.Next();
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    for (size_t i = 0; i < kAttributesOffset; ++i) out.insert(reader.batch_position() + i);
  }
  return out;
}

bool IsCorruptionCode(StatusCode c) {
  return c == StatusCode::kDataLoss || c == StatusCode::kFailedPrecondition;
}

class CorruptionTest : public ::testing::TestWithParam<Compression> {};

TEST_P(CorruptionTest, EveryByteFlipIsCaught) {
  std::vector<KafkaRecord> records = SmallRecords();
  Bytes segment = Encode(records, Options(GetParam()));
  SegmentBuilder builder(Options(GetParam()));
  for (const auto& r : records) ASSERT_TRUE(builder.Add(r).ok());
  auto summary = builder.Finish();
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(builder.pending(), segment);
  auto index = builder.Index();
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE(VerifySegment(segment, *summary, *index).ok());

  std::set<size_t> outside = BytesOutsideCrc(segment);
  for (size_t i = 0; i < segment.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xFF}) {
      Bytes bad = segment;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      auto decoded = DecodeSegment(bad);
      if (decoded.ok()) {
        // Only a byte outside the CRC may go unnoticed by the reader alone (in practice
        // the base offset and the partition leader epoch).
        EXPECT_TRUE(outside.count(i)) << "flip at " << i << " was not detected";
      } else {
        EXPECT_TRUE(IsCorruptionCode(decoded.status().code()))
            << "flip at " << i << ": " << decoded.status().ToString();
      }
      // With the summary and the index, every flip is caught.
      EXPECT_EQ(VerifySegment(bad, *summary, *index).code(), StatusCode::kDataLoss)
          << "flip at " << i;
    }
  }
}

TEST_P(CorruptionTest, EveryTruncationIsCaught) {
  std::vector<EncodedBatch> batches;
  Bytes segment = Encode(SmallRecords(), Options(GetParam()), &batches);
  ASSERT_GE(batches.size(), 3u);
  std::set<size_t> boundaries;
  for (const auto& b : batches) boundaries.insert(b.position);
  for (size_t n = 0; n < segment.size(); ++n) {
    auto decoded = DecodeSegment(ByteView(segment).substr(0, n));
    if (boundaries.count(n)) {
      // A cut between batches leaves a shorter valid segment: the summary catches that.
      EXPECT_TRUE(decoded.ok()) << n;
      continue;
    }
    ASSERT_FALSE(decoded.ok()) << "truncation at " << n;
    EXPECT_EQ(decoded.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(decoded.status().message().find("truncated batch at position"), std::string::npos)
        << decoded.status().message();
  }
}

// Re-sealing the CRC after a flip hands the decoder garbage that passes the checksum:
// it must still fail cleanly (or decode something), never crash or over-read.
TEST_P(CorruptionTest, GarbageWithValidCrcNeverCrashes) {
  std::vector<EncodedBatch> batches;
  Bytes segment = Encode(SmallRecords(), Options(GetParam()), &batches);
  Bytes first(ByteView(segment).substr(0, batches[0].size));
  for (size_t i = kAttributesOffset; i < first.size(); ++i) {
    for (unsigned char mask : {0x01, 0x40, 0xFF}) {
      Bytes bad = first;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      SealBatchCrc(bad.data(), bad.size());
      auto decoded = DecodeSegment(bad);
      if (!decoded.ok()) {
        StatusCode c = decoded.status().code();
        EXPECT_TRUE(IsCorruptionCode(c) || c == StatusCode::kUnimplemented)
            << i << ": " << decoded.status().ToString();
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, CorruptionTest,
                         ::testing::Values(Compression::kNone, Compression::kZstd),
                         [](const auto& info) { return CompressionName(info.param); });

TEST(SegmentReaderTest, MessagesNamePositionAndOffset) {
  std::vector<EncodedBatch> batches;
  Bytes segment = Encode(SmallRecords(), Options(Compression::kZstd), &batches);
  Bytes bad = segment;
  size_t at = batches[1].position + kBatchHeaderSize;
  bad[at] = static_cast<char>(bad[at] ^ 1);
  auto decoded = DecodeSegment(bad);
  ASSERT_EQ(decoded.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(decoded.status().message().find("position " + std::to_string(batches[1].position)),
            std::string::npos) << decoded.status().message();
  std::string offset = "base offset " + std::to_string(batches[1].base_offset);
  EXPECT_NE(decoded.status().message().find(offset), std::string::npos)
      << decoded.status().message();
  EXPECT_NE(decoded.status().message().find("CRC"), std::string::npos);
}

TEST(SegmentReaderTest, UnknownMagicIsFailedPrecondition) {
  Bytes segment = Encode(SmallRecords(), Options(Compression::kNone));
  segment[kMagicOffset] = 1;
  auto decoded = DecodeSegment(segment);
  EXPECT_EQ(decoded.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(decoded.status().message().find("magic 1"), std::string::npos);
}

TEST(SegmentReaderTest, RangedReadStartsAtABatch) {
  std::vector<EncodedBatch> batches;
  std::vector<KafkaRecord> records = SmallRecords();
  Bytes segment = Encode(records, Options(Compression::kZstd), &batches);
  ASSERT_GE(batches.size(), 2u);
  SegmentReader reader(ByteView(segment).substr(batches[1].position), batches[1].position);
  auto more = reader.Next();
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(reader.batch_position(), batches[1].position);
  auto got = reader.Records();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(ToRecord((*got)[0]), records[batches[0].record_count]);
}

TEST(SegmentReaderTest, BatchesMustAdvance) {
  Bytes segment = Encode({Rec(10, 0, std::nullopt, Bytes("a"))}, Options(Compression::kNone));
  auto decoded = DecodeSegment(segment + segment);
  EXPECT_EQ(decoded.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(decoded.status().message().find("previous batch"), std::string::npos);
}

// Kafka writes other codecs; a strata segment never holds them, but the reader reads
// LZ4 (Kafka's frame format) and zstd frames without a declared size (Kafka's producer).
TEST(SegmentReaderTest, ReadsLz4AndStreamedZstd) {
  std::vector<KafkaRecord> records = SmallRecords();
  records.resize(4);  // one CreateTime batch
  Bytes plain = Encode(records, Options(Compression::kNone));
  ByteView section = ByteView(plain).substr(kBatchHeaderSize);

  Bytes lz4(LZ4F_compressFrameBound(section.size(), nullptr), '\0');
  size_t n = LZ4F_compressFrame(lz4.data(), lz4.size(), section.data(), section.size(), nullptr);
  ASSERT_FALSE(LZ4F_isError(n));
  lz4.resize(n);
  auto decoded = DecodeSegment(WithSection(plain, Compression::kLz4, lz4));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, records);

  // Two streamed zstd frames, split in the middle of a record, no content size.
  Bytes zstd;
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  for (ByteView part : {section.substr(0, 10), section.substr(10)}) {
    Bytes frame(ZSTD_compressBound(part.size()) + 64, '\0');
    ZSTD_inBuffer in{part.data(), part.size(), 0};
    ZSTD_outBuffer out{frame.data(), frame.size(), 0};
    // Input given before the frame is ended leaves its size undeclared, as a stream does.
    ASSERT_FALSE(ZSTD_isError(ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_continue)));
    ZSTD_inBuffer none{nullptr, 0, 0};
    ASSERT_EQ(ZSTD_compressStream2(cctx, &out, &none, ZSTD_e_end), 0u);
    frame.resize(out.pos);
    ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);
    zstd += frame;
  }
  ZSTD_freeCCtx(cctx);
  decoded = DecodeSegment(WithSection(plain, Compression::kZstd, zstd));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, records);

  // Truncated streams, re-sealed so that only the codec can notice.
  for (const Bytes* stream : {&lz4, &zstd}) {
    Compression c = stream == &lz4 ? Compression::kLz4 : Compression::kZstd;
    for (size_t cut = 0; cut < stream->size(); ++cut) {
      auto bad = DecodeSegment(WithSection(plain, c, ByteView(*stream).substr(0, cut)));
      EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss) << CompressionName(c) << " cut " << cut;
    }
  }
}

TEST(SegmentReaderTest, GzipAndSnappyAreRefusedByName) {
  Bytes plain = Encode({Rec(0, 0, Bytes("k"), Bytes("v"))}, Options(Compression::kNone));
  for (Compression c : {Compression::kGzip, Compression::kSnappy}) {
    auto decoded = DecodeSegment(WithSection(plain, c, "not really compressed"));
    EXPECT_EQ(decoded.status().code(), StatusCode::kUnimplemented);
    EXPECT_NE(decoded.status().message().find(CompressionName(c)), std::string::npos)
        << decoded.status().message();
  }
  auto unknown = DecodeSegment(WithSection(plain, static_cast<Compression>(6), "x"));
  EXPECT_EQ(unknown.status().code(), StatusCode::kFailedPrecondition);
}

// Random multi-byte damage, with the damaged batch's CRC re-sealed half of the time, over
// a segment holding uncompressed, zstd and LZ4 batches.
TEST(SegmentReaderTest, RandomDamageNeverCrashes) {
  std::vector<KafkaRecord> records = SmallRecords();
  Bytes segment = Encode({records[0], records[1]}, Options(Compression::kNone));
  Bytes zstd_part = Encode({records[2], records[3]}, Options(Compression::kZstd));
  Bytes lz4_plain = Encode({records[5]}, Options(Compression::kNone));
  ByteView section = ByteView(lz4_plain).substr(kBatchHeaderSize);
  Bytes lz4(LZ4F_compressFrameBound(section.size(), nullptr), '\0');
  lz4.resize(LZ4F_compressFrame(lz4.data(), lz4.size(), section.data(), section.size(), nullptr));
  std::vector<size_t> starts = {0, segment.size()};
  segment += zstd_part;
  starts.push_back(segment.size());
  segment += WithSection(lz4_plain, Compression::kLz4, lz4);
  starts.push_back(segment.size());
  ASSERT_TRUE(DecodeSegment(segment).ok());

  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&state](uint64_t bound) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return state % bound;
  };
  for (int iteration = 0; iteration < 20000; ++iteration) {
    Bytes bad = segment;
    size_t batch = next(3);
    size_t begin = starts[batch], end = starts[batch + 1];
    for (uint64_t k = 0, flips = 1 + next(4); k < flips; ++k) {
      size_t at = begin + kAttributesOffset + next(end - begin - kAttributesOffset);
      bad[at] = static_cast<char>(next(256));
    }
    if (next(2) == 0) SealBatchCrc(bad.data() + begin, end - begin);
    if (next(4) == 0) bad.resize(next(bad.size()));
    auto decoded = DecodeSegment(bad);
    if (!decoded.ok()) {
      StatusCode c = decoded.status().code();
      EXPECT_TRUE(IsCorruptionCode(c) || c == StatusCode::kUnimplemented)
          << iteration << ": " << decoded.status().ToString();
    }
  }
}

TEST(SegmentReaderTest, DecompressionIsBounded) {
  Bytes big(4 << 20, 'a');
  Bytes segment = Encode({Rec(0, 0, std::nullopt, big)}, Options(Compression::kZstd));
  DecoderOptions small;
  small.max_uncompressed_batch_bytes = 1 << 20;
  auto decoded = DecodeSegment(segment, small);
  EXPECT_EQ(decoded.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(decoded.status().message().find("max_uncompressed_batch_bytes"), std::string::npos);
}

}  // namespace
}  // namespace strata::format
