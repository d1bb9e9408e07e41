// The "storage" logger, shared by the store wrappers and backends in this module.
// Thread-safe (see core/log.h).
#pragma once

#include <spdlog/spdlog.h>

#include "core/log.h"

namespace strata::storage {

inline spdlog::logger& Log() { return strata::log::Get("storage"); }

}  // namespace strata::storage
