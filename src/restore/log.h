// The "restore" logger.
#pragma once

#include "core/log.h"

namespace strata::restore {
inline spdlog::logger& Log() { return strata::log::Get("restore"); }
}  // namespace strata::restore
