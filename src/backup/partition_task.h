// PartitionTask: the backup of one topic partition within a run: where reading starts
// and must end, the segment being built, and the partition's manifest state (earlier
// segments and gaps plus the ones this run adds). Not thread-safe: the job's reading
// thread owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "format/kafka_manifest.h"
#include "format/batch_check.h"
#include "format/kafka_record.h"
#include "format/segment_builder.h"
#include "kafka/consumer.h"
#include "kafka/record.h"

namespace strata::backup {

struct KafkaBackupOptions;
class BufferRecycler;

struct SealedSegment {
  std::string key;
  std::string index_key;
  Bytes data;
  uint32_t crc32c = 0;  // of data
  Bytes index;
};

// Key, value and header bytes of a record (what "bytes read" counts).
uint64_t RecordBytes(const kafka::Record& r);
uint64_t RecordBytes(const kafka::Message& m);

class PartitionTask {
 public:
  // Starts from the previous manifest's state of this partition (nullptr: first backup)
  // and the watermarks now. Offsets the broker deleted since (below `wm.low`) become a
  // "retention" gap. FailedPrecondition if the backup is ahead of the log (the topic was
  // deleted and created again).
  static Result<PartitionTask> Start(const std::string& topic, int32_t partition,
                                     const format::PartitionState* previous, const kafka::Watermarks& wm);

  // A partition another process backs up, as its newest manifest left it: nothing to
  // read, only its state to carry into this process's manifests.
  static PartitionTask Adopt(const std::string& topic, const format::PartitionState& state);

  const std::string& topic() const { return topic_; }
  int32_t partition() const { return state_.partition; }
  int64_t position() const { return state_.next_offset; }
  int64_t target() const { return target_; }
  bool done() const { return done_; }
  void MarkDone() { done_ = true; }
  int64_t records_read() const { return records_read_; }
  int64_t bytes_read() const { return bytes_read_; }
  uint64_t buffered_bytes() const { return buffer_.size() + (builder_ ? builder_->open_bytes() : 0); }
  const format::PartitionState& state() const { return state_; }
  // Gaps found by Start (for the run's report).
  const std::vector<std::string>& new_gaps() const { return new_gaps_; }

  // Adds a record read from the partition. Records at offsets below position() (a
  // re-delivery) are ignored.
  Status Add(const kafka::Message& record, const KafkaBackupOptions& options, BufferRecycler& buffers);
  // The same for a record from elsewhere (an import); `header_bytes` are its headers'
  // bytes, for bytes_read().
  Status AddRecord(const format::KafkaRecordView& record, const KafkaBackupOptions& options, BufferRecycler& buffers,
                   uint64_t header_bytes = 0);
  // Adds a batch kept as the source wrote it (the raw reader), already checked by
  // format::BatchChecker: it goes into the segment byte for byte. A batch wholly below
  // position() is ignored; one that starts below it (a run resuming inside a batch) has
  // its records from position() on re-encoded instead. Returns the records added;
  // errors name the partition. A new segment's buffer comes from `buffers`.
  Result<int64_t> AddBatch(ByteView batch, const format::CheckedBatch& checked, const KafkaBackupOptions& options,
                           BufferRecycler& buffers);
  // The reader passed offsets up to `offset` (transaction markers, aborted batches).
  void SkipPast(int64_t offset) {
    if (offset > state_.next_offset) state_.next_offset = offset;
  }
  // The consumer reached the end of the partition at `offset`.
  void AtEnd(int64_t offset);
  // True when the consumer has been at the partition's end, below the target, for `limit`.
  bool StalledAtEnd(std::chrono::steady_clock::duration limit) const;
  // Records offsets [position(), offset) as a gap (`reason`) and continues at `offset`.
  // Returns the gap's description. REQUIRES: no segment in progress.
  std::string SkipTo(int64_t offset, const std::string& reason);
  void SetHighWatermark(int64_t high) { state_.high_watermark = high; }

  // Ends the segment in progress: its manifest entry joins state(), and its bytes are
  // returned for upload. nullopt if there was none.
  Result<std::optional<SealedSegment>> Seal(const std::string& cluster, const std::string& run);
  // Bytes the last Seal released from buffered_bytes() (the job's memory accounting).
  uint64_t take_released_bytes() {
    uint64_t r = released_;
    released_ = 0;
    return r;
  }

 private:
  void EnsureBuilder(const KafkaBackupOptions& options, BufferRecycler& buffers);
  // Moves the builder's finished batches into buffer_.
  void TakePending();
  Result<int64_t> AddTail(ByteView batch, const format::BatchHeader& header);

  std::string topic_;
  format::PartitionState state_;
  int64_t target_ = 0;
  bool done_ = false;
  std::unique_ptr<format::SegmentBuilder> builder_;
  Bytes buffer_;  // finished batches of the segment in progress
  uint64_t released_ = 0;
  int64_t records_read_ = 0;
  int64_t bytes_read_ = 0;
  std::optional<std::chrono::steady_clock::time_point> at_end_since_;
  std::vector<kafka::Message::HeaderView> header_views_;
  std::vector<format::KafkaHeaderView> header_scratch_;
  std::vector<std::string> new_gaps_;
};

}  // namespace strata::backup
