// STRATA_CHECK: aborts the process when a programmer error (a broken invariant) is found.
// Never use it on user input or on anything that can fail at run time: return a Status.
#pragma once

#include <string_view>

namespace strata::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* expr, std::string_view why);
}  // namespace strata::internal

#define STRATA_CHECK(cond, why)                                            \
  do {                                                                     \
    if (!(cond)) ::strata::internal::CheckFailed(__FILE__, __LINE__, #cond, (why)); \
  } while (0)
