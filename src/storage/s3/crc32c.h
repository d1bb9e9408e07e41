// CRC-32C (Castagnoli) for S3's x-amz-checksum-crc32c header: the checksum the client
// sends with every PUT and part, which the server recomputes and checks (BadDigest when
// they differ), and the one it returns for whole objects on GET with checksum mode on.
//
// storage/ may not depend on format/ (docs/architecture.md), which has its own CRC-32C,
// so the S3 client keeps this one. Uses the SSE4.2 crc32 instruction when the CPU has
// it, a table otherwise. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "core/bytes.h"

namespace strata::s3 {

// Extends `crc` (the value for the bytes before `data`; 0 to start) over `data`.
uint32_t Crc32cExtend(uint32_t crc, ByteView data);

inline uint32_t Crc32c(ByteView data) { return Crc32cExtend(0, data); }

// The header form: base64 of the four big-endian bytes of `crc` ("yZRlqg==").
std::string Crc32cHeaderValue(uint32_t crc);

}  // namespace strata::s3
