// strata import spredfast: flags -> SpredfastImportOptions -> RunSpredfastImport -> summary, exit code.
#include <fmt/format.h>

#include <cstdio>

#include "backup/spredfast_import.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/repo_flags.h"
#include "core/log.h"
#include "daemon/shutdown.h"

namespace strata::cli {
namespace {

struct ImportSpredfastFlags {
  RepoFlags repo;
  std::string from;
  std::vector<std::string> topics;
  std::string topic_regex;
  std::string include_keys = "auto";
  std::string empty_keys = "null";
  std::string empty_values = "empty";
  std::string cluster = "spredfast";
  double segment_mib = 64;
};

int RunImportSpredfast(const ImportSpredfastFlags& f) {
  backup::SpredfastImportOptions o;
  o.source_url = f.from;
  o.topics = f.topics;
  if (!f.topic_regex.empty()) o.topic_regex = f.topic_regex;
  if (f.include_keys == "true") o.key_mode = format::spredfast::KeyMode::kWithKeys;
  if (f.include_keys == "false") o.key_mode = format::spredfast::KeyMode::kWithoutKeys;
  o.empty_keys_are_null = f.empty_keys == "null";
  o.empty_values_are_null = f.empty_values == "null";
  o.cluster = f.cluster;
  o.segment_bytes = static_cast<uint64_t>(f.segment_mib * (1 << 20));
  o.cancel = daemon::InstallShutdownHandlers();

  auto source = f.repo.OpenStore(f.from, /*create_if_missing=*/false);
  if (!source.ok()) return Fail(source.status().WithContext("--from " + f.from));
  auto opened = f.repo.Open(backup::OpenMode::kCreateIfMissing);
  if (!opened.ok()) return FailOpeningRepository(opened.status());
  auto result = backup::RunSpredfastImport(**source, *opened->repo, o);
  if (!result.ok()) return Fail(result.status());
  const auto& r = *result;
  for (const auto& w : r.warnings) log::Get("cli").warn("{}", w);
  std::string modes;
  for (const auto& [topic, mode] : r.key_modes) {
    modes += fmt::format("{}{} {}", modes.empty() ? "" : ", ", topic, format::spredfast::KeyModeName(mode));
  }
  std::printf(
      "import complete: %d topics, %d partitions, %lld records (%s), %zu gaps, %lld duplicates dropped, %d objects "
      "read (%d superseded copies skipped), %d segments; cluster %s; manifest %s\n",
      r.topics, r.partitions, static_cast<long long>(r.records), modes.c_str(), r.gaps.size(),
      static_cast<long long>(r.duplicates), r.files, r.superseded_files, r.segments_written, o.cluster.c_str(),
      r.manifest_key.c_str());
  return kExitOk;
}

}  // namespace

void RegisterImportSpredfast(CLI::App* import, RunFunction* run) {
  auto flags = std::make_shared<ImportSpredfastFlags>();
  CLI::App* cmd = import->add_subcommand(
      "spredfast", "Convert a Kafka Connect S3 sink backup (Spredfast/Zalando, format=binary) into a strata backup");
  cmd->add_option("--from", flags->from,
                  "the connector's location (its s3.bucket and s3.prefix): s3://bucket/prefix or a directory")
      ->required();
  flags->repo.Register(cmd, "--to");
  cmd->add_option("-t,--topic", flags->topics, "topic to import (repeatable; default: every topic found)");
  cmd->add_option("--topic-regex", flags->topic_regex, "import every topic whose whole name matches (ECMAScript regex)");
  cmd->add_option("--include-keys", flags->include_keys,
                  "whether records start with their key (the connector's format.include.keys): true, false, or "
                  "auto (decided from the .index.json objects)")
      ->check(CLI::IsMember({"auto", "true", "false"}))
      ->capture_default_str();
  cmd->add_option("--empty-keys", flags->empty_keys, "a key stored with length 0 becomes: null or empty")
      ->check(CLI::IsMember({"null", "empty"}))
      ->capture_default_str();
  cmd->add_option("--empty-values", flags->empty_values,
                  "a value stored with length 0 becomes: empty, or null (a tombstone: for compacted topics)")
      ->check(CLI::IsMember({"empty", "null"}))
      ->capture_default_str();
  cmd->add_option("--cluster", flags->cluster, "name of the source cluster in the repository (restore --cluster)")
      ->capture_default_str();
  cmd->add_option("--segment-size", flags->segment_mib, "MiB per segment object")
      ->check(CLI::Range(1.0, 4096.0))
      ->capture_default_str();
  cmd->callback([flags, run] { *run = [flags] { return RunImportSpredfast(*flags); }; });
}

}  // namespace strata::cli
