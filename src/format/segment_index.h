// SegmentIndex: the small object stored next to a segment (its key plus ".idx") that
// lists every batch of the segment with its offset range, byte position and max
// timestamp, so that a restore can fetch only the batches it needs with ranged reads.
// Byte layout: docs/format-kafka-segments.md, "Segment index".
//
// A SegmentIndex is an immutable value once built; thread-safe for concurrent reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace strata::format {

// The suffix of an index object's key (appended to the segment's key).
inline constexpr char kSegmentIndexSuffix[] = ".idx";
inline constexpr uint16_t kSegmentIndexVersion = 1;

struct IndexEntry {
  int64_t base_offset = 0;    // the batch's base offset
  int64_t last_offset = 0;    // base offset + last offset delta
  int64_t position = 0;       // byte position of the batch in the segment
  int64_t max_timestamp = 0;  // the batch header's max timestamp
  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};

// A byte range [begin, end) of a segment.
struct ByteRange {
  int64_t begin = 0;
  int64_t end = 0;
};

class SegmentIndex {
 public:
  // Builds an index of a segment of `segment_size` bytes from its batches' entries.
  // Returns InvalidArgument if the entries are out of order (offsets and positions must
  // increase, each entry's base offset <= last offset, the first position is 0 and all
  // positions lie inside the segment).
  static Result<SegmentIndex> Create(std::vector<IndexEntry> entries, int64_t segment_size);

  // Parses a serialized index. Returns DataLoss if it is truncated, its CRC-32C does not
  // match, its magic is wrong, or its entries are out of order; FailedPrecondition if it
  // has a version this reader does not know.
  static Result<SegmentIndex> Parse(ByteView data);

  // The serialized form (see the format doc); Parse(Serialize()) gives the same index.
  Bytes Serialize() const;

  std::span<const IndexEntry> entries() const { return entries_; }
  int64_t segment_size() const { return segment_size_; }

  // The first batch (its entry index) that holds an offset >= `offset`: the batch that
  // holds `offset`, or the next one if `offset` falls in a gap. nullopt if every offset
  // of the segment is below `offset`.
  std::optional<size_t> FindOffset(int64_t offset) const;

  // The first batch, in offset order, whose max timestamp is >= `timestamp_ms`. Max
  // timestamps need not increase from batch to batch; the search is exact anyway.
  // nullopt if no batch has one.
  std::optional<size_t> FindTimestamp(int64_t timestamp_ms) const;

  // The bytes of batch `i`: from its position to the next batch's, or to the end of the
  // segment. REQUIRES: i < entries().size().
  ByteRange BatchRange(size_t i) const;
  // The bytes from batch `i` to the end of the segment. REQUIRES: i < entries().size().
  ByteRange RangeFrom(size_t i) const;

 private:
  SegmentIndex(std::vector<IndexEntry> entries, int64_t segment_size);

  std::vector<IndexEntry> entries_;
  // running_max_[i] = max over entries_[0..i] of max_timestamp: non-decreasing, so the
  // first entry reaching a timestamp can be found by binary search.
  std::vector<int64_t> running_max_;
  int64_t segment_size_ = 0;
};

}  // namespace strata::format
