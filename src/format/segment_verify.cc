#include "format/segment_verify.h"

#include <algorithm>
#include <string>

#include "format/crc32c.h"
#include "format/sha256.h"

namespace strata::format {
namespace {

Status Mismatch(const std::string& what, int64_t found, int64_t expected) {
  return DataLossError("segment " + what + " is " + std::to_string(found) + ", its " +
                       "summary or index says " + std::to_string(expected));
}

}  // namespace

Status VerifySegment(ByteView data, const SegmentSummary& summary, const SegmentIndex& index,
                     const DecoderOptions& options) {
  if (data.size() != summary.size_bytes) {
    return Mismatch("size", static_cast<int64_t>(data.size()),
                    static_cast<int64_t>(summary.size_bytes));
  }
  if (index.segment_size() != static_cast<int64_t>(data.size())) {
    return Mismatch("size", static_cast<int64_t>(data.size()), index.segment_size());
  }
  if (Crc32c(data) != summary.crc32c) {
    return DataLossError("segment CRC-32C does not match its summary");
  }
  if (!summary.sha256_hex.empty()) {
    Sha256 sha;
    sha.Update(data);
    if (sha.FinishHex() != summary.sha256_hex) {
      return DataLossError("segment SHA-256 does not match its summary");
    }
  }

  SegmentReader reader(data, 0, options);
  std::span<const IndexEntry> entries = index.entries();
  size_t batches = 0;
  int64_t records = 0;
  int64_t first_offset = -1, last_offset = -1, min_ts = -1, max_ts = -1;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, reader.Next());
    if (!more) break;
    const BatchHeader& h = reader.header();
    if (batches >= entries.size()) {
      return Mismatch("batch count", static_cast<int64_t>(batches + 1),
                      static_cast<int64_t>(entries.size()));
    }
    const IndexEntry& e = entries[batches];
    std::string which = "batch " + std::to_string(batches) + " ";
    if (h.base_offset != e.base_offset) {
      return Mismatch(which + "base offset", h.base_offset, e.base_offset);
    }
    if (h.last_offset() != e.last_offset) {
      return Mismatch(which + "last offset", h.last_offset(), e.last_offset);
    }
    auto position = static_cast<int64_t>(reader.batch_position());
    if (position != e.position) return Mismatch(which + "position", position, e.position);
    if (h.max_timestamp != e.max_timestamp) {
      return Mismatch(which + "max timestamp", h.max_timestamp, e.max_timestamp);
    }
    STRATA_ASSIGN_OR_RETURN(std::span<const KafkaRecordView> decoded, reader.Records());
    for (const KafkaRecordView& r : decoded) {
      if (first_offset < 0) {
        first_offset = r.offset;
        min_ts = max_ts = r.timestamp_ms;
      }
      last_offset = r.offset;
      min_ts = std::min(min_ts, r.timestamp_ms);
      max_ts = std::max(max_ts, r.timestamp_ms);
    }
    records += static_cast<int64_t>(decoded.size());
    ++batches;
  }
  if (batches != entries.size()) {
    return Mismatch("batch count", static_cast<int64_t>(batches),
                    static_cast<int64_t>(entries.size()));
  }
  if (static_cast<int64_t>(batches) != summary.batch_count) {
    return Mismatch("batch count", static_cast<int64_t>(batches), summary.batch_count);
  }
  if (records != summary.record_count) {
    return Mismatch("record count", records, summary.record_count);
  }
  if (records == 0) return OkStatus();
  if (first_offset != summary.base_offset) {
    return Mismatch("base offset", first_offset, summary.base_offset);
  }
  if (last_offset != summary.last_offset) {
    return Mismatch("last offset", last_offset, summary.last_offset);
  }
  if (min_ts != summary.min_timestamp) {
    return Mismatch("min timestamp", min_ts, summary.min_timestamp);
  }
  if (max_ts != summary.max_timestamp) {
    return Mismatch("max timestamp", max_ts, summary.max_timestamp);
  }
  return OkStatus();
}

}  // namespace strata::format
