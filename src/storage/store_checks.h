// Argument checks that every ObjectStore backend runs before doing any work, so that all
// backends reject the same inputs with the same codes.
//
// Portable keys: a backup written to one backend must be copyable to any other, and the
// strictest backend is a directory tree. So a key is a '/'-separated relative path whose
// segments are non-empty and are not "." or "..", and which contains no NUL byte; it
// does not start or end with '/'. Any other byte (unicode, spaces, '-', '.') is allowed.
//
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "core/status.h"
#include "storage/object_store.h"

namespace strata::storage {

// OK for a portable key (see above); InvalidArgument naming the key and the rule it breaks.
Status ValidateKey(std::string_view key);

// OK if a List call may proceed; InvalidArgument if max_keys < 1.
Status ValidateMaxKeys(int max_keys);

// OK if the call may start; Cancelled if call.cancel is cancelled; DeadlineExceeded if
// call.deadline has passed.
Status CheckCall(const CallOptions& call);

}  // namespace strata::storage
