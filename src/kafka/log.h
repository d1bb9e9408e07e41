// The "kafka" logger.
#pragma once

#include "core/log.h"

namespace strata::kafka {
inline spdlog::logger& Log() { return strata::log::Get("kafka"); }
}  // namespace strata::kafka
