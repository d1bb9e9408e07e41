// Named loggers. Each module declares its own in a small log.h (e.g. storage/log.h) that
// calls strata::log::Get("s3"). Library code only logs; it never sets sinks or levels:
// that is done once, by main or the daemon, through Configure().
//
// Rule: log where an error is handled, not where it is returned, so each error is
// reported once. Never log secrets (see core/redact.h).
// Thread-safe.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace strata::log {

enum class Format { kText, kJson };

// Returns the process-wide logger called `name`, creating it on first use with the
// sinks and level set by Configure(). The reference stays valid for the process lifetime.
spdlog::logger& Get(std::string_view name);

// Sets the level ("trace".."off") and the line format of every logger, present and future.
// Output goes to stderr. Returns false if `level` is not a level name.
bool Configure(std::string_view level, Format format);

}  // namespace strata::log
