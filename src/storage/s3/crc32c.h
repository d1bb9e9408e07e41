// CRC-32C (Castagnoli) for S3's x-amz-checksum-crc32c header: the checksum the client
// sends with every PUT and part, which the server recomputes and checks (BadDigest when
// they differ), and the one it returns for whole objects on GET with checksum mode on.
//
// The checksum itself is core's.
#pragma once

#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "core/crc32c.h"

namespace strata::s3 {

using strata::Crc32c;
using strata::Crc32cExtend;

// The header form: base64 of the four big-endian bytes of `crc` ("yZRlqg==").
std::string Crc32cHeaderValue(uint32_t crc);

}  // namespace strata::s3
