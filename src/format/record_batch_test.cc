// Byte-level tests of the record batch: a golden batch derived by hand from the Kafka
// record format, and round trips of every record shape a restore must reproduce.
#include "format/record_batch.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "format/batch_encoder.h"
#include "format/crc32c.h"
#include "format/segment_reader.h"
#include "format/segment_test_util.h"
#include "format/wire.h"

namespace strata::format {
namespace {

using segment_testing::Encode;
using segment_testing::Options;
using segment_testing::Rec;

// Reads a hex dump: pairs of hex digits, whitespace ignored, '#' to end of line a comment.
Bytes ReadHexFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  Bytes out;
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string word;
    while (words >> word) out.push_back(static_cast<char>(std::stoi(word, nullptr, 16)));
  }
  return out;
}

std::vector<KafkaRecord> GoldenRecords() {
  return {Rec(5, 1700000000000, Bytes("k"), Bytes("v1"), {{"h", Bytes("x")}}),
          Rec(7, 1700000000002, std::nullopt, Bytes(), {{"h", std::nullopt}})};
}

// The expected bytes were written from the format spec, field by field, not copied from
// the encoder's output. The test checks the golden file against the spec's invariants
// independently of the encoder (its CRC-32C is the one over bytes 21..end, and the batch
// length matches the file size), and then that the encoder reproduces it exactly and the
// decoder reads it back.
TEST(RecordBatchTest, GoldenUncompressedBatch) {
  Bytes golden = ReadHexFile(STRATA_TESTDATA_DIR "/kafka/batch_v2_uncompressed.hex");
  ASSERT_EQ(golden.size(), 85u);
  EXPECT_EQ(GetBig32(golden.data() + kBatchLengthOffset), golden.size() - kLogOverhead);
  EXPECT_EQ(GetBig32(golden.data() + kCrcOffset),
            Crc32c(ByteView(golden).substr(kAttributesOffset)));

  Bytes encoded = Encode(GoldenRecords(), Options(Compression::kNone));
  EXPECT_EQ(encoded, golden);

  auto decoded = DecodeSegment(golden);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, GoldenRecords());
}

TEST(RecordBatchTest, HeaderFieldsForStrataBatches) {
  Bytes encoded = Encode(GoldenRecords(), Options(Compression::kZstd));
  auto h = ReadBatchHeader(encoded, 0);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->base_offset, 5);
  EXPECT_EQ(h->last_offset(), 7);
  EXPECT_EQ(h->partition_leader_epoch, -1);
  EXPECT_EQ(h->magic, 2);
  EXPECT_EQ(h->compression(), Compression::kZstd);
  EXPECT_EQ(h->timestamp_type(), TimestampType::kCreateTime);
  EXPECT_FALSE(h->transactional());
  EXPECT_FALSE(h->control());
  EXPECT_EQ(h->base_timestamp, 1700000000000);
  EXPECT_EQ(h->max_timestamp, 1700000000002);
  EXPECT_EQ(h->producer_id, -1);
  EXPECT_EQ(h->producer_epoch, -1);
  EXPECT_EQ(h->base_sequence, -1);
  EXPECT_EQ(h->record_count, 2);
  EXPECT_EQ(h->size(), encoded.size());
}

class RoundTripTest : public ::testing::TestWithParam<Compression> {
 protected:
  void ExpectRoundTrip(const std::vector<KafkaRecord>& records, BatchEncoderOptions options,
                       size_t min_batches = 1) {
    std::vector<EncodedBatch> batches;
    Bytes encoded = Encode(records, options, &batches);
    EXPECT_GE(batches.size(), min_batches);
    auto decoded = DecodeSegment(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    ASSERT_EQ(decoded->size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      ASSERT_EQ((*decoded)[i], records[i]) << "record " << i;
    }
  }
  BatchEncoderOptions Opts(size_t max_batch_bytes = size_t{1} << 20) {
    return Options(GetParam(), max_batch_bytes);
  }
};

TEST_P(RoundTripTest, NullAndEmptyStayDistinct) {
  ExpectRoundTrip({Rec(0, 1, std::nullopt, std::nullopt), Rec(1, 1, Bytes(), Bytes()),
                   Rec(2, 1, std::nullopt, Bytes()), Rec(3, 1, Bytes(), std::nullopt),
                   Rec(4, 1, Bytes("k"), std::nullopt, {{"", std::nullopt}, {"", Bytes()}})},
                  Opts());
}

TEST_P(RoundTripTest, HeadersKeepOrderDuplicatesAndNulls) {
  ExpectRoundTrip({Rec(10, 5, Bytes("k"), Bytes("v"),
                       {{"b", Bytes("1")}, {"a", Bytes("2")}, {"b", Bytes("1")},
                        {"n", std::nullopt}, {"e", Bytes()}, {"b", std::nullopt}})},
                  Opts());
}

TEST_P(RoundTripTest, UnicodeAndBinaryBytes) {
  Bytes binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  ExpectRoundTrip({Rec(0, 0, Bytes("ключ-キー-🔑"), binary,
                       {{"ヘッダー", Bytes("\0\xff\0", 3)}}),
                   Rec(1, 0, binary, Bytes("значение \xf0\x9f\x98\x80"), {{binary, binary}})},
                  Opts());
}

TEST_P(RoundTripTest, OffsetGapsAndHugeOffsetDeltas) {
  const int64_t big = std::numeric_limits<int32_t>::max();
  ExpectRoundTrip({Rec(3, 0, Bytes("a"), Bytes("a")), Rec(4, 0, Bytes("b"), Bytes("b")),
                   Rec(100, 0, Bytes("c"), Bytes("c")), Rec(big + 3, 0, Bytes("d"), Bytes("d")),
                   Rec(big + 4, 0, Bytes("e"), Bytes("e")),
                   Rec(std::numeric_limits<int64_t>::max(), 0, Bytes("f"), Bytes("f"))},
                  Opts(), /*min_batches=*/3);
}

TEST_P(RoundTripTest, NegativeZeroAndExtremeTimestamps) {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  ExpectRoundTrip({Rec(0, 0, Bytes("a"), Bytes("a")), Rec(1, -1, Bytes("b"), Bytes("b")),
                   Rec(2, -1700000000000, Bytes("c"), Bytes("c")),
                   Rec(3, hi, Bytes("d"), Bytes("d")),
                   Rec(4, lo, Bytes("e"), Bytes("e")), Rec(5, 42, Bytes("f"), Bytes("f"))},
                  Opts());
}

TEST_P(RoundTripTest, LogAppendTimeAndMixedTypes) {
  auto lat = TimestampType::kLogAppendTime;
  std::vector<KafkaRecord> records = {
      Rec(0, 100, Bytes("a"), Bytes("1"), {}, lat), Rec(1, 100, Bytes("b"), Bytes("2"), {}, lat),
      Rec(2, 101, Bytes("c"), Bytes("3"), {}, lat), Rec(3, 50, Bytes("d"), Bytes("4")),
      Rec(4, 40, Bytes("e"), Bytes("5")), Rec(5, 102, Bytes("f"), Bytes("6"), {}, lat)};
  std::vector<EncodedBatch> batches;
  Encode(records, Opts(), &batches);
  // One batch per append time and per type change: [0,1] [2] [3,4] [5].
  ASSERT_EQ(batches.size(), 4u);
  EXPECT_EQ(batches[0].record_count, 2);
  EXPECT_EQ(batches[2].timestamp_type, TimestampType::kCreateTime);
  EXPECT_EQ(batches[2].max_timestamp, 50);
  EXPECT_EQ(batches[2].min_timestamp, 40);
  ExpectRoundTrip(records, Opts(), 4);
}

TEST_P(RoundTripTest, LargeRecords) {
  Bytes big(size_t{3} << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
  ExpectRoundTrip({Rec(0, 1, Bytes("small"), Bytes("x")), Rec(1, 2, Bytes("big"), big),
                   Rec(2, 3, big.substr(0, (1 << 20) + 1), Bytes("y"),
                       {{"h", big.substr(7, 70000)}}),
                   Rec(3, 4, Bytes("after"), Bytes("z"))},
                  Opts(), /*min_batches=*/3);
}

TEST_P(RoundTripTest, ThousandsOfRecordsAcrossBatches) {
  std::vector<KafkaRecord> records;
  for (int i = 0; i < 5000; ++i) {
    records.push_back(Rec(1000 + i * 2, 1700000000000 + i % 17, Bytes("key-" + std::to_string(i)),
                          Bytes(200 + i % 300, static_cast<char>('a' + i % 26)),
                          {{"i", Bytes(std::to_string(i))}}));
  }
  ExpectRoundTrip(records, Opts(64 * 1024), /*min_batches=*/10);
}

TEST_P(RoundTripTest, MaxBatchRecords) {
  BatchEncoderOptions o = Opts();
  o.max_batch_records = 3;
  std::vector<KafkaRecord> records;
  for (int i = 0; i < 10; ++i) records.push_back(Rec(i, i, std::nullopt, Bytes("v")));
  std::vector<EncodedBatch> batches;
  Encode(records, o, &batches);
  ASSERT_EQ(batches.size(), 4u);
  EXPECT_EQ(batches[3].record_count, 1);
  EXPECT_EQ(batches[1].base_offset, 3);
  EXPECT_EQ(batches[1].last_offset, 5);
  EXPECT_EQ(batches[1].position, batches[0].size);
  ExpectRoundTrip(records, o, 4);
}

INSTANTIATE_TEST_SUITE_P(Codecs, RoundTripTest,
                         ::testing::Values(Compression::kNone, Compression::kZstd),
                         [](const auto& info) { return CompressionName(info.param); });

TEST(BatchEncoderTest, RejectsBadOffsets) {
  BatchEncoder encoder(Options(Compression::kZstd));
  auto add = [&encoder](int64_t offset) {
    return encoder.Add(Rec(offset, 0, std::nullopt, std::nullopt)).code();
  };
  EXPECT_EQ(add(-1), StatusCode::kInvalidArgument);
  ASSERT_EQ(add(5), StatusCode::kOk);
  EXPECT_EQ(add(5), StatusCode::kInvalidArgument);
  EXPECT_EQ(add(4), StatusCode::kInvalidArgument);
  EXPECT_EQ(encoder.open_records(), 1);
  EXPECT_EQ(encoder.last_offset(), 5);
}

TEST(BatchEncoderTest, ValidatesOptions) {
  BatchEncoderOptions o;
  EXPECT_TRUE(o.Validate().ok());
  o.compression = Compression::kGzip;
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o = {};
  o.zstd_level = 0;
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o = {};
  o.max_batch_bytes = 0;
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o = {};
  o.max_batch_records = 0;
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
}

TEST(BatchEncoderTest, ViewsEncodeLikeOwnedRecords) {
  std::vector<KafkaHeaderView> headers = {{"h", ByteView("1")}, {"h", std::nullopt}};
  KafkaRecordView view{9, 77, TimestampType::kCreateTime, ByteView("k"), std::nullopt, headers};
  BatchEncoder a(Options(Compression::kNone));
  BatchEncoder b(Options(Compression::kNone));
  ASSERT_TRUE(a.Add(view).ok());
  ASSERT_TRUE(b.Add(ToRecord(view)).ok());
  ASSERT_TRUE(a.Flush().ok());
  ASSERT_TRUE(b.Flush().ok());
  EXPECT_EQ(a.finished(), b.finished());
  a.ClearFinished();
  EXPECT_TRUE(a.finished().empty());
  EXPECT_EQ(a.bytes_finished(), b.finished().size());
}

}  // namespace
}  // namespace strata::format
