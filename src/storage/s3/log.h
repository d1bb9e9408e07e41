// The "s3" logger of the S3 client (transport, store, credential providers).
// Thread-safe (see core/log.h). Never pass it secrets: log requests through
// RedactedForLog() (http_transport.h) and credentials through Credentials::Redacted().
#pragma once

#include <spdlog/spdlog.h>

#include "core/log.h"

namespace strata::s3 {

inline spdlog::logger& Log() { return strata::log::Get("s3"); }

}  // namespace strata::s3
