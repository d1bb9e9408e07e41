// Test helpers for the Kafka segment format: record builders, one-call encoding, and a
// way to rewrite a batch's records section with another codec (for codecs the encoder
// does not write). Used by the format tests only.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "format/batch_encoder.h"
#include "format/kafka_record.h"
#include "format/record_batch.h"
#include "format/segment_builder.h"
#include "format/wire.h"

namespace strata::format::segment_testing {

inline KafkaRecord Rec(int64_t offset, int64_t ts, std::optional<Bytes> key,
                       std::optional<Bytes> value, std::vector<KafkaHeader> headers = {},
                       TimestampType type = TimestampType::kCreateTime) {
  KafkaRecord r;
  r.offset = offset;
  r.timestamp_ms = ts;
  r.timestamp_type = type;
  r.key = std::move(key);
  r.value = std::move(value);
  r.headers = std::move(headers);
  return r;
}

// Encodes `records` with `options` into one byte string (all batches, back to back).
inline Bytes Encode(const std::vector<KafkaRecord>& records, BatchEncoderOptions options,
                    std::vector<EncodedBatch>* batches = nullptr) {
  BatchEncoder encoder(options);
  for (const KafkaRecord& r : records) {
    Status s = encoder.Add(r);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  Status s = encoder.Flush();
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (batches != nullptr) {
    batches->assign(encoder.finished_batches().begin(), encoder.finished_batches().end());
  }
  return Bytes(encoder.finished());
}

inline BatchEncoderOptions Options(Compression c, size_t max_batch_bytes = size_t{1} << 20) {
  BatchEncoderOptions o;
  o.compression = c;
  o.max_batch_bytes = max_batch_bytes;
  return o;
}

// Rebuilds the single batch `batch` with `section` as its records section and
// `compression` in its attributes, fixing the batch length and the CRC.
inline Bytes WithSection(ByteView batch, Compression compression, ByteView section) {
  Bytes out(batch.substr(0, kBatchHeaderSize));
  out.append(section);
  PutBig32(out.data() + kBatchLengthOffset, static_cast<uint32_t>(out.size() - kLogOverhead));
  uint16_t attributes = GetBig16(out.data() + kAttributesOffset);
  attributes = static_cast<uint16_t>((attributes & ~kCompressionMask) |
                                     static_cast<uint16_t>(compression));
  PutBig16(out.data() + kAttributesOffset, attributes);
  SealBatchCrc(out.data(), out.size());
  return out;
}

}  // namespace strata::format::segment_testing
