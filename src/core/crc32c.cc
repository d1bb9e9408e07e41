#include "core/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace strata {
namespace {

// Bit-reflected polynomials: bit 31 is the coefficient of x^0, bit 0 that of x^31.
constexpr uint32_t kPolyReflected = 0x82F63B78u;
constexpr uint32_t kOne = 0x80000000u;  // the polynomial 1

constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPolyReflected : c >> 1;
    t[i] = c;
  }
  return t;
}

constexpr std::array<uint32_t, 256> kTable = MakeTable();

// a * b modulo the CRC polynomial.
constexpr uint32_t MultiplyModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t bit = kOne; bit != 0; bit >>= 1) {
    if (a & bit) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPolyReflected : b >> 1;  // b *= x
  }
  return product;
}

// x^(2^k) modulo the polynomial, k = 0..63.
constexpr std::array<uint32_t, 64> MakeSquares() {
  std::array<uint32_t, 64> t{};
  uint32_t p = kOne >> 1;  // x
  for (auto& v : t) {
    v = p;
    p = MultiplyModP(p, p);
  }
  return t;
}

constexpr std::array<uint32_t, 64> kSquares = MakeSquares();

// x^(8 * bytes) modulo the polynomial: what running the CRC register over `bytes` zero
// bytes multiplies it by.
constexpr uint32_t ShiftFactor(uint64_t bytes) {
  uint32_t p = kOne;
  uint64_t bits = bytes;
  for (int k = 3; bits != 0 && k < 64; ++k, bits >>= 1) {
    if (bits & 1) p = MultiplyModP(kSquares[static_cast<size_t>(k)], p);
  }
  return p;
}

uint32_t SoftwareExtend(uint32_t state, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) state = kTable[(state ^ p[i]) & 0xFF] ^ (state >> 8);
  return state;
}

#if defined(__x86_64__)
// Lanes of the three-stream loop. The crc32 instruction takes 3 cycles and can start one
// per cycle, so three independent streams run three times as fast as one.
constexpr size_t kLane = 4096;

// Multiplying a register by a fixed factor is linear: four table lookups, one per byte.
struct ShiftTables {
  std::array<std::array<uint32_t, 256>, 4> t;
  explicit constexpr ShiftTables(uint32_t factor) : t{} {
    for (size_t byte = 0; byte < 4; ++byte) {
      for (uint32_t v = 0; v < 256; ++v) t[byte][v] = MultiplyModP(factor, v << (8 * byte));
    }
  }
  uint32_t operator()(uint32_t s) const {
    return t[0][s & 0xFF] ^ t[1][(s >> 8) & 0xFF] ^ t[2][(s >> 16) & 0xFF] ^ t[3][s >> 24];
  }
};

constexpr ShiftTables kShiftLane(ShiftFactor(kLane));
constexpr ShiftTables kShiftTwoLanes(ShiftFactor(2 * kLane));

__attribute__((target("sse4.2"))) uint32_t HardwareExtend(uint32_t state, const unsigned char* p, size_t n) {
  while (n >= 3 * kLane) {
    // Register values are linear in the bytes: the stream over A|B|C equals A's stream
    // shifted past B and C, plus B's (from zero) shifted past C, plus C's.
    uint64_t a = state, b = 0, c = 0;
    for (size_t i = 0; i < kLane; i += 8) {
      uint64_t va, vb, vc;
      std::memcpy(&va, p + i, 8);
      std::memcpy(&vb, p + kLane + i, 8);
      std::memcpy(&vc, p + 2 * kLane + i, 8);
      a = _mm_crc32_u64(a, va);
      b = _mm_crc32_u64(b, vb);
      c = _mm_crc32_u64(c, vc);
    }
    state = kShiftTwoLanes(static_cast<uint32_t>(a)) ^ kShiftLane(static_cast<uint32_t>(b)) ^ static_cast<uint32_t>(c);
    p += 3 * kLane;
    n -= 3 * kLane;
  }
  uint64_t s = state;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    s = _mm_crc32_u64(s, v);
    p += 8;
    n -= 8;
  }
  auto s32 = static_cast<uint32_t>(s);
  while (n-- > 0) s32 = _mm_crc32_u8(s32, *p++);
  return s32;
}

bool HasSse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

}  // namespace

uint32_t Crc32cExtend(uint32_t crc, ByteView data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  uint32_t state = ~crc;
#if defined(__x86_64__)
  if (HasSse42()) return ~HardwareExtend(state, p, data.size());
#endif
  return ~SoftwareExtend(state, p, data.size());
}

uint32_t Crc32cCombine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b) {
  // With the pre- and post-inversion, CRC(A|B) = CRC(A) * x^(8|B|) + CRC(B): the
  // inversions of B's start and of A's end cancel.
  return MultiplyModP(ShiftFactor(length_b), crc_a) ^ crc_b;
}

}  // namespace strata
