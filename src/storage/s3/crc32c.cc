#include "storage/s3/crc32c.h"

#include <array>
#include <cstring>

#include "storage/s3/digest.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace strata::s3 {
namespace {

// The Castagnoli polynomial, bit-reflected.
constexpr uint32_t kPolynomial = 0x82F63B78u;
constexpr int kBitsPerByte = 8;

constexpr std::array<uint32_t, 256> BuildTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t byte = 0; byte < table.size(); ++byte) {
    uint32_t reg = byte;
    for (int bit = 0; bit < kBitsPerByte; ++bit) {
      reg = (reg >> 1) ^ ((reg & 1u) != 0 ? kPolynomial : 0u);
    }
    table[byte] = reg;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kByteTable = BuildTable();

uint32_t TableUpdate(uint32_t reg, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) reg = kByteTable[(reg ^ p[i]) & 0xFFu] ^ (reg >> kBitsPerByte);
  return reg;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t HardwareUpdate(uint32_t reg, const unsigned char* p,
                                                          size_t n) {
  uint64_t wide = reg;
  while (n >= sizeof(uint64_t)) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);  // unaligned-safe load
    wide = _mm_crc32_u64(wide, word);
    p += sizeof word;
    n -= sizeof word;
  }
  auto narrow = static_cast<uint32_t>(wide);
  while (n-- > 0) narrow = _mm_crc32_u8(narrow, *p++);
  return narrow;
}

bool HaveSse42() {
  static const bool have = __builtin_cpu_supports("sse4.2");
  return have;
}
#endif

}  // namespace

uint32_t Crc32cExtend(uint32_t crc, ByteView data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  uint32_t reg = ~crc;
#if defined(__x86_64__)
  if (HaveSse42()) return ~HardwareUpdate(reg, p, data.size());
#endif
  return ~TableUpdate(reg, p, data.size());
}

std::string Crc32cHeaderValue(uint32_t crc) {
  const char big_endian[4] = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                              static_cast<char>(crc >> 8), static_cast<char>(crc)};
  return Base64Encode(ByteView(big_endian, sizeof big_endian));
}

}  // namespace strata::s3
