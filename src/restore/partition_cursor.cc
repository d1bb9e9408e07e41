#include "restore/partition_cursor.h"

#include <fmt/format.h>

#include "restore/segment_check.h"

namespace strata::restore {

PartitionCursor::PartitionCursor(storage::ObjectStore& store, const PartitionPlan& plan, int64_t from,
                                 std::optional<int64_t> until)
    : store_(store), plan_(plan), from_(from), until_(until) {}

Result<bool> PartitionCursor::OpenSegment() {
  reader_.reset();
  while (next_segment_ < plan_.segments.size()) {
    const format::SegmentRef& ref = plan_.segments[next_segment_++];
    if (ref.records == 0 || ref.last_offset < from_) continue;
    storage::ObjectKey key(ref.key);
    where_ = store_.Describe(key);
    STRATA_ASSIGN_OR_RETURN(format::SegmentIndex index, LoadIndex(store_, ref));
    std::optional<size_t> first = index.FindOffset(from_);
    if (!first) continue;
    if (*first == 0) {
      STRATA_ASSIGN_OR_RETURN(data_, store_.Get(key));
      STRATA_RETURN_IF_ERROR(CheckSegmentObject(data_, ref, index, where_));
      ranged_ = false;
    } else {
      format::ByteRange range = index.RangeFrom(*first);
      storage::ByteRange r{static_cast<uint64_t>(range.begin), static_cast<uint64_t>(range.end - range.begin)};
      STRATA_ASSIGN_OR_RETURN(data_, store_.GetRange(key, r));
      if (data_.size() != r.length) {
        return DataLossError(fmt::format("{}: read {} bytes at position {}, expected {} (object truncated?)", where_,
                                         data_.size(), range.begin, *r.length));
      }
      ranged_ = true;
    }
    entry_ = *first;
    index_ = std::move(index);
    reader_ = std::make_unique<format::SegmentReader>(
        data_, static_cast<uint64_t>(index_->entries()[entry_].position));
    return true;
  }
  return false;
}

Result<std::optional<format::KafkaRecordView>> PartitionCursor::Next() {
  while (true) {
    while (record_ < records_.size()) {
      const format::KafkaRecordView& r = records_[record_++];
      if (r.offset < from_) continue;
      if (until_ && r.timestamp_ms > *until_) continue;
      return std::optional<format::KafkaRecordView>(r);
    }
    if (!reader_) {
      STRATA_ASSIGN_OR_RETURN(bool opened, OpenSegment());
      if (!opened) return std::optional<format::KafkaRecordView>();
    }
    auto more = reader_->Next();
    if (!more.ok()) return Status(more.status().code(), fmt::format("{}: {}", where_, more.status().message()));
    if (!*more) {
      reader_.reset();
      records_ = {};
      continue;
    }
    if (ranged_) {
      if (entry_ >= index_->entries().size()) {
        return DataLossError(fmt::format("{}: more batches than its index lists", where_));
      }
      STRATA_RETURN_IF_ERROR(CheckBatchEntry(reader_->header(), reader_->batch_position(), index_->entries()[entry_], where_));
    }
    ++entry_;
    auto records = reader_->Records();
    if (!records.ok()) return Status(records.status().code(), fmt::format("{}: {}", where_, records.status().message()));
    records_ = *records;
    record_ = 0;
  }
}

}  // namespace strata::restore
