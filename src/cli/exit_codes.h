// Process exit codes: what cron, CI and Kubernetes can rely on (docs/operations.md).
// Unknown codes must be treated as failure.
#pragma once

#include <string>

#include "core/status.h"

namespace strata::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;          // failed; nothing usable written
constexpr int kExitUsage = 2;           // bad flags or configuration
constexpr int kExitPartial = 3;         // written, but incomplete (gaps, skipped parts)
constexpr int kExitVerifyFailed = 4;    // verification or integrity mismatch
constexpr int kExitNothingMatched = 5;  // selection matched no topic/path/snapshot
constexpr int kExitRepoMissing = 10;    // no repository at the URL
constexpr int kExitAuth = 13;           // authentication or authorization refused
constexpr int kExitPreflight = 14;      // restore refused (target not empty, ...)
constexpr int kExitTempFail = 75;       // transient failure; safe to retry
constexpr int kExitCancelled = 130;     // stopped by SIGINT/SIGTERM after a clean checkpoint

// The exit code for a failed operation's Status.
int ExitCodeFor(const Status& status);

// Prints "strata: error: <status message>" on stderr and returns ExitCodeFor(status).
int Fail(const Status& status);
// The same for a repository that could not be opened: NotFound means there is none at
// the URL (kExitRepoMissing).
int FailOpeningRepository(const Status& status);

// The table above, for --help.
std::string ExitCodeHelp();

}  // namespace strata::cli
