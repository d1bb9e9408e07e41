#include "format/batch_encoder.h"

#include <limits>
#include <optional>
#include <string>

#include "core/check.h"
#include "format/record_batch.h"
#include "format/wire.h"

namespace strata::format {
namespace {

// Bytes a record adds beyond its key, value and headers, at most: length varint,
// attributes, timestamp delta varlong, offset delta varint.
constexpr size_t kMaxRecordOverhead = kMaxVarintSize + 1 + kMaxVarlongSize + kMaxVarintSize;

std::optional<ByteView> AsView(const std::optional<ByteView>& v) { return v; }
std::optional<ByteView> AsView(const std::optional<Bytes>& v) {
  if (!v) return std::nullopt;
  return ByteView(*v);
}

// Size of a nullable byte field: a varint length (-1 for null) and the bytes.
size_t NullableSize(const std::optional<ByteView>& v) {
  return v ? VarintSize(static_cast<int32_t>(v->size())) + v->size() : 1;
}

void AppendNullable(Bytes* out, const std::optional<ByteView>& v) {
  if (!v) {
    AppendVarint(out, -1);
    return;
  }
  AppendVarint(out, static_cast<int32_t>(v->size()));
  out->append(v->data(), v->size());
}

// Size of key, value and headers as encoded, or nullopt if a field or their sum is
// larger than kMaxRecordBytes (so every length fits a varint).
template <typename R>
std::optional<size_t> PayloadSize(const R& r) {
  std::optional<ByteView> key = AsView(r.key);
  std::optional<ByteView> value = AsView(r.value);
  if ((key && key->size() > kMaxRecordBytes) || (value && value->size() > kMaxRecordBytes)) {
    return std::nullopt;
  }
  size_t n = NullableSize(key) + NullableSize(value);
  if (r.headers.size() > kMaxRecordBytes) return std::nullopt;
  n += VarintSize(static_cast<int32_t>(r.headers.size()));
  for (const auto& h : r.headers) {
    ByteView hkey(h.key);
    std::optional<ByteView> hvalue = AsView(h.value);
    if (hkey.size() > kMaxRecordBytes || (hvalue && hvalue->size() > kMaxRecordBytes)) {
      return std::nullopt;
    }
    n += VarintSize(static_cast<int32_t>(hkey.size())) + hkey.size() + NullableSize(hvalue);
    if (n > kMaxRecordBytes) return std::nullopt;
  }
  if (n > kMaxRecordBytes) return std::nullopt;
  return n;
}

}  // namespace

Status BatchEncoderOptions::Validate() const {
  if (compression != Compression::kNone && compression != Compression::kZstd) {
    return InvalidArgumentError("batch compression must be none or zstd, not " +
                                CompressionName(compression));
  }
  if (zstd_level < kMinZstdLevel || zstd_level > kMaxZstdLevel) {
    return InvalidArgumentError("zstd level " + std::to_string(zstd_level) + " is outside " +
                                std::to_string(kMinZstdLevel) + ".." +
                                std::to_string(kMaxZstdLevel));
  }
  if (max_batch_bytes == 0 || max_batch_bytes > kMaxRecordBytes) {
    return InvalidArgumentError("max batch bytes " + std::to_string(max_batch_bytes) +
                                " must be between 1 and " + std::to_string(kMaxRecordBytes));
  }
  if (max_batch_records < 1) {
    return InvalidArgumentError("max batch records " + std::to_string(max_batch_records) +
                                " must be at least 1");
  }
  return OkStatus();
}

BatchEncoder::BatchEncoder(BatchEncoderOptions options) : options_(options) {
  Status valid = options_.Validate();
  STRATA_CHECK(valid.ok(), valid.ToString());
}

Status BatchEncoder::Add(const KafkaRecordView& record) { return AddImpl(record); }
Status BatchEncoder::Add(const KafkaRecord& record) { return AddImpl(record); }

bool BatchEncoder::MustCut(int64_t offset, int64_t timestamp, TimestampType type,
                           size_t max_size) const {
  return open_.count >= options_.max_batch_records || type != open_.type ||
         (type == TimestampType::kLogAppendTime && timestamp != open_.base_timestamp) ||
         offset - open_.base_offset > std::numeric_limits<int32_t>::max() ||
         records_.size() + max_size > options_.max_batch_bytes;
}

template <typename R>
Status BatchEncoder::AddImpl(const R& record) {
  if (record.offset < 0 || record.offset <= last_offset_) {
    return InvalidArgumentError("record offset " + std::to_string(record.offset) +
                                " does not follow offset " + std::to_string(last_offset_) +
                                "; offsets must be non-negative and increasing");
  }
  if (record.timestamp_type != TimestampType::kCreateTime &&
      record.timestamp_type != TimestampType::kLogAppendTime) {
    return InvalidArgumentError("record at offset " + std::to_string(record.offset) +
                                " has an unknown timestamp type");
  }
  std::optional<size_t> payload = PayloadSize(record);
  if (!payload) {
    return InvalidArgumentError("record at offset " + std::to_string(record.offset) +
                                " is larger than " + std::to_string(kMaxRecordBytes) + " bytes");
  }
  if (open_.count > 0 && MustCut(record.offset, record.timestamp_ms, record.timestamp_type,
                                 *payload + kMaxRecordOverhead)) {
    STRATA_RETURN_IF_ERROR(Flush());
  }
  if (open_.count == 0) {
    open_.base_offset = record.offset;
    open_.base_timestamp = record.timestamp_ms;
    open_.min_timestamp = record.timestamp_ms;
    open_.max_timestamp = record.timestamp_ms;
    open_.type = record.timestamp_type;
  }
  auto offset_delta = static_cast<int32_t>(record.offset - open_.base_offset);
  // Unsigned arithmetic: any two int64 timestamps have a delta that wraps back exactly.
  auto timestamp_delta = static_cast<int64_t>(static_cast<uint64_t>(record.timestamp_ms) -
                                              static_cast<uint64_t>(open_.base_timestamp));
  size_t body = 1 + VarlongSize(timestamp_delta) + VarintSize(offset_delta) + *payload;

  char prefix[kMaxRecordOverhead];
  size_t n = PutVarint(prefix, static_cast<int32_t>(body));
  prefix[n++] = 0;  // record attributes: Kafka defines none
  n += PutVarlong(prefix + n, timestamp_delta);
  n += PutVarint(prefix + n, offset_delta);
  records_.append(prefix, n);
  AppendNullable(&records_, AsView(record.key));
  AppendNullable(&records_, AsView(record.value));
  AppendVarint(&records_, static_cast<int32_t>(record.headers.size()));
  for (const auto& h : record.headers) {
    ByteView hkey(h.key);
    AppendVarint(&records_, static_cast<int32_t>(hkey.size()));
    records_.append(hkey.data(), hkey.size());
    AppendNullable(&records_, AsView(h.value));
  }

  ++open_.count;
  open_.last_offset = record.offset;
  if (record.timestamp_ms < open_.min_timestamp) open_.min_timestamp = record.timestamp_ms;
  if (record.timestamp_ms > open_.max_timestamp) open_.max_timestamp = record.timestamp_ms;
  last_offset_ = record.offset;
  return OkStatus();
}

Status BatchEncoder::Flush() {
  if (open_.count == 0) return OkStatus();
  size_t start = out_.size();
  out_.Reserve(kBatchHeaderSize);
  out_.Commit(kBatchHeaderSize);
  Status compressed =
      compressor_.Compress(options_.compression, options_.zstd_level, records_, &out_);
  if (!compressed.ok()) {
    out_.Truncate(start);
    return compressed;
  }
  size_t size = out_.size() - start;

  BatchHeader h;
  h.base_offset = open_.base_offset;
  h.batch_length = static_cast<int32_t>(size - kLogOverhead);
  h.attributes = static_cast<int16_t>(options_.compression);
  if (open_.type == TimestampType::kLogAppendTime) h.attributes |= kTimestampTypeBit;
  h.last_offset_delta = static_cast<int32_t>(open_.last_offset - open_.base_offset);
  h.base_timestamp = open_.base_timestamp;
  h.max_timestamp = open_.max_timestamp;
  h.record_count = open_.count;
  char* batch = out_.data() + start;
  PutBatchHeader(h, batch);
  SealBatchCrc(batch, size);

  EncodedBatch& b = batches_.emplace_back();
  b.base_offset = open_.base_offset;
  b.last_offset = open_.last_offset;
  b.record_count = open_.count;
  b.timestamp_type = open_.type;
  b.min_timestamp = open_.min_timestamp;
  b.max_timestamp = open_.max_timestamp;
  b.position = cleared_bytes_ + start;
  b.size = static_cast<uint32_t>(size);
  b.uncompressed_records_bytes = records_.size();

  records_.clear();
  open_ = OpenBatch{};
  return OkStatus();
}

void BatchEncoder::ClearFinished() {
  cleared_bytes_ += out_.size();
  out_.clear();
  batches_.clear();
}

}  // namespace strata::format
