// The "backup" logger.
#pragma once

#include "core/log.h"

namespace strata::backup {
inline spdlog::logger& Log() { return strata::log::Get("backup"); }
}  // namespace strata::backup
