// strata import zoocreeper: --from (a ZooCreeper/zkr JSON backup, local or in a store)
// -> RunZoocreeperImport -> exit code.
#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdio>

#include "backup/zoocreeper_import.h"
#include "cli/archive_source.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "cli/repo_flags.h"
#include "core/log.h"
#include "daemon/shutdown.h"
#include "restore/flag_values.h"
#include "zoocreeper/zoocreeper_file.h"

namespace strata::cli {
namespace {

struct ImportZoocreeperFlags {
  std::string from;
  RepoFlags repo;
  std::string name;
  std::string taken;
  bool no_progress = false;
};

// The file's modification time, Unix milliseconds.
Result<int64_t> FileTime(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return NotFoundError(fmt::format("{}: no such file", path));
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

int RunImportZoocreeper(const ImportZoocreeperFlags& f) {
  backup::ZoocreeperImportOptions o;
  o.ensemble = f.name;
  o.cancel = daemon::InstallShutdownHandlers();
  auto source = OpenArchiveSource(f.repo, f.from, "s3://zk-backup/zookeeper-backup.json.gz");
  if (!source.ok()) return Fail(source.status());
  o.archive = source->describe;
  if (!f.taken.empty()) {
    auto taken = restore::ParseTime(f.taken);
    if (!taken.ok()) return Fail(taken.status().WithContext("--taken"));
    o.taken_unix_ms = *taken;
  } else if (source->local_path) {
    auto time = FileTime(*source->local_path);
    if (!time.ok()) return Fail(time.status());
    o.taken_unix_ms = *time;
  } else {
    auto head = source->store->Head(*source->key);
    if (!head.ok()) return Fail(head.status());
    o.taken_unix_ms = head->mtime_unix_ms;
  }
  auto local = LocalArchive::Fetch(*source);
  if (!local.ok()) return Fail(local.status());
  const std::string& path = local->path();
  // A file that is not ZooCreeper's is refused before the repository is opened (and
  // perhaps created); damage further in is found by the import, which then commits nothing.
  if (!zoocreeper::LooksLikeBackup(path)) {
    return Fail(DataLossError(fmt::format(
        "{} is not a ZooCreeper backup (a JSON object of znode paths, optionally gzip-compressed)", o.archive)));
  }
  auto opened = f.repo.Open(backup::OpenMode::kCreateIfMissing);
  if (!opened.ok()) return Fail(opened.status());
  Progress progress(!f.no_progress);
  auto result = backup::RunZoocreeperImport(*opened->repo, path, o, progress.ZnodeCounter());
  progress.Close();
  if (!result.ok()) return Fail(result.status());
  const format::ZkManifest& m = result->manifest;
  for (const auto& w : m.warnings) log::Get("cli").warn("{}", w);
  std::printf(
      "import complete: %llu znodes (%llu ephemeral), %s of data, %llu skipped (/zookeeper); root %s; snapshot %s of "
      "ensemble %s, taken %s; manifest %s\n",
      static_cast<unsigned long long>(m.counts.znodes), static_cast<unsigned long long>(m.counts.ephemeral),
      HumanBytes(static_cast<double>(m.data_bytes)).c_str(), static_cast<unsigned long long>(m.imported->skipped),
      m.chroot.empty() ? "/" : m.chroot.c_str(), m.id.c_str(), m.ensemble.c_str(), m.created.c_str(),
      result->manifest_key.c_str());
  return kExitOk;
}

}  // namespace

void RegisterImportZoocreeper(CLI::App* import, RunFunction* run) {
  auto flags = std::make_shared<ImportZoocreeperFlags>();
  CLI::App* cmd = import->add_subcommand(
      "zoocreeper", "Convert a ZooKeeper backup made by ZooCreeper or zkr (JSON, optionally gzip) into a strata snapshot");
  cmd->add_option("--from", flags->from,
                  "the backup file: FILE.json[.gz], file:///path, or an object URL (s3://bucket/[PREFIX/]KEY)")
      ->required();
  flags->repo.Register(cmd, "--to");
  cmd->add_option("--name", flags->name,
                  "the ensemble's name in the repository (ZooCreeper records no server; use the name `backup "
                  "zookeeper` gives it, e.g. zk1-2181, to keep one history)")
      ->required();
  cmd->add_option("--taken", flags->taken,
                  "when the backup was taken (e.g. 2026-11-24T23:00:00Z, or Unix milliseconds; default: the file's "
                  "modification time, or the object's upload time)");
  cmd->add_flag("--no-progress", flags->no_progress, "no progress line");
  cmd->callback([flags, run] { *run = [flags] { return RunImportZoocreeper(*flags); }; });
}

}  // namespace strata::cli
