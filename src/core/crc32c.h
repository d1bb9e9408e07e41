// CRC-32C (Castagnoli): the checksum Kafka puts in every record batch (magic v2), S3
// checks on every PUT (x-amz-checksum-crc32c), and strata puts on its own objects. Uses
// the SSE4.2 instruction when the CPU has it, a table otherwise. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>

#include "core/bytes.h"

namespace strata {

// Extends `crc` (the value returned for the bytes before `data`; 0 to start) over `data`.
uint32_t Crc32cExtend(uint32_t crc, ByteView data);

inline uint32_t Crc32c(ByteView data) { return Crc32cExtend(0, data); }

}  // namespace strata
