// CRC-32C for the format module: the one in core (Kafka's record-batch checksum, and
// strata's own objects).
#pragma once

#include "core/crc32c.h"

namespace strata::format {

using strata::Crc32c;
using strata::Crc32cExtend;
using strata::Crc32cCombine;

}  // namespace strata::format
