// strata backup zookeeper: flags -> ZkBackupOptions -> RunZkBackup -> exit code.
#include <fmt/format.h>

#include <cstdio>

#include "backup/zk_backup.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "cli/repo_flags.h"
#include "cli/zk_flags.h"
#include "core/log.h"
#include "daemon/shutdown.h"
#include "format/zk_manifest.h"

namespace strata::cli {
namespace {

struct BackupZookeeperFlags {
  ZkFlags zk;
  RepoFlags repo;
  std::string name;
  std::vector<std::string> exclude;
  bool allow_redacted_acls = false;
  std::string from_snapshot;
  std::string via_admin;
  int keep = 0;
  int zstd_level = 3;
  int max_in_flight = 2000;
  int sessions = 8;
  bool no_progress = false;
};

std::string Range(const format::ZkConsistency& c) {
  if (c.zxid_start && !c.zxid_end) return fmt::format("from zxid {} (end unknown)", format::ZxidHex(*c.zxid_start));
  if (!c.zxid_start || !c.zxid_end) return "zxid range unknown";
  return fmt::format("zxids {}..{} ({})", format::ZxidHex(*c.zxid_start), format::ZxidHex(*c.zxid_end),
                     c.exact ? "exact" : "fuzzy: see the manifest");
}

int RunBackupZookeeper(const BackupZookeeperFlags& f) {
  auto auth = f.zk.Auth();
  if (!auth.ok()) return Fail(auth.status());
  backup::ZkBackupOptions o;
  o.connect = f.zk.connect;
  o.auth = *auth;
  if (!f.name.empty()) o.ensemble = f.name;
  o.exclude = f.exclude;
  o.allow_redacted_acls = f.allow_redacted_acls;
  if (!f.from_snapshot.empty()) o.snapshot_file = f.from_snapshot;
  if (!f.via_admin.empty()) o.admin_url = f.via_admin;
  o.keep = f.keep;
  o.zstd_level = f.zstd_level;
  o.max_in_flight = f.max_in_flight;
  o.sessions = f.sessions;
  o.cancel = daemon::InstallShutdownHandlers();

  auto opened = f.repo.Open(backup::OpenMode::kCreateIfMissing);
  if (!opened.ok()) return Fail(opened.status());
  Progress progress(!f.no_progress);
  auto result = backup::RunZkBackup(*opened->repo, o, progress.ZnodeCounter());
  progress.Close();
  if (!result.ok()) return Fail(result.status());
  const format::ZkManifest& m = result->manifest;
  for (const auto& w : m.warnings) log::Get("cli").warn("{}", w);
  const format::ZkCounts& n = m.counts;
  std::printf(
      "backup complete: %llu znodes (%llu ephemeral, %llu container, %llu TTL, %llu sequential), %s of data, "
      "%s stored in %.1f s; %s; manifest %s\n",
      static_cast<unsigned long long>(n.znodes), static_cast<unsigned long long>(n.ephemeral),
      static_cast<unsigned long long>(n.container), static_cast<unsigned long long>(n.ttl),
      static_cast<unsigned long long>(n.sequential), HumanBytes(static_cast<double>(m.data_bytes)).c_str(),
      HumanBytes(static_cast<double>(m.bytes)).c_str(), result->seconds, Range(m.consistency).c_str(),
      result->manifest_key.c_str());
  for (const auto& id : result->pruned) std::printf("pruned %s\n", id.c_str());
  return kExitOk;
}

}  // namespace

void RegisterBackupZookeeper(CLI::App* backup, RunFunction* run) {
  auto flags = std::make_shared<BackupZookeeperFlags>();
  CLI::App* cmd = backup->add_subcommand(
      "zookeeper", "Back up a ZooKeeper tree (data, ACLs, Stat and node types) with its zxid range");
  flags->zk.Register(cmd, false);
  flags->repo.Register(cmd, "--to");
  cmd->add_option("--name", flags->name,
                  "the ensemble's name in the repository (default: first server and chroot, e.g. zk-0-2181_kafka)");
  cmd->add_option("--exclude", flags->exclude, "leave out this subtree (path below the chroot; repeatable)");
  cmd->add_flag("--allow-redacted-acls", flags->allow_redacted_acls,
                "commit even if the server redacts digest ACL ids (the session lacks ADMIN somewhere)");
  cmd->add_option("--from-snapshot", flags->from_snapshot,
                  "read a ZooKeeper snapshot file (dataDir/version-2/snapshot.*) for exact node types");
  cmd->add_option("--via-admin", flags->via_admin,
                  "fetch the snapshot from a ZooKeeper 3.9+ AdminServer (http://host:8080; uses --auth)");
  cmd->add_option("--keep", flags->keep, "after success keep only the newest N snapshots of this ensemble (0: all)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--zstd-level", flags->zstd_level, "zstd level of the snapshot (1-19)")
      ->check(CLI::Range(1, 19))
      ->capture_default_str();
  cmd->add_option("--max-in-flight", flags->max_in_flight, "read requests in flight at most")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--sessions", flags->sessions, "ZooKeeper sessions the reads are spread over (same server)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cmd->add_flag("--no-progress", flags->no_progress, "no progress line");
  cmd->callback([flags, run] { *run = [flags] { return RunBackupZookeeper(*flags); }; });
}

}  // namespace strata::cli
