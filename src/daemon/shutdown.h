// Shutdown: turns SIGINT and SIGTERM into a CancelToken, so a long-running job (a backup
// with --follow, `strata serve`) can finish its current checkpoint and exit cleanly.
// A second signal while shutting down restores the default action (kill -INT twice ends
// the process at once). Install once per process, from main.
#pragma once

#include "core/deadline.h"

namespace strata::daemon {

// Installs the handlers and returns the token they cancel. Calling it again returns the
// same token.
CancelToken InstallShutdownHandlers();

// The signal that cancelled the token (SIGINT, SIGTERM), or 0 if none arrived yet.
int ShutdownSignal();

}  // namespace strata::daemon
