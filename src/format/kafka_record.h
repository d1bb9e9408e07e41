// KafkaRecord: one Kafka record as a segment stores it (docs/format-kafka-segments.md).
// The format module defines its own plain record type so that it does not depend on the
// kafka module; the backup and restore jobs convert between the two.
//
// KafkaRecord owns its bytes; KafkaRecordView borrows them (the encoder's input and the
// decoder's output on the hot path, so that no record costs an allocation). Null and
// empty stay distinct (std::nullopt vs ""), and headers keep their order and duplicates.
// Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace strata::format {

// Bit 3 of a batch's attributes. Every record of a batch has the batch's type.
enum class TimestampType : uint8_t {
  kCreateTime = 0,     // set by the producer
  kLogAppendTime = 1,  // set by the broker when it appended the record
};

// Bits 0-2 of a batch's attributes (Kafka's compression type ids).
enum class Compression : uint8_t {
  kNone = 0,
  kGzip = 1,
  kSnappy = 2,
  kLz4 = 3,
  kZstd = 4,
};

// "none", "gzip", "snappy", "lz4", "zstd"; "unknown(<id>)" for other ids.
std::string CompressionName(Compression compression);

struct KafkaHeader {
  std::string key;             // Kafka requires a key; it may be empty
  std::optional<Bytes> value;  // nullopt = null value
  friend bool operator==(const KafkaHeader&, const KafkaHeader&) = default;
};

struct KafkaRecord {
  int64_t offset = 0;  // the record's offset in its source partition
  int64_t timestamp_ms = 0;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  std::optional<Bytes> key;      // nullopt = null key
  std::optional<Bytes> value;    // nullopt = null value (a tombstone)
  std::vector<KafkaHeader> headers;  // in order, duplicates kept
  friend bool operator==(const KafkaRecord&, const KafkaRecord&) = default;
};

struct KafkaHeaderView {
  ByteView key;
  std::optional<ByteView> value;
};

// Borrows every byte it refers to; the owner says how long they live.
struct KafkaRecordView {
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  std::optional<ByteView> key;
  std::optional<ByteView> value;
  std::span<const KafkaHeaderView> headers;
};

// Returns an owning copy of `view`.
KafkaRecord ToRecord(const KafkaRecordView& view);

}  // namespace strata::format
