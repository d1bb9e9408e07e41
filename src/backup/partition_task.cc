#include "backup/partition_task.h"

#include <fmt/format.h>

#include "backup/kafka_backup.h"
#include "backup/repository.h"
#include "backup/segment_uploader.h"

namespace strata::backup {

uint64_t RecordBytes(const kafka::Record& r) {
  uint64_t n = (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
  for (const auto& h : r.headers) n += h.key.size() + (h.value ? h.value->size() : 0);
  return n;
}

uint64_t RecordBytes(const kafka::Message& m) {
  uint64_t n = (m.key() ? m.key()->size() : 0) + (m.value() ? m.value()->size() : 0);
  thread_local std::vector<kafka::Message::HeaderView> headers;
  m.Headers(&headers);
  for (const auto& h : headers) n += h.key.size() + (h.value ? h.value->size() : 0);
  return n;
}

Result<PartitionTask> PartitionTask::Start(const std::string& topic, int32_t partition,
                                           const format::PartitionState* previous, const kafka::Watermarks& wm) {
  PartitionTask t;
  t.topic_ = topic;
  if (previous != nullptr) {
    t.state_ = *previous;
  } else {
    t.state_.partition = partition;
    t.state_.next_offset = wm.low;
  }
  t.state_.log_start_offset = wm.low;
  t.state_.high_watermark = wm.high;
  t.target_ = wm.high;
  if (t.state_.next_offset > wm.high) {
    return FailedPreconditionError(fmt::format(
        "{}/{}: the backup already holds offsets up to {} but the partition ends at {}; the topic was "
        "probably deleted and created again: back it up under another --cluster name",
        topic, partition, t.state_.next_offset, wm.high));
  }
  if (t.state_.next_offset < wm.low) {
    t.new_gaps_.push_back(t.SkipTo(wm.low, "retention"));
  }
  t.done_ = t.state_.next_offset >= t.target_;
  return t;
}

PartitionTask PartitionTask::Adopt(const std::string& topic, const format::PartitionState& state) {
  PartitionTask t;
  t.topic_ = topic;
  t.state_ = state;
  t.target_ = state.high_watermark;
  t.done_ = true;
  return t;
}

std::string PartitionTask::SkipTo(int64_t offset, const std::string& reason) {
  format::OffsetGap gap{state_.next_offset, offset - 1, reason};
  state_.gaps.push_back(gap);
  state_.next_offset = offset;
  return fmt::format("{}/{} offsets {}..{} ({})", topic_, state_.partition, gap.from, gap.to, reason);
}

void PartitionTask::EnsureBuilder(const KafkaBackupOptions& options, BufferRecycler& buffers) {
  if (builder_) return;
  // Room for the whole segment up front: growing by doubling would copy it again and
  // again. Pages the segment does not reach are never touched, so cost no memory.
  buffer_ = buffers.Take(options.segment_bytes + (1 << 20));
  format::BatchEncoderOptions eo;
  eo.zstd_level = options.zstd_level;
  builder_ = std::make_unique<format::SegmentBuilder>(eo);
}

void PartitionTask::TakePending() {
  ByteView pending = builder_->pending();
  if (!pending.empty()) {
    buffer_.append(pending);
    builder_->ClearPending();
  }
}

Result<int64_t> PartitionTask::AddBatch(ByteView batch, const format::CheckedBatch& checked,
                                        const KafkaBackupOptions& options, BufferRecycler& buffers) {
  const format::BatchHeader& h = checked.header;
  if (h.last_offset() < state_.next_offset) return 0;
  std::string where = fmt::format("{}/{} offset {}", topic_, state_.partition, h.base_offset);
  EnsureBuilder(options, buffers);
  int64_t added = h.record_count;
  if (h.base_offset < state_.next_offset) {
    Result<int64_t> tail = AddTail(batch, h);
    if (!tail.ok()) return tail.status().WithContext(where);
    added = *tail;
  } else if (h.record_count > 0) {
    STRATA_RETURN_IF_ERROR(builder_->AddCheckedBatch(checked, batch).WithContext(where));
    TakePending();
    buffer_.append(batch);
  }
  state_.next_offset = h.last_offset() + 1;
  records_read_ += added;
  bytes_read_ += static_cast<int64_t>(batch.size());
  at_end_since_.reset();
  return added;
}

// The records of `batch` from position() on, through the encoder: the batch's first
// records are in the backup already.
Result<int64_t> PartitionTask::AddTail(ByteView batch, const format::BatchHeader& h) {
  format::Decompressor decompressor;
  format::ScratchBuffer scratch;
  ByteView section = batch.substr(format::kBatchHeaderSize);
  if (h.compression() != format::Compression::kNone) {
    STRATA_RETURN_IF_ERROR(decompressor.Decompress(h.compression(), section, batch.size() * 64 + (1 << 20), &scratch));
    section = scratch.view();
  }
  std::vector<format::KafkaRecordView> records;
  std::vector<format::KafkaHeaderView> headers;
  STRATA_RETURN_IF_ERROR(format::DecodeRecords(h, section, &records, &headers));
  int64_t added = 0;
  for (const format::KafkaRecordView& r : records) {
    if (r.offset < state_.next_offset) continue;
    STRATA_RETURN_IF_ERROR(builder_->Add(r));
    ++added;
  }
  TakePending();
  return added;
}

Status PartitionTask::Add(const kafka::Message& r, const KafkaBackupOptions& options, BufferRecycler& buffers) {
  const int64_t offset = r.offset();
  if (offset < state_.next_offset) return OkStatus();
  r.Headers(&header_views_);
  header_scratch_.clear();
  uint64_t bytes = 0;
  for (const auto& h : header_views_) {
    header_scratch_.push_back({h.key, h.value});
    bytes += h.key.size() + (h.value ? h.value->size() : 0);
  }
  format::KafkaRecordView view;
  view.offset = offset;
  view.timestamp_ms = r.timestamp_ms();
  view.timestamp_type = r.timestamp_type() == kafka::TimestampType::kLogAppendTime
                            ? format::TimestampType::kLogAppendTime
                            : format::TimestampType::kCreateTime;
  view.key = r.key();
  view.value = r.value();
  view.headers = header_scratch_;
  return AddRecord(view, options, buffers, bytes);
}

Status PartitionTask::AddRecord(const format::KafkaRecordView& view, const KafkaBackupOptions& options,
                                BufferRecycler& buffers, uint64_t header_bytes) {
  if (view.offset < state_.next_offset) return OkStatus();
  EnsureBuilder(options, buffers);
  STRATA_RETURN_IF_ERROR(
      builder_->Add(view).WithContext(fmt::format("{}/{} offset {}", topic_, state_.partition, view.offset)));
  TakePending();
  state_.next_offset = view.offset + 1;
  ++records_read_;
  bytes_read_ += static_cast<int64_t>(header_bytes + (view.key ? view.key->size() : 0) +
                                      (view.value ? view.value->size() : 0));
  at_end_since_.reset();
  return OkStatus();
}

void PartitionTask::AtEnd(int64_t offset) {
  if (offset > state_.next_offset) state_.next_offset = offset;
  if (!at_end_since_) at_end_since_ = std::chrono::steady_clock::now();
}

bool PartitionTask::StalledAtEnd(std::chrono::steady_clock::duration limit) const {
  return at_end_since_ && std::chrono::steady_clock::now() - *at_end_since_ >= limit;
}

Result<std::optional<SealedSegment>> PartitionTask::Seal(const std::string& cluster, const std::string& run) {
  if (!builder_ || builder_->record_count() == 0) {
    released_ += buffer_.size();
    buffer_.clear();
    builder_.reset();
    return std::optional<SealedSegment>();
  }
  released_ += buffered_bytes();
  STRATA_ASSIGN_OR_RETURN(format::SegmentSummary summary, builder_->Finish());
  buffer_.append(builder_->pending());
  builder_->ClearPending();
  STRATA_ASSIGN_OR_RETURN(format::SegmentIndex index, builder_->Index());
  SealedSegment s;
  s.key = Repository::KafkaSegmentKey(cluster, topic_, state_.partition, summary.base_offset, summary.last_offset,
                                      run, ".log");
  s.index_key = s.key + format::kSegmentIndexSuffix;
  s.data = std::move(buffer_);
  s.crc32c = summary.crc32c;
  s.index = index.Serialize();
  buffer_ = Bytes();
  builder_.reset();
  format::SegmentRef ref;
  ref.key = s.key;
  ref.index_key = s.index_key;
  ref.base_offset = summary.base_offset;
  ref.last_offset = summary.last_offset;
  ref.records = summary.record_count;
  ref.bytes = static_cast<int64_t>(summary.size_bytes);
  ref.min_timestamp = summary.min_timestamp;
  ref.max_timestamp = summary.max_timestamp;
  ref.crc32c = summary.crc32c;
  ref.sha256 = summary.sha256_hex;
  state_.segments.push_back(std::move(ref));
  state_.records += summary.record_count;
  return std::optional<SealedSegment>(std::move(s));
}

}  // namespace strata::backup
