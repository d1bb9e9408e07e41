#include "restore/segment_check.h"

#include <fmt/format.h>

#include "format/crc32c.h"
#include "format/segment_reader.h"
#include "format/segment_verify.h"

namespace strata::restore {

format::SegmentSummary SummaryOf(const format::SegmentRef& ref, const format::SegmentIndex& index) {
  format::SegmentSummary s;
  s.base_offset = ref.records > 0 ? ref.base_offset : -1;
  s.last_offset = ref.records > 0 ? ref.last_offset : -1;
  s.record_count = ref.records;
  s.batch_count = static_cast<int64_t>(index.entries().size());
  s.size_bytes = static_cast<uint64_t>(ref.bytes);
  s.min_timestamp = ref.records > 0 ? ref.min_timestamp : -1;
  s.max_timestamp = ref.records > 0 ? ref.max_timestamp : -1;
  s.crc32c = ref.crc32c;
  s.sha256_hex = ref.sha256;
  return s;
}

Result<format::SegmentIndex> LoadIndex(storage::ObjectStore& store, const format::SegmentRef& ref) {
  storage::ObjectKey key(ref.index_key);
  STRATA_ASSIGN_OR_RETURN(Bytes bytes, store.Get(key));
  auto index = format::SegmentIndex::Parse(bytes);
  if (!index.ok()) return Status(index.status().code(), fmt::format("{}: {}", store.Describe(key), index.status().message()));
  if (index->segment_size() != ref.bytes) {
    return DataLossError(fmt::format("{}: describes a segment of {} bytes, the manifest says {}", store.Describe(key),
                                     index->segment_size(), ref.bytes));
  }
  return index;
}

namespace {

// Walks the batches to find the first one whose own checks fail.
Status FirstBadBatch(ByteView data, const format::SegmentIndex& index) {
  format::SegmentReader reader(data);
  size_t i = 0;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, reader.Next());
    if (!more) return OkStatus();
    if (i < index.entries().size()) {
      STRATA_RETURN_IF_ERROR(CheckBatchEntry(reader.header(), reader.batch_position(), index.entries()[i], "segment"));
    }
    STRATA_RETURN_IF_ERROR(reader.Records().status());
    ++i;
  }
}

}  // namespace

Status CheckSegmentObject(ByteView data, const format::SegmentRef& ref, const format::SegmentIndex& index,
                          const std::string& where) {
  if (data.size() == static_cast<size_t>(ref.bytes) && format::Crc32c(data) != ref.crc32c) {
    Status bad = FirstBadBatch(data, index);
    if (!bad.ok()) return DataLossError(fmt::format("{}: {}", where, bad.message()));
    return DataLossError(fmt::format(
        "{}: CRC-32C {:08x} does not match the manifest's {:08x} (the batches check out: bytes outside their "
        "checksums changed)",
        where, format::Crc32c(data), ref.crc32c));
  }
  Status s = format::VerifySegment(data, SummaryOf(ref, index), index);
  if (!s.ok()) return Status(s.code(), fmt::format("{}: {}", where, s.message()));
  return OkStatus();
}

Status CheckBatchEntry(const format::BatchHeader& header, uint64_t position, const format::IndexEntry& e,
                       const std::string& where) {
  if (static_cast<int64_t>(position) != e.position || header.base_offset != e.base_offset ||
      header.last_offset() != e.last_offset || header.max_timestamp != e.max_timestamp) {
    return DataLossError(fmt::format(
        "{}: batch at position {} (base offset {}, last offset {}, max timestamp {}) does not match its index entry "
        "(position {}, offsets {}..{}, max timestamp {})",
        where, position, header.base_offset, header.last_offset(), header.max_timestamp, e.position, e.base_offset,
        e.last_offset, e.max_timestamp));
  }
  return OkStatus();
}

}  // namespace strata::restore
