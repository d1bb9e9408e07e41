// strata verify: flags -> VerifyRepository or CompareWithKafka -> report, exit code.
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/foreign_backup.h"
#include "cli/kafka_flags.h"
#include "cli/progress.h"
#include "cli/repo_flags.h"
#include "daemon/shutdown.h"
#include "restore/flag_values.h"
#include "restore/kafka_target.h"
#include "restore/verify.h"
#include "restore/zk_verify.h"

namespace strata::cli {
namespace {

constexpr size_t kShortDigest = 16;

struct VerifyFlags {
  RepoFlags repo;
  KafkaFlags kafka;  // bootstrap comes from --against-kafka
  std::string cluster;
  std::string snapshot;
  std::string at;
  std::vector<std::string> topics;
  std::vector<std::string> renames;
  std::string partitions;
  std::string until;
  int threads = 4;
  bool no_progress = false;
};

Result<restore::SnapshotSelector> Selector(const VerifyFlags& f) {
  restore::SnapshotSelector s;
  if (!f.snapshot.empty() && !f.at.empty()) return InvalidArgumentError("--snapshot and --at exclude each other");
  if (!f.snapshot.empty()) s.snapshot_id = f.snapshot;
  if (!f.at.empty()) {
    STRATA_ASSIGN_OR_RETURN(int64_t at, restore::ParseTime(f.at));
    s.at_ms = at;
  }
  return s;
}

// The ZooKeeper snapshots: all of them, unless the flags select Kafka backups.
int VerifyZk(const backup::Repository& repo, bool kafka_found) {
  auto z = restore::VerifyZkSnapshots(repo, daemon::InstallShutdownHandlers());
  if (!z.ok()) return Fail(z.status());
  if (z->snapshots == 0 && z->problems.empty()) {
    if (kafka_found) return kExitOk;
    return Fail(NotFoundError(fmt::format("{} holds no backup", repo.url())));
  }
  for (const auto& p : z->problems) std::printf("DAMAGED: %s\n", p.c_str());
  std::printf("checked %d ZooKeeper snapshots (%llu znodes, %s): %s\n", z->snapshots,
              static_cast<unsigned long long>(z->znodes), HumanBytes(static_cast<double>(z->bytes)).c_str(),
              z->problems.empty() ? "OK" : fmt::format("{} PROBLEMS", z->problems.size()).c_str());
  return z->problems.empty() ? kExitOk : kExitVerifyFailed;
}

int VerifyRepo(const VerifyFlags& f, const backup::Repository& repo) {
  restore::VerifyOptions o;
  if (!f.cluster.empty()) o.cluster = f.cluster;
  auto selector = Selector(f);
  if (!selector.ok()) return Fail(selector.status());
  if (selector->snapshot_id || selector->at_ms) o.snapshot = *selector;
  bool kafka_only = o.cluster || o.snapshot;
  o.threads = f.threads;
  o.cancel = daemon::InstallShutdownHandlers();
  Progress progress(!f.no_progress);
  auto r = restore::VerifyRepository(repo, o, [&](const restore::VerifyProgress& p) {
    progress.Update("verify", p.segments_done, p.segments_total, 0, p.bytes);
  });
  progress.Close();
  if (!r.ok()) {
    // No Kafka backup: the repository may hold ZooKeeper snapshots only.
    if (kafka_only || r.status().code() != StatusCode::kNotFound) return Fail(r.status());
    return VerifyZk(repo, false);
  }
  for (const auto& p : r->problems) std::printf("DAMAGED: %s\n", p.c_str());
  std::printf("checked %d manifests, %d segments (%s, %lld records), %d restore records: %s\n", r->manifests,
              r->segments, HumanBytes(static_cast<double>(r->bytes)).c_str(), static_cast<long long>(r->records),
              r->restore_records,
              r->problems.empty() ? "OK" : fmt::format("{} PROBLEMS", r->problems.size()).c_str());
  int rc = r->problems.empty() ? kExitOk : kExitVerifyFailed;
  if (kafka_only) return rc;
  int zk = VerifyZk(repo, true);
  return rc != kExitOk ? rc : zk;
}

int CompareTopics(const VerifyFlags& f, const backup::Repository& repo) {
  restore::CompareOptions o;
  if (!f.cluster.empty()) o.cluster = f.cluster;
  auto selector = Selector(f);
  if (!selector.ok()) return Fail(selector.status());
  o.snapshot = *selector;
  o.topics = f.topics;
  auto renames = restore::ParseRenames(f.renames);
  if (!renames.ok()) return Fail(renames.status());
  o.renames = *renames;
  if (!f.partitions.empty()) {
    auto parts = restore::ParsePartitionList(f.partitions);
    if (!parts.ok()) return Fail(parts.status());
    o.partitions = *parts;
  }
  if (!f.until.empty()) {
    auto until = restore::ParseTime(f.until);
    if (!until.ok()) return Fail(until.status());
    o.until_ms = *until;
  }
  auto client = f.kafka.Build();
  if (!client.ok()) return Fail(client.status());
  auto target = restore::OpenKafkaTarget({*client, {}});
  if (!target.ok()) return Fail(target.status());
  auto r = restore::CompareWithKafka(repo, **target, o);
  if (!r.ok()) return Fail(r.status());
  int mismatches = 0;
  for (const auto& c : *r) {
    std::string name = fmt::format("{}/{} -> {}/{} (from offset {})", c.source_topic, c.partition, c.target_topic,
                                   c.partition, c.target_start);
    if (c.match()) {
      std::printf("%s: %lld records, digest %s%s: match\n", name.c_str(), static_cast<long long>(c.backup_records),
                  c.backup_digest.substr(0, kShortDigest).c_str(),
                  c.timestamps_compared ? "" : " (timestamps not compared: LogAppendTime)");
      continue;
    }
    ++mismatches;
    std::printf("%s: MISMATCH: backup %lld records (digest %s), target %lld (digest %s); first difference: %s\n",
                name.c_str(), static_cast<long long>(c.backup_records), c.backup_digest.substr(0, kShortDigest).c_str(),
                static_cast<long long>(c.target_records), c.target_digest.substr(0, kShortDigest).c_str(),
                c.first_difference.c_str());
  }
  std::printf("compared %zu partitions with the backup: %s\n", r->size(),
              mismatches == 0 ? "all match" : fmt::format("{} differ", mismatches).c_str());
  return mismatches == 0 ? kExitOk : kExitVerifyFailed;
}

int RunVerify(const VerifyFlags& f) {
  auto opened = f.repo.Open(backup::OpenMode::kExisting);
  if (!opened.ok()) return FailOpeningRepository(ExplainForeignBackup(f.repo, opened.status()));
  if (!f.kafka.bootstrap.empty()) return CompareTopics(f, *opened->repo);
  if (!f.topics.empty()) return Fail(InvalidArgumentError("--topic compares with a cluster: add --against-kafka HOST:PORT"));
  return VerifyRepo(f, *opened->repo);
}

}  // namespace

void RegisterVerify(CLI::App* app, RunFunction* run) {
  auto flags = std::make_shared<VerifyFlags>();
  CLI::App* cmd = app->add_subcommand(
      "verify",
      "Check a repository's Kafka backups and ZooKeeper snapshots (checksums, counts) without restoring, or compare "
      "a restored topic with its backup (--against-kafka)");
  flags->repo.Register(cmd, "--from");
  cmd->add_option("--cluster", flags->cluster, "only this cluster's backups (default: all)");
  cmd->add_option("--snapshot", flags->snapshot, "only this snapshot (default: every manifest)");
  cmd->add_option("--at", flags->at, "only the newest state backed up at or before TIME");
  cmd->add_option("--threads", flags->threads, "segments checked in parallel")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--against-kafka", flags->kafka.bootstrap,
                  "compare the backup of --topic with this cluster's topic, record by record (HOST:PORT)");
  cmd->add_option("--command-config", flags->kafka.command_config, "Java client.properties for --against-kafka");
  cmd->add_option("-X", flags->kafka.properties, "librdkafka property key=value for --against-kafka (repeatable)");
  cmd->add_option("-t,--topic", flags->topics, "backed-up topic to compare (repeatable)");
  cmd->add_option("--rename", flags->renames, "the topic was restored as NEW (OLD:NEW, repeatable)");
  cmd->add_option("--partitions", flags->partitions, "compare only these partitions, e.g. 0,2,5-7");
  cmd->add_option("--until", flags->until, "the restore used --until TIME: compare records up to TIME");
  cmd->add_flag("--no-progress", flags->no_progress, "no progress line");
  cmd->callback([flags, run] { *run = [flags] { return RunVerify(*flags); }; });
}

}  // namespace strata::cli
