// Adler-32 (RFC 1950), the checksum ZooKeeper seals its snapshot files with
// (java.util.zip.Adler32 through SnapStream). Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "core/bytes.h"

namespace strata::format {

// The Adler-32 of no bytes; the value to start Adler32Extend with.
inline constexpr uint32_t kAdler32Init = 1;

// Extends `adler` (the value for the bytes before `data`) over `data`.
uint32_t Adler32Extend(uint32_t adler, ByteView data);

inline uint32_t Adler32(ByteView data) { return Adler32Extend(kAdler32Init, data); }

}  // namespace strata::format
