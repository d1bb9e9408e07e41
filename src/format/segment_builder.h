// SegmentBuilder: builds one segment object, its index and the summary the manifest
// records for it, from a stream of records (docs/format-kafka-segments.md). It wraps a
// BatchEncoder and, as each batch is finished, adds it to the index entries and to the
// summary's counters and checksums (CRC-32C and SHA-256 of the whole object), so nothing
// has to read the segment again.
//
// Pure: the caller moves pending() bytes to storage (e.g. ObjectWriter::Append) and then
// calls ClearPending(). Thread-compatible: one builder per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/status.h"
#include "format/batch_check.h"
#include "format/batch_encoder.h"
#include "format/kafka_record.h"
#include "format/segment_index.h"
#include "format/sha256.h"

namespace strata::format {

// What a manifest records about a segment. Offsets and timestamps are -1 (and meaningless)
// when record_count is 0.
struct SegmentSummary {
  int64_t base_offset = -1;    // offset of the first record
  int64_t last_offset = -1;    // offset of the last record
  int64_t record_count = 0;    // records (fewer than last - base + 1 when there are gaps)
  int64_t batch_count = 0;
  uint64_t size_bytes = 0;     // bytes of the segment object
  uint64_t uncompressed_records_bytes = 0;  // records sections before compression
  int64_t min_timestamp = -1;  // over all records
  int64_t max_timestamp = -1;
  uint32_t crc32c = 0;         // CRC-32C of the whole object
  std::string sha256_hex;      // SHA-256 of the whole object, lowercase hex
  friend bool operator==(const SegmentSummary&, const SegmentSummary&) = default;
};

class SegmentBuilder {
 public:
  // REQUIRES: options.Validate().ok().
  explicit SegmentBuilder(BatchEncoderOptions options = {});

  // Adds a record (see BatchEncoder::Add for when a batch is cut). Returns what
  // BatchEncoder::Add returns, or FailedPrecondition after Finish().
  Status Add(const KafkaRecordView& record);
  Status Add(const KafkaRecord& record);

  // Adds a batch kept as the source encoded it (`batch` is what BatchChecker said of
  // exactly these `bytes`: the segment's CRC is extended with the batch's own). Finishes the
  // open batch first, so pending() may grow: the caller appends pending() to the object,
  // calls ClearPending(), then appends `batch` itself. Returns InvalidArgument if its
  // base offset is not above the last offset added, or `bytes` is not the batch's size;
  // FailedPrecondition after Finish(); Internal if compressing the open batch fails.
  Status AddCheckedBatch(const CheckedBatch& batch, ByteView bytes);

  // Finished batches not yet handed over: append them to the object, then ClearPending().
  ByteView pending() const { return encoder_.finished(); }
  void ClearPending() {
    encoder_.ClearFinished();
    accounted_batches_ = 0;
  }

  // Finishes the open batch and the summary; pending() then holds the object's last
  // bytes. Returns Internal if compression fails, FailedPrecondition if called twice.
  Result<SegmentSummary> Finish();

  // Progress, for deciding when to end a segment: bytes of finished batches, and bytes
  // still in the open batch (uncompressed).
  uint64_t finished_bytes() const { return encoder_.bytes_finished() + kept_bytes_; }
  size_t open_bytes() const { return encoder_.open_bytes(); }
  int64_t record_count() const { return records_ + encoder_.open_records(); }

  // One entry per finished batch, in order.
  const std::vector<IndexEntry>& index_entries() const { return entries_; }
  // The segment's index object. Returns FailedPrecondition before Finish().
  Result<SegmentIndex> Index() const;

 private:
  void TakeNewBatches();
  // Counts a finished batch whose records are summarized by `b` and whose index entry
  // (header offsets, position, header max timestamp) is `entry`.
  void Account(const EncodedBatch& b, const IndexEntry& entry);

  BatchEncoder encoder_;
  std::vector<IndexEntry> entries_;
  SegmentSummary summary_;
  int64_t records_ = 0;  // in finished batches
  size_t accounted_batches_ = 0;  // entries of encoder_.finished_batches() already seen
  uint32_t crc_ = 0;
  Sha256 sha_;
  bool finished_ = false;
  uint64_t kept_bytes_ = 0;       // of batches added by AddCheckedBatch
  int64_t kept_last_offset_ = -1;  // of the last of them
};

}  // namespace strata::format
