#include "format/segment_index.h"

#include <algorithm>
#include <string>
#include <utility>

#include "core/check.h"
#include "format/crc32c.h"
#include "format/wire.h"

namespace strata::format {
namespace {

// Layout (all integers big-endian):
//   magic "SKIX" | version u16 | flags u16 (0) | entry count u32 | segment size i64
//   entries: base offset i64 | last offset i64 | position i64 | max timestamp i64
//   CRC-32C u32 over every byte before it
constexpr char kMagic[4] = {'S', 'K', 'I', 'X'};
constexpr size_t kHeaderSize = 20;
constexpr size_t kEntrySize = 32;
constexpr size_t kTrailerSize = 4;

// Empty string if `entries` may index a segment of `segment_size` bytes, else why not.
std::string CheckEntries(std::span<const IndexEntry> entries, int64_t segment_size) {
  if (segment_size < 0) return "negative segment size " + std::to_string(segment_size);
  for (size_t i = 0; i < entries.size(); ++i) {
    const IndexEntry& e = entries[i];
    std::string where = "entry " + std::to_string(i);
    if (e.base_offset < 0 || e.last_offset < e.base_offset) {
      return where + " has offsets " + std::to_string(e.base_offset) + ".." +
             std::to_string(e.last_offset);
    }
    if ((i == 0 && e.position != 0) || e.position < 0 || e.position >= segment_size) {
      return where + " has position " + std::to_string(e.position) + " outside the " +
             std::to_string(segment_size) + "-byte segment";
    }
    if (i > 0 && (e.base_offset <= entries[i - 1].last_offset ||
                  e.position <= entries[i - 1].position)) {
      return where + " does not follow entry " + std::to_string(i - 1);
    }
  }
  return "";
}

}  // namespace

SegmentIndex::SegmentIndex(std::vector<IndexEntry> entries, int64_t segment_size)
    : entries_(std::move(entries)), segment_size_(segment_size) {
  running_max_.reserve(entries_.size());
  for (const IndexEntry& e : entries_) {
    running_max_.push_back(running_max_.empty() ? e.max_timestamp
                                                : std::max(running_max_.back(), e.max_timestamp));
  }
}

Result<SegmentIndex> SegmentIndex::Create(std::vector<IndexEntry> entries, int64_t segment_size) {
  std::string problem = CheckEntries(entries, segment_size);
  if (!problem.empty()) return InvalidArgumentError("segment index: " + problem);
  return SegmentIndex(std::move(entries), segment_size);
}

Result<SegmentIndex> SegmentIndex::Parse(ByteView data) {
  if (data.size() < kHeaderSize + kTrailerSize) {
    return DataLossError("segment index is truncated: " + std::to_string(data.size()) + " bytes");
  }
  ByteView body = data.substr(0, data.size() - kTrailerSize);
  uint32_t stored = GetBig32(data.data() + body.size());
  uint32_t computed = Crc32c(body);
  if (stored != computed) {
    return DataLossError("segment index is corrupt or truncated: CRC-32C mismatch");
  }
  if (!std::equal(std::begin(kMagic), std::end(kMagic), data.begin())) {
    return DataLossError("not a strata segment index (bad magic)");
  }
  const char* p = data.data();
  uint16_t version = GetBig16(p + 4);
  if (version != kSegmentIndexVersion) {
    return FailedPreconditionError("segment index version " + std::to_string(version) +
                                   " is not supported (this strata reads version " +
                                   std::to_string(kSegmentIndexVersion) + "); upgrade strata");
  }
  uint16_t flags = GetBig16(p + 6);
  uint32_t count = GetBig32(p + 8);
  auto segment_size = static_cast<int64_t>(GetBig64(p + 12));
  if (flags != 0) return DataLossError("segment index has unknown flags " + std::to_string(flags));
  if ((body.size() - kHeaderSize) / kEntrySize != count ||
      (body.size() - kHeaderSize) % kEntrySize != 0) {
    return DataLossError("segment index says " + std::to_string(count) + " entries but holds " +
                         std::to_string(body.size() - kHeaderSize) + " bytes of entries");
  }
  std::vector<IndexEntry> entries(count);
  for (uint32_t i = 0; i < count; ++i) {
    const char* e = p + kHeaderSize + size_t{i} * kEntrySize;
    entries[i].base_offset = static_cast<int64_t>(GetBig64(e));
    entries[i].last_offset = static_cast<int64_t>(GetBig64(e + 8));
    entries[i].position = static_cast<int64_t>(GetBig64(e + 16));
    entries[i].max_timestamp = static_cast<int64_t>(GetBig64(e + 24));
  }
  std::string problem = CheckEntries(entries, segment_size);
  if (!problem.empty()) return DataLossError("segment index: " + problem);
  return SegmentIndex(std::move(entries), segment_size);
}

Bytes SegmentIndex::Serialize() const {
  Bytes out(kHeaderSize + entries_.size() * kEntrySize + kTrailerSize, '\0');
  char* p = out.data();
  std::copy(std::begin(kMagic), std::end(kMagic), p);
  PutBig16(p + 4, kSegmentIndexVersion);
  PutBig16(p + 6, 0);
  PutBig32(p + 8, static_cast<uint32_t>(entries_.size()));
  PutBig64(p + 12, static_cast<uint64_t>(segment_size_));
  for (size_t i = 0; i < entries_.size(); ++i) {
    char* e = p + kHeaderSize + i * kEntrySize;
    PutBig64(e, static_cast<uint64_t>(entries_[i].base_offset));
    PutBig64(e + 8, static_cast<uint64_t>(entries_[i].last_offset));
    PutBig64(e + 16, static_cast<uint64_t>(entries_[i].position));
    PutBig64(e + 24, static_cast<uint64_t>(entries_[i].max_timestamp));
  }
  size_t body = out.size() - kTrailerSize;
  PutBig32(p + body, Crc32c(ByteView(p, body)));
  return out;
}

std::optional<size_t> SegmentIndex::FindOffset(int64_t offset) const {
  auto it = std::partition_point(entries_.begin(), entries_.end(),
                                 [offset](const IndexEntry& e) { return e.last_offset < offset; });
  if (it == entries_.end()) return std::nullopt;
  return static_cast<size_t>(it - entries_.begin());
}

std::optional<size_t> SegmentIndex::FindTimestamp(int64_t timestamp_ms) const {
  auto it = std::partition_point(running_max_.begin(), running_max_.end(),
                                 [timestamp_ms](int64_t m) { return m < timestamp_ms; });
  if (it == running_max_.end()) return std::nullopt;
  return static_cast<size_t>(it - running_max_.begin());
}

ByteRange SegmentIndex::BatchRange(size_t i) const {
  STRATA_CHECK(i < entries_.size(), "SegmentIndex::BatchRange past the last entry");
  int64_t end = i + 1 < entries_.size() ? entries_[i + 1].position : segment_size_;
  return {entries_[i].position, end};
}

ByteRange SegmentIndex::RangeFrom(size_t i) const {
  STRATA_CHECK(i < entries_.size(), "SegmentIndex::RangeFrom past the last entry");
  return {entries_[i].position, segment_size_};
}

}  // namespace strata::format
