#include "format/adler32.h"

#include <algorithm>

namespace strata::format {
namespace {

constexpr uint32_t kModulus = 65521;  // the largest prime below 2^16
// The most bytes that can be summed before the 32-bit sums could overflow, so the
// (slow) modulo is taken once per block instead of once per byte.
constexpr size_t kBlock = 5552;

}  // namespace

uint32_t Adler32Extend(uint32_t adler, ByteView data) {
  uint32_t a = adler & 0xFFFF, b = adler >> 16;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t left = data.size();
  while (left > 0) {
    size_t n = std::min(left, kBlock);
    left -= n;
    for (; n > 0; --n) {
      a += *p++;
      b += a;
    }
    a %= kModulus;
    b %= kModulus;
  }
  return (b << 16) | a;
}

}  // namespace strata::format
