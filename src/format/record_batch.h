// Record batch: the unit of Kafka's log format (magic v2) and of a strata segment, which
// is a concatenation of batches. This file holds the byte layout of the 61-byte batch
// header, its parser/verifier, and the decoder of the records section. The layout is
// specified in docs/format-kafka-segments.md ("Record batch", "Record").
//
// Pure functions and value types; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/status.h"
#include "format/kafka_record.h"

namespace strata::format {

// Field positions within a batch (bytes from its first byte).
inline constexpr size_t kBatchLengthOffset = 8;
inline constexpr size_t kPartitionLeaderEpochOffset = 12;
inline constexpr size_t kMagicOffset = 16;
inline constexpr size_t kCrcOffset = 17;
inline constexpr size_t kAttributesOffset = 21;  // the CRC covers from here to the end
inline constexpr size_t kLastOffsetDeltaOffset = 23;
inline constexpr size_t kBaseTimestampOffset = 27;
inline constexpr size_t kMaxTimestampOffset = 35;
inline constexpr size_t kProducerIdOffset = 43;
inline constexpr size_t kProducerEpochOffset = 51;
inline constexpr size_t kBaseSequenceOffset = 53;
inline constexpr size_t kRecordCountOffset = 57;
// Base offset and batch length: the batch length counts the bytes after them.
inline constexpr size_t kLogOverhead = 12;
// Everything before the records section.
inline constexpr size_t kBatchHeaderSize = 61;
inline constexpr int8_t kMagicV2 = 2;

// Attribute bits (the low byte of the int16 attributes field).
inline constexpr int16_t kCompressionMask = 0x07;
inline constexpr int16_t kTimestampTypeBit = 0x08;
inline constexpr int16_t kTransactionalBit = 0x10;
inline constexpr int16_t kControlBit = 0x20;
inline constexpr int16_t kDeleteHorizonBit = 0x40;

// What strata writes where the backup cannot know Kafka's value.
inline constexpr int32_t kNoPartitionLeaderEpoch = -1;
inline constexpr int64_t kNoProducerId = -1;
inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int32_t kNoSequence = -1;

// The fixed fields of a batch, as stored.
struct BatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;  // bytes after this field, to the end of the batch
  int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
  int8_t magic = kMagicV2;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;
  int32_t record_count = 0;

  Compression compression() const {
    return static_cast<Compression>(attributes & kCompressionMask);
  }
  TimestampType timestamp_type() const {
    return (attributes & kTimestampTypeBit) ? TimestampType::kLogAppendTime
                                            : TimestampType::kCreateTime;
  }
  bool transactional() const { return (attributes & kTransactionalBit) != 0; }
  bool control() const { return (attributes & kControlBit) != 0; }
  int64_t last_offset() const { return base_offset + last_offset_delta; }
  // Bytes of the whole batch.
  size_t size() const { return kLogOverhead + static_cast<size_t>(batch_length); }
};

// Writes every field of `h` but the CRC to dst[0, kBatchHeaderSize).
void PutBatchHeader(const BatchHeader& h, char* dst);

// Computes the CRC-32C of a complete batch (over its attributes to its end) and stores
// it in the CRC field. REQUIRES: `size` >= kBatchHeaderSize.
void SealBatchCrc(char* batch, size_t size);

// Parses the batch at the start of `data` and verifies its lengths and CRC. `position` is
// where `data` starts in its object; messages name it. Returns:
//   DataLoss "truncated batch at position N" if `data` ends inside the batch;
//   FailedPrecondition if the magic byte is not 2;
//   DataLoss naming the base offset and position if the length is impossible, the CRC
//     does not match, or the verified header contradicts itself (negative counts,
//     offsets that overflow).
// The records section is not decoded (DecodeRecords does that).
Result<BatchHeader> ReadBatchHeader(ByteView data, uint64_t position);

// Decodes the uncompressed records section of a batch whose header is `h` into views
// that point into `section`, appending to `records` and `headers` (a record's headers
// are a span into `headers`, so `headers` must not change while the views are used).
// Offsets and timestamps come out absolute; in a LogAppendTime batch every record's
// timestamp is the batch's max timestamp, as Kafka reads it. Returns DataLoss (without
// position: the caller adds it) if a record is malformed, its offset is out of order or
// beyond the header's last offset, or the count does not match the bytes.
Status DecodeRecords(const BatchHeader& h, ByteView section, std::vector<KafkaRecordView>* records,
                     std::vector<KafkaHeaderView>* headers);

}  // namespace strata::format
