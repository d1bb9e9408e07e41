// Byte buffers. We use std::string as an owning byte buffer and std::string_view as a
// borrowed one: both hold arbitrary bytes (NUL included), interoperate with every C
// library we call (curl, zstd, librdkafka, the ZooKeeper client) without copies, and need
// no conversion helpers. Nothing here implies the bytes are text.
#pragma once

#include <string>
#include <string_view>

namespace strata {
using Bytes = std::string;
using ByteView = std::string_view;
}  // namespace strata
