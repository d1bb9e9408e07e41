// BatchEncoder: turns a stream of Kafka records (increasing offsets) into Kafka record
// batches (magic v2), the bytes of a strata segment (docs/format-kafka-segments.md).
//
// Records keep their original offsets, so gaps stay visible. The encoder cuts a batch
// before a record when the batch would grow past max_batch_bytes or max_batch_records,
// when the timestamp type changes, when the offset delta would not fit in 32 bits, and in
// LogAppendTime batches when the timestamp changes (Kafka gives every record of such a
// batch the batch's max timestamp, so one batch holds one append time).
//
// Finished batches accumulate in one reused buffer until ClearFinished(); the encoder
// reuses its buffers and compression context, so steady-state encoding allocates
// nothing per record. Thread-compatible: use one encoder per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "format/codec.h"
#include "format/kafka_record.h"

namespace strata::format {

// The largest record (key, value and headers together) the encoder accepts. Kafka's
// own limits (message.max.bytes) sit far below it.
inline constexpr size_t kMaxRecordBytes = size_t{1} << 30;
inline constexpr int kMinZstdLevel = 1;
inline constexpr int kMaxZstdLevel = 22;

struct BatchEncoderOptions {
  // Codec of each batch's records section: kZstd (default) or kNone.
  Compression compression = Compression::kZstd;
  // zstd level, kMinZstdLevel..kMaxZstdLevel. Default 3; level 1 is faster and a little
  // larger, higher levels are smaller and much slower (19 and up: several times slower).
  int zstd_level = 3;
  // Uncompressed size of a batch's records section that the encoder will not exceed
  // except with a single record larger than it. Default 1 MiB. Larger batches compress
  // better but make readers decompress more to reach one offset and coarsen the index.
  size_t max_batch_bytes = size_t{1} << 20;
  // Records per batch at most. Default: no limit beyond max_batch_bytes.
  int32_t max_batch_records = INT32_MAX;

  // InvalidArgument naming the bad field if a value is out of range (compression other
  // than kNone/kZstd, zstd_level out of range, max_batch_bytes 0 or above
  // kMaxRecordBytes, max_batch_records < 1).
  Status Validate() const;
};

// What the encoder knows about a batch it finished.
struct EncodedBatch {
  int64_t base_offset = 0;  // offset of its first record
  int64_t last_offset = 0;  // offset of its last record
  int32_t record_count = 0;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  int64_t min_timestamp = 0;  // over its records
  int64_t max_timestamp = 0;  // over its records; also the header's max timestamp
  uint64_t position = 0;      // byte position in the encoder's output since it was made
  uint32_t size = 0;          // bytes of the whole batch
  uint64_t uncompressed_records_bytes = 0;  // records section before compression
};

class BatchEncoder {
 public:
  // REQUIRES: options.Validate().ok().
  explicit BatchEncoder(BatchEncoderOptions options = {});

  // Adds a record to the open batch, first finishing that batch if the record cannot
  // join it (see the top of this file). The record's bytes are copied. Returns
  // InvalidArgument (and adds nothing) if the offset is negative or not above the last
  // one added, or the record is larger than kMaxRecordBytes; Internal if compression
  // fails.
  Status Add(const KafkaRecordView& record);
  Status Add(const KafkaRecord& record);

  // Finishes the open batch, if any. Returns Internal if compression fails.
  Status Flush();

  // The finished batches not yet cleared, back to back.
  ByteView finished() const { return out_.view(); }
  // Their metadata, in order.
  std::span<const EncodedBatch> finished_batches() const { return batches_; }
  // Forgets the finished batches (keeping the buffers for reuse).
  void ClearFinished();

  // Offset of the last record added; -1 before the first.
  int64_t last_offset() const { return last_offset_; }
  // Records and uncompressed bytes in the open batch.
  int32_t open_records() const { return open_.count; }
  size_t open_bytes() const { return records_.size(); }
  // Bytes of all batches finished so far, cleared or not.
  uint64_t bytes_finished() const { return cleared_bytes_ + out_.size(); }

  const BatchEncoderOptions& options() const { return options_; }

 private:
  struct OpenBatch {
    int32_t count = 0;
    int64_t base_offset = 0;
    int64_t last_offset = 0;
    int64_t base_timestamp = 0;
    int64_t min_timestamp = 0;
    int64_t max_timestamp = 0;
    TimestampType type = TimestampType::kCreateTime;
  };

  template <typename R>
  Status AddImpl(const R& record);
  bool MustCut(int64_t offset, int64_t timestamp, TimestampType type, size_t max_size) const;

  BatchEncoderOptions options_;
  Compressor compressor_;
  OpenBatch open_;
  Bytes records_;  // uncompressed records section of the open batch
  ScratchBuffer out_;
  std::vector<EncodedBatch> batches_;
  uint64_t cleared_bytes_ = 0;
  int64_t last_offset_ = -1;
};

}  // namespace strata::format
