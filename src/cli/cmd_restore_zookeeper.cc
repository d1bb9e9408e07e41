// strata restore zookeeper: flags -> ZkRestoreOptions -> RunZkRestore -> report, exit code.
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/foreign_backup.h"
#include "cli/progress.h"
#include "cli/repo_flags.h"
#include "cli/zk_flags.h"
#include "core/log.h"
#include "daemon/shutdown.h"
#include "restore/zk_restore.h"

namespace strata::cli {
namespace {

struct RestoreZookeeperFlags {
  ZkFlags zk;
  RepoFlags repo;
  std::string name;
  std::string snapshot;
  std::string path = "/";
  std::string to_path;
  bool overwrite = false;
  bool dry_run = false;
  std::string profile = "none";
  std::string kafka_cluster_id = "backup";
  int max_in_flight = 64;
  bool no_progress = false;
};

int RunRestoreZookeeper(const RestoreZookeeperFlags& f) {
  auto auth = f.zk.Auth();
  if (!auth.ok()) return Fail(auth.status());
  restore::ZkRestoreOptions o;
  o.connect = f.zk.connect;
  o.auth = *auth;
  if (!f.name.empty()) o.ensemble = f.name;
  if (!f.snapshot.empty()) o.snapshot_id = f.snapshot;
  o.path = f.path;
  if (!f.to_path.empty()) o.to_path = f.to_path;
  o.overwrite = f.overwrite;
  o.dry_run = f.dry_run;
  o.profile = f.profile == "kafka" ? restore::ZkProfile::kKafka : restore::ZkProfile::kNone;
  o.kafka_cluster_id =
      f.kafka_cluster_id == "keep" ? restore::KafkaClusterIdMode::kKeep : restore::KafkaClusterIdMode::kBackup;
  o.max_in_flight = f.max_in_flight;
  o.cancel = daemon::InstallShutdownHandlers();

  auto opened = f.repo.Open(backup::OpenMode::kExisting);
  if (!opened.ok()) return FailOpeningRepository(ExplainForeignBackup(f.repo, opened.status()));
  Progress progress(!f.no_progress && !f.dry_run);
  auto plan = [&](const restore::ZkPlanLine& line) {
    // A dry run prints the whole plan; a restore what was not a plain create.
    if (!f.dry_run && line.action == restore::ZkPlanAction::kCreate) return;
    progress.Close();
    std::printf("%s %s  %s%s%s\n", std::string(restore::ZkPlanSymbol(line.action)).c_str(), line.path.c_str(),
                std::string(restore::ZkPlanName(line.action)).c_str(), line.detail.empty() ? "" : ": ",
                line.detail.c_str());
  };
  auto result = restore::RunZkRestore(*opened->repo, o, plan, [&](uint64_t done, uint64_t total) {
    progress.Update("znodes", static_cast<int64_t>(done), static_cast<int64_t>(total), static_cast<int64_t>(done), 0);
  });
  progress.Close();
  if (!result.ok()) return Fail(result.status());
  const auto& r = *result;
  for (const auto& w : r.warnings) log::Get("cli").warn("{}", w);
  for (const auto& q : r.quotas) std::printf("quota %s  %s\n", q.path.c_str(), q.limits.c_str());
  std::printf(
      "%s %s/%s: %llu znodes: %llu %s, %llu existed (%llu differ), %llu updated, %llu ephemeral skipped, %llu "
      "skipped by profile, %llu failed; %llu containers, %llu TTL (%llu as persistent), %llu sequence counters "
      "raised, %llu ACLs set after their subtrees; %.1f s\n",
      f.dry_run ? "dry run of" : "restored", r.ensemble.c_str(), r.snapshot_id.c_str(),
      static_cast<unsigned long long>(r.znodes), static_cast<unsigned long long>(r.created),
      f.dry_run ? "to create" : "created", static_cast<unsigned long long>(r.existed),
      static_cast<unsigned long long>(r.differs), static_cast<unsigned long long>(r.updated),
      static_cast<unsigned long long>(r.skipped_ephemeral), static_cast<unsigned long long>(r.skipped_profile),
      static_cast<unsigned long long>(r.failed), static_cast<unsigned long long>(r.containers),
      static_cast<unsigned long long>(r.ttl), static_cast<unsigned long long>(r.ttl_as_persistent),
      static_cast<unsigned long long>(r.sequence_parents), static_cast<unsigned long long>(r.acls_set), r.seconds);
  if (o.cancel.cancelled()) return kExitCancelled;
  return r.failed > 0 ? kExitFailed : kExitOk;
}

}  // namespace

void RegisterRestoreZookeeper(CLI::App* restore, RunFunction* run) {
  auto flags = std::make_shared<RestoreZookeeperFlags>();
  CLI::App* cmd = restore->add_subcommand(
      "zookeeper", "Restore a ZooKeeper snapshot: parents first, no ephemerals, existing znodes left alone");
  flags->zk.Register(cmd, true);
  flags->repo.Register(cmd, "--from");
  cmd->add_option("--name", flags->name, "the ensemble's name in the repository (default: its only one)");
  cmd->add_option("--snapshot", flags->snapshot, "snapshot id, e.g. 20261124T230102.123Z-0000001f00000a2c (default: newest)");
  cmd->add_option("--path", flags->path, "restore only this subtree of the snapshot")->capture_default_str();
  cmd->add_option("--to-path", flags->to_path, "put the subtree here, below the target's chroot (default: --path)");
  cmd->add_flag("--overwrite", flags->overwrite, "set data and ACL of znodes that exist on the target");
  cmd->add_flag("--dry-run", flags->dry_run,
                "print the plan (+ create, = skip-exists, ~ differs, * update, - skip) without writing");
  cmd->add_option("--profile", flags->profile, "none, or kafka: the rules for a ZooKeeper-mode Kafka tree")
      ->check(CLI::IsMember({"none", "kafka"}))
      ->capture_default_str();
  cmd->add_option("--kafka-cluster-id", flags->kafka_cluster_id,
                  "with --profile kafka: backup (the backup's /cluster/id wins) or keep (an id on the target stays)")
      ->check(CLI::IsMember({"backup", "keep"}))
      ->capture_default_str();
  cmd->add_option("--max-in-flight", flags->max_in_flight, "write requests in flight at most")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_flag("--no-progress", flags->no_progress, "no progress line");
  cmd->callback([flags, run] { *run = [flags] { return RunRestoreZookeeper(*flags); }; });
}

}  // namespace strata::cli
