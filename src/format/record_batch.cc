#include "format/record_batch.h"

#include <cinttypes>
#include <cstdio>
#include <limits>
#include <string>

#include "format/crc32c.h"
#include "format/wire.h"

namespace strata::format {
namespace {

// A record takes at least 7 bytes: length, attributes, timestamp delta, offset delta,
// key length, value length and header count, one byte each.
constexpr size_t kMinRecordSize = 7;

std::string Where(uint64_t position, int64_t base_offset) {
  return "batch at position " + std::to_string(position) + " (base offset " +
         std::to_string(base_offset) + ")";
}

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08" PRIx32, v);
  return buf;
}

// One record of the section, starting at the reader's position.
Status DecodeRecord(const BatchHeader& h, WireReader& section, int64_t min_offset_delta,
                    KafkaRecordView* out, std::vector<KafkaHeaderView>* headers,
                    size_t* header_begin) {
  int32_t length = 0;
  ByteView body_bytes;
  if (!section.ReadVarint(&length) || length < 0 ||
      !section.ReadBytes(static_cast<size_t>(length), &body_bytes)) {
    return DataLossError("record length runs past the records section");
  }
  WireReader body(body_bytes);
  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  if (!body.ReadInt8(&attributes) || !body.ReadVarlong(&timestamp_delta) ||
      !body.ReadVarint(&offset_delta)) {
    return DataLossError("record fields run past the record's length");
  }
  if (offset_delta < min_offset_delta || offset_delta > h.last_offset_delta) {
    return DataLossError("record offset delta " + std::to_string(offset_delta) +
                         " is out of order or past the batch's last offset delta " +
                         std::to_string(h.last_offset_delta));
  }
  out->offset = h.base_offset + offset_delta;
  out->timestamp_type = h.timestamp_type();
  // Unsigned arithmetic: deltas wrap exactly as the encoder made them.
  out->timestamp_ms = out->timestamp_type == TimestampType::kLogAppendTime
                          ? h.max_timestamp
                          : static_cast<int64_t>(static_cast<uint64_t>(h.base_timestamp) +
                                                 static_cast<uint64_t>(timestamp_delta));
  auto read_nullable = [&body](std::optional<ByteView>* field) {
    int32_t n = 0;
    if (!body.ReadVarint(&n) || n < -1) return false;
    if (n == -1) {
      field->reset();
      return true;
    }
    ByteView bytes;
    if (!body.ReadBytes(static_cast<size_t>(n), &bytes)) return false;
    *field = bytes;
    return true;
  };
  if (!read_nullable(&out->key) || !read_nullable(&out->value)) {
    return DataLossError("record key or value runs past the record's length");
  }
  int32_t header_count = 0;
  // Each header takes at least two bytes, which bounds the count before any allocation.
  if (!body.ReadVarint(&header_count) || header_count < 0 ||
      static_cast<size_t>(header_count) > body.remaining() / 2) {
    return DataLossError("record header count is negative or too large");
  }
  *header_begin = headers->size();
  for (int32_t i = 0; i < header_count; ++i) {
    int32_t key_length = 0;
    KafkaHeaderView header;
    if (!body.ReadVarint(&key_length) || key_length < 0 ||
        !body.ReadBytes(static_cast<size_t>(key_length), &header.key) ||
        !read_nullable(&header.value)) {
      return DataLossError("record header runs past the record's length");
    }
    headers->push_back(header);
  }
  if (body.remaining() != 0) {
    return DataLossError("record has " + std::to_string(body.remaining()) +
                         " bytes after its last header");
  }
  return OkStatus();
}

}  // namespace

void PutBatchHeader(const BatchHeader& h, char* dst) {
  PutBig64(dst, static_cast<uint64_t>(h.base_offset));
  PutBig32(dst + kBatchLengthOffset, static_cast<uint32_t>(h.batch_length));
  PutBig32(dst + kPartitionLeaderEpochOffset, static_cast<uint32_t>(h.partition_leader_epoch));
  dst[kMagicOffset] = static_cast<char>(h.magic);
  PutBig32(dst + kCrcOffset, 0);
  PutBig16(dst + kAttributesOffset, static_cast<uint16_t>(h.attributes));
  PutBig32(dst + kLastOffsetDeltaOffset, static_cast<uint32_t>(h.last_offset_delta));
  PutBig64(dst + kBaseTimestampOffset, static_cast<uint64_t>(h.base_timestamp));
  PutBig64(dst + kMaxTimestampOffset, static_cast<uint64_t>(h.max_timestamp));
  PutBig64(dst + kProducerIdOffset, static_cast<uint64_t>(h.producer_id));
  PutBig16(dst + kProducerEpochOffset, static_cast<uint16_t>(h.producer_epoch));
  PutBig32(dst + kBaseSequenceOffset, static_cast<uint32_t>(h.base_sequence));
  PutBig32(dst + kRecordCountOffset, static_cast<uint32_t>(h.record_count));
}

void SealBatchCrc(char* batch, size_t size) {
  uint32_t crc = Crc32c(ByteView(batch + kAttributesOffset, size - kAttributesOffset));
  PutBig32(batch + kCrcOffset, crc);
}

Result<BatchHeader> ReadBatchHeader(ByteView data, uint64_t position) {
  auto truncated = [&](size_t need) {
    return DataLossError("truncated batch at position " + std::to_string(position) + ": it needs " +
                         std::to_string(need) + " bytes, " + std::to_string(data.size()) +
                         " are left");
  };
  if (data.size() <= kMagicOffset) return truncated(kBatchHeaderSize);
  const char* p = data.data();
  BatchHeader h;
  h.base_offset = static_cast<int64_t>(GetBig64(p));
  h.batch_length = static_cast<int32_t>(GetBig32(p + kBatchLengthOffset));
  h.magic = static_cast<int8_t>(p[kMagicOffset]);
  if (h.magic != kMagicV2) {
    return FailedPreconditionError(Where(position, h.base_offset) + " has record format magic " +
                                   std::to_string(h.magic) +
                                   "; strata reads only magic 2 record batches");
  }
  if (h.batch_length < static_cast<int32_t>(kBatchHeaderSize - kLogOverhead)) {
    return DataLossError("corrupt " + Where(position, h.base_offset) + ": batch length " +
                         std::to_string(h.batch_length) + " is below the " +
                         std::to_string(kBatchHeaderSize - kLogOverhead) + "-byte minimum");
  }
  if (data.size() < h.size()) return truncated(h.size());
  h.crc = GetBig32(p + kCrcOffset);
  uint32_t computed = Crc32c(data.substr(kAttributesOffset, h.size() - kAttributesOffset));
  if (computed != h.crc) {
    return DataLossError("corrupt " + Where(position, h.base_offset) + ": stored CRC-32C " +
                         Hex32(h.crc) + ", computed " + Hex32(computed));
  }
  h.partition_leader_epoch = static_cast<int32_t>(GetBig32(p + kPartitionLeaderEpochOffset));
  h.attributes = static_cast<int16_t>(GetBig16(p + kAttributesOffset));
  h.last_offset_delta = static_cast<int32_t>(GetBig32(p + kLastOffsetDeltaOffset));
  h.base_timestamp = static_cast<int64_t>(GetBig64(p + kBaseTimestampOffset));
  h.max_timestamp = static_cast<int64_t>(GetBig64(p + kMaxTimestampOffset));
  h.producer_id = static_cast<int64_t>(GetBig64(p + kProducerIdOffset));
  h.producer_epoch = static_cast<int16_t>(GetBig16(p + kProducerEpochOffset));
  h.base_sequence = static_cast<int32_t>(GetBig32(p + kBaseSequenceOffset));
  h.record_count = static_cast<int32_t>(GetBig32(p + kRecordCountOffset));
  // A valid CRC guards against accidents, not against a batch built to mislead.
  if (h.base_offset < 0 || h.last_offset_delta < 0 || h.record_count < 0 ||
      h.base_offset > std::numeric_limits<int64_t>::max() - h.last_offset_delta ||
      (h.record_count > 0 && h.last_offset_delta < h.record_count - 1)) {
    return DataLossError("corrupt " + Where(position, h.base_offset) + ": base offset " +
                         std::to_string(h.base_offset) + ", last offset delta " +
                         std::to_string(h.last_offset_delta) + " and record count " +
                         std::to_string(h.record_count) + " do not fit together");
  }
  return h;
}

Status DecodeRecords(const BatchHeader& h, ByteView section, std::vector<KafkaRecordView>* records,
                     std::vector<KafkaHeaderView>* headers) {
  if (static_cast<size_t>(h.record_count) > section.size() / kMinRecordSize) {
    return DataLossError("record count " + std::to_string(h.record_count) + " cannot fit in " +
                         std::to_string(section.size()) + " bytes of records");
  }
  size_t first = records->size();
  records->resize(first + static_cast<size_t>(h.record_count));
  // Header spans are set once `headers` has stopped growing (it may reallocate).
  std::vector<size_t> header_begin(static_cast<size_t>(h.record_count));
  WireReader reader(section);
  int64_t min_offset_delta = 0;
  for (int32_t i = 0; i < h.record_count; ++i) {
    KafkaRecordView& r = (*records)[first + static_cast<size_t>(i)];
    Status s = DecodeRecord(h, reader, min_offset_delta, &r, headers,
                            &header_begin[static_cast<size_t>(i)]);
    if (!s.ok()) {
      records->resize(first);
      return s.WithContext("record " + std::to_string(i));
    }
    min_offset_delta = r.offset - h.base_offset + 1;
  }
  if (reader.remaining() != 0) {
    records->resize(first);
    return DataLossError(std::to_string(reader.remaining()) + " bytes follow the batch's " +
                         std::to_string(h.record_count) + " records");
  }
  for (size_t i = 0; i < header_begin.size(); ++i) {
    size_t end = i + 1 < header_begin.size() ? header_begin[i + 1] : headers->size();
    (*records)[first + i].headers =
        std::span<const KafkaHeaderView>(headers->data() + header_begin[i], end - header_begin[i]);
  }
  return OkStatus();
}

}  // namespace strata::format
