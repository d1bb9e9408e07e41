#include "kafka/fetch_protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace strata::kafka::wire {
namespace {

// Batch header positions (magic v2; magic 0 and 1 keep the magic byte at the same place).
constexpr size_t kLengthAt = 8;
constexpr size_t kMagicAt = 16;
constexpr size_t kAttributesAt = 21;
constexpr size_t kLastOffsetDeltaAt = 23;
constexpr size_t kProducerIdAt = 43;
constexpr size_t kRecordCountAt = 57;
constexpr size_t kHeaderSize = 61;
constexpr size_t kLogOverhead = 12;
constexpr int16_t kCompressionMask = 0x07;
constexpr int16_t kTransactionalBit = 0x10;
constexpr int16_t kControlBit = 0x20;
constexpr int16_t kGzip = 1;
constexpr int16_t kSnappy = 2;
constexpr int16_t kAbortMarker = 0;
constexpr int32_t kNoReplica = -1;
constexpr int32_t kNoSession = 0;
constexpr int32_t kNoSessionEpoch = -1;
constexpr int32_t kNoLeaderEpoch = -1;
constexpr int64_t kNoLogStart = -1;

class Writer {
 public:
  void I8(int8_t v) { out_.push_back(static_cast<char>(v)); }
  void I16(int16_t v) { Big(static_cast<uint16_t>(v), 2); }
  void I32(int32_t v) { Big(static_cast<uint32_t>(v), 4); }
  void I64(int64_t v) { Big(static_cast<uint64_t>(v), 8); }
  void Str(std::string_view s) {
    I16(static_cast<int16_t>(s.size()));
    out_.append(s);
  }
  std::string Take() {
    Writer size;
    size.I32(static_cast<int32_t>(out_.size()));
    return size.out_ + out_;
  }

 private:
  void Big(uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  std::string out_;
};

uint64_t GetBig(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  int16_t I16() { return static_cast<int16_t>(Big(2)); }
  int32_t I32() { return static_cast<int32_t>(Big(4)); }
  int64_t I64() { return static_cast<int64_t>(Big(8)); }
  std::string_view Bytes(size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return {};
    }
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  std::string_view Str() {
    int16_t n = I16();
    return n < 0 ? std::string_view() : Bytes(static_cast<size_t>(n));
  }
  // An array count; -1 (null) reads as 0. Fails on counts the remaining bytes cannot hold.
  int32_t Count() {
    int32_t n = I32();
    if (n < -1 || static_cast<size_t>(std::max(n, 0)) > data_.size() - std::min(pos_, data_.size())) ok_ = false;
    return ok_ ? std::max(n, 0) : 0;
  }

 private:
  uint64_t Big(int bytes) {
    std::string_view b = Bytes(static_cast<size_t>(bytes));
    return ok_ ? GetBig(b.data(), bytes) : 0;
  }
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Skips a zig-zag varint; false if it runs past `end`.
bool SkipVarint(const char*& p, const char* end) {
  for (int i = 0; i < 10 && p < end; ++i) {
    if ((static_cast<unsigned char>(*p++) & 0x80) == 0) return true;
  }
  return false;
}

// The control record's type (0 abort, 1 commit) of an uncompressed control batch; -1 if
// it cannot be read. Record: length, attributes, timestamp delta, offset delta, key
// length (varints but attributes), then the key: version int16, type int16.
int16_t ControlType(std::string_view batch) {
  const char* p = batch.data() + kHeaderSize;
  const char* end = batch.data() + batch.size();
  if (!SkipVarint(p, end) || ++p > end || !SkipVarint(p, end) || !SkipVarint(p, end) || !SkipVarint(p, end)) {
    return -1;
  }
  if (end - p < 4) return -1;
  return static_cast<int16_t>(GetBig(p + 2, 2));
}

}  // namespace

bool IsLeadershipError(int16_t code) {
  switch (code) {
    case kUnknownTopicOrPartition:
    case kLeaderNotAvailable:
    case kNotLeaderOrFollower:
    case kReplicaNotAvailable:
    case kKafkaStorageError:
    case kFencedLeaderEpoch:
    case kUnknownLeaderEpoch:
    case kOffsetNotAvailable:
      return true;
    default:
      return false;
  }
}

std::string EncodeFetchRequest(const FetchRequest& r) {
  Writer w;
  w.I16(kFetchApiKey);
  w.I16(kFetchVersion);
  w.I32(r.correlation_id);
  w.Str(r.client_id);
  w.I32(kNoReplica);
  w.I32(r.max_wait_ms);
  w.I32(r.min_bytes);
  w.I32(r.max_bytes);
  w.I8(r.isolation == Isolation::kReadCommitted ? 1 : 0);
  w.I32(kNoSession);
  w.I32(kNoSessionEpoch);
  w.I32(static_cast<int32_t>(r.topics.size()));
  for (const FetchTopic& t : r.topics) {
    w.Str(t.topic);
    w.I32(static_cast<int32_t>(t.partitions.size()));
    for (const FetchPartition& p : t.partitions) {
      w.I32(p.partition);
      w.I32(kNoLeaderEpoch);
      w.I64(p.offset);
      w.I64(kNoLogStart);
      w.I32(p.max_bytes);
    }
  }
  w.I32(0);   // forgotten topics (sessions only)
  w.Str("");  // rack id
  return w.Take();
}

Result<FetchResponse> DecodeFetchResponse(std::string_view body) {
  Reader r(body);
  FetchResponse resp;
  resp.correlation_id = r.I32();
  r.I32();  // throttle time
  resp.error = r.I16();
  r.I32();  // session id
  int32_t topics = r.Count();
  for (int32_t t = 0; t < topics && r.ok(); ++t) {
    FetchedTopic& topic = resp.topics.emplace_back();
    topic.topic = std::string(r.Str());
    int32_t parts = r.Count();
    for (int32_t i = 0; i < parts && r.ok(); ++i) {
      FetchedPartition& p = topic.partitions.emplace_back();
      p.partition = r.I32();
      p.error = r.I16();
      p.high_watermark = r.I64();
      p.last_stable_offset = r.I64();
      p.log_start_offset = r.I64();
      int32_t aborted = r.Count();
      for (int32_t a = 0; a < aborted && r.ok(); ++a) {
        int64_t producer = r.I64();
        p.aborted.push_back({producer, r.I64()});
      }
      r.I32();  // preferred read replica
      int32_t size = r.I32();
      if (size > 0) p.records = r.Bytes(static_cast<size_t>(size));
    }
  }
  if (!r.ok()) return DataLossError("malformed Fetch response: it ends inside a field");
  return resp;
}

Result<FilteredRecords> FilterBatches(std::string_view records, int64_t fetch_offset, Isolation isolation,
                                      std::vector<AbortedTransaction> aborted) {
  // Kafka's consumer: aborted transactions in order of their first offset; a producer's
  // transactional batches are dropped from the first offset of its aborted transaction
  // until its abort marker.
  std::sort(aborted.begin(), aborted.end(),
            [](const AbortedTransaction& a, const AbortedTransaction& b) { return a.first_offset < b.first_offset; });
  size_t next_aborted = 0;
  std::set<int64_t> aborting;
  FilteredRecords out;
  out.next_offset = fetch_offset;
  size_t pos = 0;
  while (records.size() - pos > kMagicAt) {
    const char* b = records.data() + pos;
    auto length = static_cast<int32_t>(GetBig(b + kLengthAt, 4));
    int64_t base = static_cast<int64_t>(GetBig(b, 8));
    auto magic = static_cast<int8_t>(b[kMagicAt]);
    if (magic != 2) {
      return UnimplementedError(fmt::format(
          "offset {}: a message set of magic {} (written by a client older than Kafka 0.11); the raw reader "
          "keeps only magic 2 batches: use --reader librdkafka",
          base, magic));
    }
    if (length < static_cast<int32_t>(kHeaderSize - kLogOverhead)) {
      return DataLossError(fmt::format("offset {}: batch length {} is too small", base, length));
    }
    size_t size = kLogOverhead + static_cast<size_t>(length);
    if (records.size() - pos < size) break;  // partial: fetched again next time
    std::string_view batch = records.substr(pos, size);
    pos += size;
    auto attributes = static_cast<int16_t>(GetBig(b + kAttributesAt, 2));
    int64_t last = base + static_cast<int32_t>(GetBig(b + kLastOffsetDeltaAt, 4));
    auto producer = static_cast<int64_t>(GetBig(b + kProducerIdAt, 8));
    out.next_offset = std::max(out.next_offset, last + 1);
    bool control = (attributes & kControlBit) != 0;
    if (isolation == Isolation::kReadCommitted && producer >= 0) {
      while (next_aborted < aborted.size() && aborted[next_aborted].first_offset <= last) {
        aborting.insert(aborted[next_aborted++].producer_id);
      }
      if (control) {
        if (ControlType(batch) == kAbortMarker) aborting.erase(producer);
        continue;
      }
      if ((attributes & kTransactionalBit) != 0 && aborting.count(producer) > 0) continue;
    }
    if (control || last < fetch_offset) continue;
    int16_t codec = attributes & kCompressionMask;
    if (codec == kGzip || codec == kSnappy) {
      return UnimplementedError(fmt::format(
          "offset {}: batch compressed with {}; the raw reader stores batches as they are, and strata "
          "stores only zstd, lz4 or uncompressed batches: use --reader librdkafka for this topic",
          base, codec == kGzip ? "gzip" : "snappy"));
    }
    out.kept.push_back({batch, base, last, static_cast<int32_t>(GetBig(b + kRecordCountAt, 4))});
  }
  return out;
}

}  // namespace strata::kafka::wire
