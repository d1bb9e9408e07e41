// The "zk" logger.
#pragma once

#include "core/log.h"

namespace strata::zk {
inline spdlog::logger& Log() { return strata::log::Get("zk"); }
}  // namespace strata::zk
