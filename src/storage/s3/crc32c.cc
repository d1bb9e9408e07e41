#include "storage/s3/crc32c.h"

#include "storage/s3/digest.h"

namespace strata::s3 {

std::string Crc32cHeaderValue(uint32_t crc) {
  const char big_endian[4] = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                              static_cast<char>(crc >> 8), static_cast<char>(crc)};
  return Base64Encode(ByteView(big_endian, sizeof big_endian));
}

}  // namespace strata::s3
