// CRC-32C (Castagnoli): the checksum Kafka puts in every record batch (magic v2), S3
// checks on every PUT (x-amz-checksum-crc32c), and strata puts on its own objects. Uses
// the SSE4.2 instruction when the CPU has it (three streams at once, so its latency does
// not limit it), a table otherwise. Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "core/bytes.h"

namespace strata {

// Extends `crc` (the value returned for the bytes before `data`; 0 to start) over `data`.
uint32_t Crc32cExtend(uint32_t crc, ByteView data);

inline uint32_t Crc32c(ByteView data) { return Crc32cExtend(0, data); }

// The CRC of A followed by B, from crc_a = Crc32c(A), crc_b = Crc32c(B) and B's length,
// without reading either: a Kafka batch's own CRC then extends a segment's CRC over the
// batch's bytes. O(log length_b).
uint32_t Crc32cCombine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b);

}  // namespace strata
