#include "core/check.h"

#include <cstdio>
#include <cstdlib>

namespace strata::internal {

void CheckFailed(const char* file, int line, const char* expr, std::string_view why) {
  std::fprintf(stderr, "strata: internal error at %s:%d: check failed: %s: %.*s\n", file, line,
               expr, static_cast<int>(why.size()), why.data());
  std::abort();
}

}  // namespace strata::internal
