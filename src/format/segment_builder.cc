#include "format/segment_builder.h"

#include <algorithm>
#include <utility>

#include "format/crc32c.h"

namespace strata::format {

SegmentBuilder::SegmentBuilder(BatchEncoderOptions options) : encoder_(options) {}

Status SegmentBuilder::Add(const KafkaRecordView& record) {
  if (finished_) return FailedPreconditionError("segment already finished");
  if (record.offset <= kept_last_offset_) return InvalidArgumentError("record offset is not above the last one");
  Status s = encoder_.Add(record);
  TakeNewBatches();
  return s;
}

Status SegmentBuilder::Add(const KafkaRecord& record) {
  if (finished_) return FailedPreconditionError("segment already finished");
  if (record.offset <= kept_last_offset_) return InvalidArgumentError("record offset is not above the last one");
  Status s = encoder_.Add(record);
  TakeNewBatches();
  return s;
}

Status SegmentBuilder::AddCheckedBatch(const CheckedBatch& batch, ByteView bytes) {
  if (finished_) return FailedPreconditionError("segment already finished");
  const BatchHeader& h = batch.header;
  if (bytes.size() != h.size()) return InvalidArgumentError("batch size does not match its header");
  if (h.base_offset <= std::max(kept_last_offset_, encoder_.last_offset())) {
    return InvalidArgumentError("batch at offset " + std::to_string(h.base_offset) +
                                " is not above the last offset added");
  }
  STRATA_RETURN_IF_ERROR(encoder_.Flush());
  TakeNewBatches();
  EncodedBatch b;
  b.base_offset = batch.first_record_offset;
  b.last_offset = batch.last_record_offset;
  b.record_count = h.record_count;
  b.min_timestamp = batch.min_timestamp;
  b.max_timestamp = batch.max_timestamp;
  b.uncompressed_records_bytes = batch.uncompressed_records_bytes;
  Account(b, {h.base_offset, h.last_offset(), static_cast<int64_t>(finished_bytes()), h.max_timestamp});
  // The batch's CRC field covers its bytes from the attributes on, and was checked: the
  // segment's CRC extends over the fields before it, then takes the rest from it.
  crc_ = Crc32cCombine(Crc32cExtend(crc_, bytes.substr(0, kAttributesOffset)), h.crc, bytes.size() - kAttributesOffset);
  sha_.Update(bytes);
  kept_bytes_ += bytes.size();
  kept_last_offset_ = h.last_offset();
  return OkStatus();
}

void SegmentBuilder::Account(const EncodedBatch& b, const IndexEntry& entry) {
  entries_.push_back(entry);
  if (b.record_count > 0) {
    if (records_ == 0) {
      summary_.base_offset = b.base_offset;
      summary_.min_timestamp = b.min_timestamp;
      summary_.max_timestamp = b.max_timestamp;
    }
    summary_.min_timestamp = std::min(summary_.min_timestamp, b.min_timestamp);
    summary_.max_timestamp = std::max(summary_.max_timestamp, b.max_timestamp);
    summary_.last_offset = b.last_offset;
  }
  summary_.uncompressed_records_bytes += b.uncompressed_records_bytes;
  ++summary_.batch_count;
  records_ += b.record_count;
}

void SegmentBuilder::TakeNewBatches() {
  std::span<const EncodedBatch> batches = encoder_.finished_batches();
  ByteView bytes = encoder_.finished();
  uint64_t bytes_start = encoder_.bytes_finished() - bytes.size();
  for (; accounted_batches_ < batches.size(); ++accounted_batches_) {
    const EncodedBatch& b = batches[accounted_batches_];
    ByteView batch = bytes.substr(b.position - bytes_start, b.size);
    crc_ = Crc32cExtend(crc_, batch);
    sha_.Update(batch);
    // Batches kept whole went in before this one (AddCheckedBatch flushes the encoder).
    Account(b, {b.base_offset, b.last_offset, static_cast<int64_t>(b.position + kept_bytes_), b.max_timestamp});
  }
}

Result<SegmentSummary> SegmentBuilder::Finish() {
  if (finished_) return FailedPreconditionError("segment already finished");
  STRATA_RETURN_IF_ERROR(encoder_.Flush());
  TakeNewBatches();
  finished_ = true;
  summary_.record_count = records_;
  summary_.size_bytes = finished_bytes();
  summary_.crc32c = crc_;
  summary_.sha256_hex = sha_.FinishHex();
  return summary_;
}

Result<SegmentIndex> SegmentBuilder::Index() const {
  if (!finished_) return FailedPreconditionError("segment index requested before Finish()");
  return SegmentIndex::Create(entries_, static_cast<int64_t>(summary_.size_bytes));
}

}  // namespace strata::format
