// Record: one Kafka record as strata sees it, with everything a restore must reproduce.
// Null and empty are distinct (std::nullopt vs ""), headers keep their order and
// duplicates. Value type; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace strata::kafka {

enum class TimestampType { kNotAvailable, kCreateTime, kLogAppendTime };

struct Header {
  std::string key;
  std::optional<Bytes> value;  // nullopt = null header value
  friend bool operator==(const Header&, const Header&) = default;
};

struct Record {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;                 // -1 when producing
  std::optional<Bytes> key;            // nullopt = null key
  std::optional<Bytes> value;          // nullopt = null value (a tombstone)
  std::vector<Header> headers;         // in order, duplicates kept
  int64_t timestamp_ms = -1;           // -1 = let the broker/producer choose
  TimestampType timestamp_type = TimestampType::kCreateTime;
  friend bool operator==(const Record&, const Record&) = default;
};

}  // namespace strata::kafka
