// Subcommand registration. Each Register* adds one subcommand to `parent` and sets
// `*run` (when that subcommand is chosen) to the function that executes it and returns
// the process exit code. Subcommands hold no business logic: they build options and call
// one job function.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace strata::cli {

using RunFunction = std::function<int()>;

void RegisterBackupKafka(CLI::App* backup, RunFunction* run);
void RegisterBackupZookeeper(CLI::App* backup, RunFunction* run);
void RegisterRestoreZookeeper(CLI::App* restore, RunFunction* run);
void RegisterRestoreKafka(CLI::App* restore, RunFunction* run);
// `import` subcommands: each converts another tool's backups into a strata repository.
void RegisterImportSpredfast(CLI::App* import, RunFunction* run);
// Adds `import burry`: converts a ZooKeeper backup made by Burry into a strata snapshot.
void RegisterImportBurry(CLI::App* import, RunFunction* run);
// Adds `import zoocreeper`: converts a ZooCreeper/zkr JSON backup into a strata snapshot.
void RegisterImportZoocreeper(CLI::App* import, RunFunction* run);
// Adds the top-level `list` subcommand to `app`.
void RegisterList(CLI::App* app, RunFunction* run);
// Adds the top-level `verify` subcommand to `app`.
void RegisterVerify(CLI::App* app, RunFunction* run);

}  // namespace strata::cli
