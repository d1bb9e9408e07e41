#include "core/huge_pages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

namespace strata {
namespace {

// Advice never changes what a buffer holds, whatever its size and alignment.
TEST(AdviseHugePages, LeavesBuffersUsable) {
  for (size_t size : {size_t{1}, size_t{4096}, size_t{3} << 20, (size_t{8} << 20) + 17}) {
    auto buffer = std::make_unique<unsigned char[]>(size);
    AdviseHugePages(buffer.get(), size);
    AdviseHugePages(buffer.get() + 1, size - 1);
    for (size_t i = 0; i < size; ++i) buffer[i] = static_cast<unsigned char>(i * 7);
    uint64_t sum = 0;
    for (size_t i = 0; i < size; ++i) sum += buffer[i];
    uint64_t expected = 0;
    for (size_t i = 0; i < size; ++i) expected += static_cast<unsigned char>(i * 7);
    EXPECT_EQ(sum, expected) << size;
  }
}

}  // namespace
}  // namespace strata
