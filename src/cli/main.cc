// strata: back up Kafka and ZooKeeper to an object store, and restore them.
// main parses the command line, runs one subcommand and turns its result into an exit code.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "core/log.h"
#include "core/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "strata backs up Apache Kafka topics and ZooKeeper trees to S3-compatible object\n"
      "stores or a local directory, and restores them into a new cluster.\n"
      "Settings: a flag wins over its environment variable, which wins over the default."};
  app.name("strata");
  app.set_version_flag("-V,--version", std::string("strata ") + std::string(strata::Version()));
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the subcommand
  std::string log_level = "info";
  std::string log_format = "text";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->envname("STRATA_LOG_LEVEL")
      ->capture_default_str();
  app.add_option("--log-format", log_format, "text or json")
      ->envname("STRATA_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.footer(strata::cli::ExitCodeHelp());

  strata::cli::RunFunction run;
  CLI::App* backup = app.add_subcommand("backup", "Back up Kafka topics or a ZooKeeper tree to a repository")->require_subcommand(1);
  strata::cli::RegisterBackupKafka(backup, &run);
  strata::cli::RegisterBackupZookeeper(backup, &run);
  CLI::App* restore = app.add_subcommand("restore", "Restore from a repository")->require_subcommand(1);
  strata::cli::RegisterRestoreZookeeper(restore, &run);
  strata::cli::RegisterRestoreKafka(restore, &run);
  CLI::App* import =
      app.add_subcommand("import", "Convert another tool's backups into a strata repository")->require_subcommand(1);
  strata::cli::RegisterImportSpredfast(import, &run);
  strata::cli::RegisterImportBurry(import, &run);
  strata::cli::RegisterImportZoocreeper(import, &run);
  strata::cli::RegisterList(&app, &run);
  strata::cli::RegisterVerify(&app, &run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 signals --help/--version with a "success" ParseError.
    int rc = app.exit(e);
    return rc == 0 ? 0 : strata::cli::kExitUsage;
  }
  if (!strata::log::Configure(log_level, log_format == "json" ? strata::log::Format::kJson : strata::log::Format::kText)) {
    std::fprintf(stderr, "strata: error: --log-level: unknown level \"%s\"\n", log_level.c_str());
    return strata::cli::kExitUsage;
  }
  if (!run) {
    std::fputs(app.help().c_str(), stdout);
    return strata::cli::kExitUsage;
  }
  return run();
}
