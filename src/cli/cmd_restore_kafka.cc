// strata restore kafka: flags -> KafkaRestoreOptions -> RunKafkaRestore -> report, exit code.
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/foreign_backup.h"
#include "cli/kafka_flags.h"
#include "cli/progress.h"
#include "cli/repo_flags.h"
#include "core/log.h"
#include "daemon/shutdown.h"
#include "restore/flag_values.h"
#include "restore/kafka_restore.h"
#include "restore/kafka_target.h"
#include "restore/pipeline.h"

namespace strata::cli {
namespace {

struct RestoreKafkaFlags {
  KafkaFlags kafka;
  RepoFlags repo;
  std::string cluster;
  std::string snapshot;
  std::string at;
  std::string until;
  std::vector<std::string> topics;
  std::vector<std::string> renames;
  std::string partitions;
  int replication_factor = 0;
  bool dry_run = false;
  bool append = false;
  std::string max_rate;
  std::string groups = ".*";
  bool skip_groups = false;
  double memory_mib = 256;
  int fetch_threads = 4;
  int workers = 2;
  std::string compression = "lz4";
  int linger_ms = 10;
  double checkpoint_seconds = 10;
  bool no_progress = false;
};

// Producer settings for bulk writes; -X can override each.
std::vector<std::pair<std::string, std::string>> ProducerTuning(const RestoreKafkaFlags& f, uint64_t produce_budget) {
  return {{"linger.ms", std::to_string(f.linger_ms)},
          {"batch.size", std::to_string(1 << 20)},
          {"compression.type", f.compression},
          // The restore bounds what is in flight itself (half of --memory).
          {"queue.buffering.max.kbytes", std::to_string(produce_budget / 1024 + 16 * 1024)},
          {"queue.buffering.max.messages", "2000000"},
          // Single records up to Kafka's largest; the topic's max.message.bytes decides.
          {"message.max.bytes", "1000000000"}};
}

Result<restore::KafkaRestoreOptions> BuildOptions(const RestoreKafkaFlags& f) {
  restore::KafkaRestoreOptions o;
  if (!f.cluster.empty()) o.cluster = f.cluster;
  if (!f.snapshot.empty() && !f.at.empty()) return InvalidArgumentError("--snapshot and --at exclude each other");
  if (!f.snapshot.empty()) o.snapshot.snapshot_id = f.snapshot;
  if (!f.at.empty()) {
    STRATA_ASSIGN_OR_RETURN(int64_t at, restore::ParseTime(f.at));
    o.snapshot.at_ms = at;
  }
  if (!f.until.empty()) {
    STRATA_ASSIGN_OR_RETURN(int64_t until, restore::ParseTime(f.until));
    o.plan.until_ms = until;
  }
  o.plan.topics = f.topics;
  STRATA_ASSIGN_OR_RETURN(o.plan.renames, restore::ParseRenames(f.renames));
  if (!f.partitions.empty()) {
    STRATA_ASSIGN_OR_RETURN(auto parts, restore::ParsePartitionList(f.partitions));
    o.plan.partitions = std::move(parts);
  }
  o.plan.groups_regex = f.groups;
  o.plan.skip_groups = f.skip_groups;
  if (f.replication_factor > 0) o.replication_factor = static_cast<int16_t>(f.replication_factor);
  o.dry_run = f.dry_run;
  o.append = f.append;
  if (!f.max_rate.empty()) {
    STRATA_ASSIGN_OR_RETURN(double rate, restore::ParseByteRate(f.max_rate));
    o.max_bytes_per_sec = rate;
  }
  o.memory_budget = static_cast<uint64_t>(f.memory_mib * (1 << 20));
  o.fetch_threads = f.fetch_threads;
  o.workers = f.workers;
  o.checkpoint_interval = std::chrono::milliseconds(static_cast<int64_t>(f.checkpoint_seconds * 1000));
  return o;
}

void PrintResult(const restore::KafkaRestoreResult& r) {
  const char* verb = r.dry_run ? "would restore" : "restored";
  for (const auto& t : r.topics) {
    std::string what = t.created ? (r.dry_run ? "create topic" : "created topic") : "into existing topic";
    std::printf("  %s -> %s (%s, %d partitions): %d partitions, %lld records%s, %s %s%s\n", t.source.c_str(),
                t.target.c_str(), what.c_str(), t.target_partition_count, t.partitions,
                static_cast<long long>(t.records), r.dry_run ? " at most" : "",
                HumanBytes(static_cast<double>(t.bytes)).c_str(), r.dry_run ? "to read" : "read",
                t.log_append_time ? "; LogAppendTime: the brokers set the timestamps" : "");
  }
  for (const auto& g : r.groups) {
    if (r.dry_run) {
      std::printf("  group %s: would commit translated offsets of %d partitions\n", g.group.c_str(), g.partitions);
    } else if (g.status.ok()) {
      std::printf("  group %s: offsets committed (%d partitions)\n", g.group.c_str(), g.partitions);
    }
  }
  if (r.dry_run) {
    std::printf("dry run: %s snapshot %s of cluster %s; nothing written\n", verb, r.snapshot_id.c_str(),
                r.cluster.c_str());
    return;
  }
  if (r.already_complete) {
    std::printf("restore %s of snapshot %s was already complete (%lld records); nothing written; offset map %s\n",
                r.restore_id.c_str(), r.snapshot_id.c_str(), static_cast<long long>(r.records_total),
                r.offset_map_key.c_str());
    return;
  }
  std::printf("restore %s: snapshot %s, %lld records written (%s)%s, %lld in all; offset map %s\n",
              r.resumed ? "resumed and complete" : "complete", r.snapshot_id.c_str(), static_cast<long long>(r.records),
              HumanBytes(static_cast<double>(r.bytes)).c_str(), r.resumed ? " in this run" : "",
              static_cast<long long>(r.records_total), r.offset_map_key.c_str());
}

int RunRestoreKafka(const RestoreKafkaFlags& f) {
  auto options = BuildOptions(f);
  if (!options.ok()) return Fail(options.status());
  options->cancel = daemon::InstallShutdownHandlers();
  auto opened = f.repo.Open(backup::OpenMode::kExisting);
  if (!opened.ok()) return FailOpeningRepository(ExplainForeignBackup(f.repo, opened.status()));
  std::unique_ptr<restore::Target> target;
  if (!f.kafka.bootstrap.empty() || !f.kafka.command_config.empty() || !f.dry_run) {
    auto client = f.kafka.Build();
    if (!client.ok()) return Fail(client.status());
    options->target_description = client->bootstrap_servers;
    restore::KafkaTargetOptions to{*client, ProducerTuning(f, options->memory_budget / 2)};
    auto opened_target = restore::OpenKafkaTarget(to);
    if (!opened_target.ok()) return Fail(opened_target.status());
    target = std::move(*opened_target);
  }
  Progress progress(!f.no_progress && !f.dry_run);
  auto result = restore::RunKafkaRestore(*opened->repo, target.get(), *options, [&](const restore::RestoreProgress& p) {
    progress.Update("restore", p.records_done, p.records_total, p.records_done, p.bytes_sent);
  });
  progress.Close();
  if (!result.ok()) {
    if (restore::IsRefusal(result.status())) {
      std::fprintf(stderr, "strata: error: %s\n", result.status().message().c_str());
      return kExitPreflight;
    }
    return Fail(result.status());
  }
  for (const auto& w : result->warnings) log::Get("cli").warn("{}", w);
  PrintResult(*result);
  int failed_groups = 0;
  for (const auto& g : result->groups) {
    if (g.status.ok()) continue;
    ++failed_groups;
    std::fprintf(stderr, "strata: error: %s\n", g.status.message().c_str());
  }
  if (failed_groups > 0) {
    std::fprintf(stderr, "strata: records restored, but the offsets of %d consumer group(s) were not\n", failed_groups);
    return kExitPartial;
  }
  return kExitOk;
}

}  // namespace

void RegisterRestoreKafka(CLI::App* restore, RunFunction* run) {
  auto flags = std::make_shared<RestoreKafkaFlags>();
  CLI::App* cmd = restore->add_subcommand(
      "kafka", "Restore Kafka topics (records, configs, consumer group offsets) into a cluster");
  flags->kafka.Register(cmd, "target");
  flags->repo.Register(cmd, "--from");
  cmd->add_option("--cluster", flags->cluster, "source cluster in the repository (default: the only one)");
  cmd->add_option("--snapshot", flags->snapshot, "restore this snapshot (manifest id) instead of the latest");
  cmd->add_option("--at", flags->at, "restore the newest state backed up at or before TIME (ISO 8601 or epoch ms)");
  cmd->add_option("--until", flags->until, "restore only records with timestamps up to TIME (point in time)");
  cmd->add_option("-t,--topic", flags->topics, "topic to restore, by its backed-up name (repeatable; default all)");
  cmd->add_option("--rename", flags->renames, "restore topic OLD as NEW (OLD:NEW, repeatable)");
  cmd->add_option("--partitions", flags->partitions, "restore only these partitions, e.g. 0,2,5-7");
  cmd->add_option("--replication-factor", flags->replication_factor,
                  "replication factor of created topics (default: the backup's)")
      ->check(CLI::Range(1, 32767));
  cmd->add_flag("--dry-run", flags->dry_run, "print what would be created and written; write nothing");
  cmd->add_flag("--append", flags->append, "allow target partitions that already hold records (append after them)");
  cmd->add_option("--max-bytes-per-sec", flags->max_rate, "limit the write rate, e.g. 50MB or 20MiB");
  cmd->add_option("--groups", flags->groups, "restore offsets of consumer groups matching this regex")
      ->capture_default_str();
  cmd->add_flag("--skip-groups", flags->skip_groups, "do not restore consumer group offsets");
  cmd->add_option("--memory", flags->memory_mib, "MiB for fetched segments and records in flight")
      ->check(CLI::Range(4.0, 65536.0))
      ->capture_default_str();
  cmd->add_option("--fetch-threads", flags->fetch_threads, "parallel repository reads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--workers", flags->workers, "threads decoding and producing")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--compression", flags->compression, "producer compression: none, gzip, snappy, lz4 or zstd")
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
      ->capture_default_str();
  cmd->add_option("--linger-ms", flags->linger_ms, "producer linger.ms")->check(CLI::Range(0, 10000))->capture_default_str();
  cmd->add_option("--checkpoint-interval", flags->checkpoint_seconds, "seconds between progress checkpoints")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cmd->add_flag("--no-progress", flags->no_progress, "no progress line");
  cmd->callback([flags, run] { *run = [flags] { return RunRestoreKafka(*flags); }; });
}

}  // namespace strata::cli
