// KafkaBackup: the `strata backup kafka` job. Reads the selected topics from a Kafka
// cluster up to the high watermarks taken at start (one-shot) or continuously (follow),
// writes segments (Kafka record batches) and their indexes to the repository, and
// commits the run with a manifest (docs/format.md). Incremental: each partition resumes
// at the previous manifest's next_offset. Then it commits its position to a consumer
// group, so `kafka-consumer-groups --describe` shows the backup's lag.
//
// A run that fails or is cancelled before its manifest leaves only unreferenced objects.
// One job per process; Run() is not reentrant.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backup/repository.h"
#include "core/deadline.h"
#include "core/result.h"
#include "kafka/client_options.h"
#include "kafka/consumer.h"

namespace strata::backup {

// How records are read (docs/kafka-backup.md, "Readers").
enum class KafkaReader {
  // kRaw for PLAINTEXT clusters outside scale-out mode, kLibrdkafka otherwise.
  kAuto,
  // Kafka's Fetch protocol: the source's record batches are stored byte for byte (no
  // decompression and compression). PLAINTEXT listeners only; gzip and snappy batches
  // and pre-0.11 message sets are refused (use kLibrdkafka for those topics).
  kRaw,
  // librdkafka's consumer: records are re-encoded into zstd batches. Any security
  // protocol, any source codec.
  kLibrdkafka,
};

struct KafkaBackupOptions {
  kafka::ClientOptions client;
  // Topics by exact name, and/or a regular expression (ECMAScript, whole name) matched
  // against every topic. Internal topics (names starting "__") only by exact name.
  std::vector<std::string> topics;
  std::optional<std::string> topic_regex;
  // The repository's name for this cluster; default: the Kafka cluster id.
  std::optional<std::string> cluster;
  kafka::Isolation isolation = kafka::Isolation::kReadCommitted;
  KafkaReader reader = KafkaReader::kAuto;
  // Consumer groups whose committed offsets on the selected topics are captured
  // (ECMAScript regex); default: all.
  std::string groups_regex = ".*";
  // The group the backup commits its position to; default "strata-backup-<cluster>".
  std::optional<std::string> backup_group;

  // A segment ends when it reaches this many bytes (default 64 MiB). Larger segments
  // mean fewer objects; smaller ones let a restore or a crash redo less.
  uint64_t segment_bytes = 64ull << 20;
  // Bytes held in memory for segments being built or waiting for upload (default
  // 256 MiB). When reached, the largest segment in progress is ended early.
  uint64_t memory_budget = 256ull << 20;
  int upload_threads = 4;
  // zstd level of the batches: 1 is about twice as fast as 3 and a few percent larger.
  int zstd_level = 1;

  // Follow mode: never stop at the high watermark; write a checkpoint manifest every
  // `checkpoint_interval` and when cancelled.
  bool follow = false;
  std::chrono::milliseconds checkpoint_interval{60'000};
  // Follow mode only: join the backup group as a member, so several processes started
  // with the same group share the partitions (Kafka's consumer group protocol). Before a
  // partition moves away, its segments are uploaded and a manifest written; the member
  // that gets it resumes from the newest manifest. Every manifest still covers the whole
  // selection: partitions other members read appear as of their newest manifest.
  bool scale_out = false;

  // Stop cleanly (flush, write a manifest) when cancelled.
  CancelToken cancel;
  // Limit for broker round trips (metadata, watermarks, group calls).
  std::chrono::milliseconds request_timeout{30'000};
};

// Progress of one topic, reported while the job runs.
struct TopicProgress {
  std::string topic;
  int64_t records = 0;        // read in this run
  int64_t bytes = 0;          // key+value+header bytes read in this run
  int64_t remaining_offsets = 0;  // offsets left below the target high watermarks
};

struct KafkaBackupResult {
  std::string manifest_key;      // the last manifest written
  int manifests_written = 0;
  int partitions = 0;
  int64_t records = 0;           // records read in this run
  int64_t bytes_read = 0;        // key+value+header bytes
  int64_t bytes_stored = 0;      // segment and index bytes uploaded
  int segments_written = 0;
  std::vector<std::string> gaps; // "topic/partition offsets A..B (retention)"
  bool complete = false;         // lag 0 reached on every partition
  std::vector<std::string> warnings;
};

using ProgressCallback = std::function<void(const std::vector<TopicProgress>&)>;

// Runs a backup into `repo`. NotFound when the selection matches no topic; the Kafka,
// storage and repository errors otherwise (nothing is committed then). A cancelled
// one-shot run still writes a manifest for what it read (complete=false) and returns
// its result; the caller reports it as partial.
Result<KafkaBackupResult> RunKafkaBackup(const Repository& repo, const KafkaBackupOptions& options,
                                         const ProgressCallback& progress = {});

}  // namespace strata::backup
