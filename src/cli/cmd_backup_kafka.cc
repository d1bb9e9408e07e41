// strata backup kafka: flags -> KafkaBackupOptions -> RunKafkaBackup -> exit code.
#include <fmt/format.h>

#include <cstdio>

#include "backup/kafka_backup.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/kafka_flags.h"
#include "cli/progress.h"
#include "cli/repo_flags.h"
#include "core/log.h"
#include "daemon/shutdown.h"

namespace strata::cli {
namespace {

struct BackupKafkaFlags {
  KafkaFlags kafka;
  RepoFlags repo;
  std::vector<std::string> topics;
  std::string topic_regex;
  std::string cluster;
  std::string isolation = "read_committed";
  std::string reader = "auto";
  std::string groups = ".*";
  std::string group_id;
  bool follow = false;
  bool scale_out = true;
  double checkpoint_seconds = 60;
  double segment_mib = 64;
  double memory_mib = 256;
  int upload_threads = 4;
  int zstd_level = 1;
  bool no_progress = false;
};

int RunBackupKafka(const BackupKafkaFlags& f) {
  auto client = f.kafka.Build();
  if (!client.ok()) return Fail(client.status());
  backup::KafkaBackupOptions o;
  o.client = *client;
  o.topics = f.topics;
  if (!f.topic_regex.empty()) o.topic_regex = f.topic_regex;
  if (!f.cluster.empty()) o.cluster = f.cluster;
  o.isolation = f.isolation == "read_uncommitted" ? kafka::Isolation::kReadUncommitted : kafka::Isolation::kReadCommitted;
  o.reader = f.reader == "raw"          ? backup::KafkaReader::kRaw
             : f.reader == "librdkafka" ? backup::KafkaReader::kLibrdkafka
                                        : backup::KafkaReader::kAuto;
  o.groups_regex = f.groups;
  if (!f.group_id.empty()) o.backup_group = f.group_id;
  o.follow = f.follow;
  o.scale_out = f.follow && f.scale_out;
  o.checkpoint_interval = std::chrono::milliseconds(static_cast<int64_t>(f.checkpoint_seconds * 1000));
  o.segment_bytes = static_cast<uint64_t>(f.segment_mib * (1 << 20));
  o.memory_budget = static_cast<uint64_t>(f.memory_mib * (1 << 20));
  o.upload_threads = f.upload_threads;
  o.zstd_level = f.zstd_level;
  o.cancel = daemon::InstallShutdownHandlers();

  auto opened = f.repo.Open(backup::OpenMode::kCreateIfMissing);
  if (!opened.ok()) return Fail(opened.status());

  Progress progress(!f.no_progress && !f.follow);
  auto result = backup::RunKafkaBackup(*opened->repo, o, [&](const std::vector<backup::TopicProgress>& topics) {
    int64_t records = 0, bytes = 0, remaining = 0;
    for (const auto& t : topics) {
      records += t.records;
      bytes += t.bytes;
      remaining += t.remaining_offsets;
    }
    progress.Update(topics.size() == 1 ? topics[0].topic : fmt::format("{} topics", topics.size()), records,
                    records + remaining, records, bytes);
  });
  progress.Close();
  if (!result.ok()) return Fail(result.status());
  const auto& r = *result;
  for (const auto& w : r.warnings) log::Get("cli").warn("{}", w);
  for (const auto& g : r.gaps) log::Get("cli").warn("gap: {}", g);
  std::printf("backup %s: %d partitions, %lld records, %s read, %s stored in %d segments; manifest %s\n",
              r.complete ? "complete" : "INCOMPLETE", r.partitions, static_cast<long long>(r.records),
              HumanBytes(static_cast<double>(r.bytes_read)).c_str(),
              HumanBytes(static_cast<double>(r.bytes_stored)).c_str(), r.segments_written, r.manifest_key.c_str());
  if (o.cancel.cancelled()) return kExitCancelled;
  if (!r.complete || !r.gaps.empty()) return kExitPartial;
  return kExitOk;
}

}  // namespace

void RegisterBackupKafka(CLI::App* backup, RunFunction* run) {
  auto flags = std::make_shared<BackupKafkaFlags>();
  CLI::App* cmd = backup->add_subcommand("kafka", "Back up Kafka topics (records, configs, consumer group offsets)");
  flags->kafka.Register(cmd, "source");
  flags->repo.Register(cmd, "--to");
  cmd->add_option("-t,--topic", flags->topics, "topic to back up (repeatable)");
  cmd->add_option("--topic-regex", flags->topic_regex, "back up every topic whose whole name matches (ECMAScript regex)");
  cmd->add_option("--cluster", flags->cluster, "name of the cluster in the repository (default: its cluster id)");
  cmd->add_option("--isolation", flags->isolation, "read_committed (skip aborted transactions) or read_uncommitted")
      ->check(CLI::IsMember({"read_committed", "read_uncommitted"}))
      ->capture_default_str();
  cmd->add_option("--reader", flags->reader,
                  "raw (store the brokers' record batches as they are; PLAINTEXT only), librdkafka (re-encode "
                  "records with zstd; any security protocol and codec) or auto (raw for PLAINTEXT clusters "
                  "outside scale-out mode)")
      ->check(CLI::IsMember({"auto", "raw", "librdkafka"}))
      ->capture_default_str();
  cmd->add_option("--groups", flags->groups, "capture committed offsets of consumer groups matching this regex")
      ->capture_default_str();
  cmd->add_option("--group-id", flags->group_id, "group the backup commits its position to (default strata-backup-<cluster>)");
  cmd->add_flag("--follow", flags->follow, "keep backing up new records; checkpoint every --checkpoint-interval");
  cmd->add_flag("--scale-out,!--no-scale-out", flags->scale_out,
                "with --follow, share the partitions with every instance started with the same --group-id "
                "(Kafka's consumer group protocol; default on)");
  cmd->add_option("--checkpoint-interval", flags->checkpoint_seconds, "seconds between checkpoints with --follow")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--segment-size", flags->segment_mib, "MiB per segment object")->check(CLI::Range(1.0, 4096.0))->capture_default_str();
  cmd->add_option("--memory", flags->memory_mib, "MiB of segments held in memory at most")->check(CLI::Range(16.0, 65536.0))->capture_default_str();
  cmd->add_option("--upload-threads", flags->upload_threads, "parallel uploads")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--zstd-level", flags->zstd_level, "zstd level of the batches (1-22)")->check(CLI::Range(1, 22))->capture_default_str();
  cmd->add_flag("--no-progress", flags->no_progress, "no progress line");
  cmd->callback([flags, run] { *run = [flags] { return RunBackupKafka(*flags); }; });
}

}  // namespace strata::cli
