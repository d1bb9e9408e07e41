// Callbacks through which the streaming encoders and decoders of format/ exchange bytes
// with whoever does the IO (a store's object writer, a ranged read, a file, a test), so
// that format/ itself stays free of IO.
#pragma once

#include <functional>

#include "core/bytes.h"
#include "core/result.h"
#include "core/status.h"

namespace strata::format {

// Receives the next piece of an output stream. The view is valid only during the call.
// A non-OK status stops the writer, which returns it unchanged.
using ByteSink = std::function<Status(ByteView chunk)>;

// Returns the next piece of an input stream, or an empty view at the end of the stream.
// The view must stay valid until the next call. A non-OK status stops the reader, which
// returns it unchanged.
using ByteSource = std::function<Result<ByteView>()>;

}  // namespace strata::format
