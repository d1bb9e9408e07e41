#include "format/segment_builder.h"

#include <algorithm>
#include <utility>

#include "format/crc32c.h"

namespace strata::format {

SegmentBuilder::SegmentBuilder(BatchEncoderOptions options) : encoder_(options) {}

Status SegmentBuilder::Add(const KafkaRecordView& record) {
  if (finished_) return FailedPreconditionError("segment already finished");
  Status s = encoder_.Add(record);
  TakeNewBatches();
  return s;
}

Status SegmentBuilder::Add(const KafkaRecord& record) {
  if (finished_) return FailedPreconditionError("segment already finished");
  Status s = encoder_.Add(record);
  TakeNewBatches();
  return s;
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
    entries_.push_back({b.base_offset, b.last_offset, static_cast<int64_t>(b.position),
                        b.max_timestamp});
    if (summary_.batch_count == 0) {
      summary_.base_offset = b.base_offset;
      summary_.min_timestamp = b.min_timestamp;
      summary_.max_timestamp = b.max_timestamp;
    }
    summary_.last_offset = b.last_offset;
    summary_.min_timestamp = std::min(summary_.min_timestamp, b.min_timestamp);
    summary_.max_timestamp = std::max(summary_.max_timestamp, b.max_timestamp);
    summary_.uncompressed_records_bytes += b.uncompressed_records_bytes;
    ++summary_.batch_count;
    records_ += b.record_count;
  }
}

Result<SegmentSummary> SegmentBuilder::Finish() {
  if (finished_) return FailedPreconditionError("segment already finished");
  STRATA_RETURN_IF_ERROR(encoder_.Flush());
  TakeNewBatches();
  finished_ = true;
  summary_.record_count = records_;
  summary_.size_bytes = encoder_.bytes_finished();
  summary_.crc32c = crc_;
  summary_.sha256_hex = sha_.FinishHex();
  return summary_;
}

Result<SegmentIndex> SegmentBuilder::Index() const {
  if (!finished_) return FailedPreconditionError("segment index requested before Finish()");
  return SegmentIndex::Create(entries_, static_cast<int64_t>(summary_.size_bytes));
}

}  // namespace strata::format
