// Helpers shared by the files of the conformance suite (store_conformance*.cc). Not for
// use elsewhere.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "core/bytes.h"
#include "core/result.h"
#include "core/status.h"
#include "storage/object_store.h"

namespace strata::storage::conformance_internal {

// Empty functions, one per file of the suite, called from the fixture's SetUp(): that
// reference makes the linker keep every file (and so every test case) of the library.
void LinkListCases();
void LinkWriterCases();

inline ObjectKey Key(std::string key) { return ObjectKey(std::move(key)); }

inline WriteOptions IfAbsent() {
  WriteOptions options;
  options.if_absent = true;
  return options;
}

// `size` bytes of a fixed pseudo-random pattern (every byte value occurs, NUL included).
Bytes Pattern(size_t size, uint64_t seed);

// Success if `status` has code `want`; otherwise a failure that shows the status.
::testing::AssertionResult HasCode(const Status& status, StatusCode want);

template <typename T>
::testing::AssertionResult HasCode(const Result<T>& result, StatusCode want) {
  return HasCode(result.status(), want);
}

inline ::testing::AssertionResult IsOk(const Status& status) {
  return HasCode(status, StatusCode::kOk);
}

template <typename T>
::testing::AssertionResult IsOk(const Result<T>& result) {
  return HasCode(result.status(), StatusCode::kOk);
}

}  // namespace strata::storage::conformance_internal
