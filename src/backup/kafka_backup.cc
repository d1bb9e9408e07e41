#include "backup/kafka_backup.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <regex>

#include "backup/encode_workers.h"
#include "backup/kafka_backup_metadata.h"
#include "backup/log.h"
#include "backup/partition_task.h"
#include "backup/segment_uploader.h"
#include "core/version.h"
#include "format/batch_check.h"
#include "kafka/admin.h"
#include "kafka/raw_fetcher.h"

namespace strata::backup {
namespace {

using Clock = std::chrono::steady_clock;

// How long a partition may sit below its target with the consumer at the partition's end
// before a one-shot run gives up on it: an open transaction holds the last stable offset
// below the high watermark, and read_committed cannot read past it.
constexpr auto kStalledAtEnd = std::chrono::seconds(30);
constexpr auto kPollWait = std::chrono::milliseconds(200);
constexpr auto kProgressEvery = std::chrono::seconds(1);
// Records queued per encoding worker (about 8 MiB of 1 KiB records).
constexpr size_t kWorkerQueueItems = 8192;

// Adds to a counter only one thread writes (no read-modify-write instruction needed).
void Count(std::atomic<int64_t>& counter, int64_t n) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

class Job : public kafka::RebalanceListener {
 public:
  Job(const Repository& repo, const KafkaBackupOptions& options, const ProgressCallback& progress)
      : repo_(repo), options_(options), progress_(progress), run_(NewRunId()) {}

  Result<KafkaBackupResult> Run();

  // Scale-out: the group moves partitions.
  Status OnRevoked(const std::vector<kafka::TopicPartition>& partitions) override;
  Result<std::vector<kafka::PartitionStart>> OnAssigned(const std::vector<kafka::TopicPartition>& partitions) override;

 private:
  Deadline Rpc() const { return Deadline::After(options_.request_timeout); }
  Status Plan();
  Status Read();
  Status HandleOutOfRange();
  Status OpenRawReader();
  Status PollRaw();
  Status FallBackToLibrdkafka(const Status& why);
  Status AfterPoll(std::vector<bool>& finished, size_t& open, Clock::time_point& last_checkpoint,
                   std::optional<size_t> touched, bool sweep);
  Status Seal(PartitionTask& task, uint64_t& buffered);
  Status SealAll();
  Status EnforceBudget(size_t worker);
  Status Encode(EncodeItem& item);
  Status EncodeRaw(EncodeItem& item);
  int Workers() const;
  // Bytes for segments in progress and uploads waiting: what librdkafka's queue leaves.
  uint64_t SegmentBudget() const { return options_.memory_budget / 2; }
  Status Checkpoint(bool final);
  std::map<std::string, int32_t> Wanted() const;
  Status RefreshUnowned();
  void ReportProgress(bool force);
  PartitionTask* Find(std::string_view topic, int32_t partition);

  const Repository& repo_;
  const KafkaBackupOptions& options_;
  const ProgressCallback& progress_;
  const std::string run_;
  std::string cluster_;
  std::string cluster_id_;
  std::string backup_group_;
  std::unique_ptr<kafka::Admin> admin_;
  std::unique_ptr<kafka::Consumer> consumer_;
  // The raw reader, when used; consumer_ then only queries watermarks and commits.
  std::unique_ptr<kafka::RawFetcher> raw_;
  // Segment buffers back from their upload, for the next segments.
  std::unique_ptr<BufferRecycler> buffers_;
  std::unique_ptr<SegmentUploader> uploader_;
  std::vector<TopicMeta> topics_;
  std::vector<PartitionTask> tasks_;
  std::map<std::string, std::vector<size_t>, std::less<>> by_topic_;  // topic -> task index by partition
  std::unique_ptr<EncodeWorkers> workers_;
  // Bytes in the buffers of the tasks each worker owns (task index % workers); each entry
  // is touched only by its worker, or by the reading thread while the workers are idle.
  std::vector<uint64_t> buffered_;
  std::atomic<int> segments_written_{0};
  std::atomic<int64_t> bytes_stored_{0};
  // What the reading thread has handed to the workers, per task: the next offset, and
  // since when the partition has been at its end below the target.
  std::vector<int64_t> dispatched_;
  std::vector<std::optional<Clock::time_point>> at_end_since_;
  // Records and bytes read per task: counted by the reading thread (librdkafka reader) or
  // by the task's worker (raw reader), read by progress reports.
  std::vector<std::atomic<int64_t>> records_in_, bytes_in_;
  // Whether this process reads the task's partition: always, unless scale-out lets the
  // group decide. Other tasks mirror the newest manifest's state.
  std::vector<bool> owned_;
  KafkaBackupResult result_;
  Clock::time_point last_progress_{};
};

PartitionTask* Job::Find(std::string_view topic, int32_t partition) {
  auto it = by_topic_.find(topic);
  if (it == by_topic_.end() || partition < 0 || static_cast<size_t>(partition) >= it->second.size()) return nullptr;
  size_t i = it->second[partition];
  return i < tasks_.size() ? &tasks_[i] : nullptr;
}

Status Job::Plan() {
  STRATA_ASSIGN_OR_RETURN(admin_, kafka::Admin::Open(options_.client));
  STRATA_ASSIGN_OR_RETURN(cluster_id_, admin_->ClusterId(Rpc()));
  cluster_ = options_.cluster.value_or(cluster_id_);
  backup_group_ = options_.backup_group.value_or("strata-backup-" + cluster_);
  STRATA_ASSIGN_OR_RETURN(topics_, SelectTopics(*admin_, options_, Rpc()));
  auto wanted = Wanted();
  STRATA_ASSIGN_OR_RETURN(Repository::LatestState latest, repo_.LatestKafkaState(cluster_, &wanted));

  kafka::ConsumerOptions copts;
  copts.isolation = options_.isolation;
  copts.group_id = backup_group_;
  copts.report_partition_end = true;
  // Half the memory budget is librdkafka's fetch queue (it must hold more than a second
  // of data, see performance notes in docs/kafka-backup.md), half the segments.
  copts.queue_kbytes = static_cast<int>(std::max<uint64_t>(options_.memory_budget / 2 / 1024, 16 * 1024));
  STRATA_ASSIGN_OR_RETURN(consumer_, kafka::Consumer::Open(options_.client, copts));

  for (const auto& topic : topics_) {
    const format::TopicState* prev = nullptr;
    if (auto it = latest.topics.find(topic.name); it != latest.topics.end()) prev = &it->second;
    std::vector<size_t>& index = by_topic_[topic.name];
    index.assign(topic.partition_count, SIZE_MAX);
    for (int32_t p = 0; p < topic.partition_count; ++p) {
      STRATA_ASSIGN_OR_RETURN(kafka::Watermarks wm, consumer_->QueryWatermarks(topic.name, p, Rpc()));
      const format::PartitionState* prev_part = nullptr;
      if (prev != nullptr) {
        for (const auto& ps : prev->partitions) {
          if (ps.partition == p) prev_part = &ps;
        }
      }
      STRATA_ASSIGN_OR_RETURN(PartitionTask task, PartitionTask::Start(topic.name, p, prev_part, wm));
      for (const auto& g : task.new_gaps()) result_.gaps.push_back(g);
      index[p] = tasks_.size();
      tasks_.push_back(std::move(task));
    }
  }
  return OkStatus();
}

int Job::Workers() const {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::min<size_t>(std::max<size_t>(1, tasks_.size()), cores));
}

Status Job::Seal(PartitionTask& task, uint64_t& buffered) {
  STRATA_ASSIGN_OR_RETURN(std::optional<SealedSegment> sealed, task.Seal(cluster_, run_));
  buffered -= task.take_released_bytes();
  if (!sealed) return OkStatus();
  ++segments_written_;
  bytes_stored_ += static_cast<int64_t>(sealed->data.size() + sealed->index.size());
  std::vector<UploadItem> items;
  items.push_back({sealed->key, std::move(sealed->data), sealed->crc32c});
  items.push_back({sealed->index_key, std::move(sealed->index), std::nullopt});
  return uploader_->Submit(std::move(items), nullptr);
}

// REQUIRES: the workers are idle.
Status Job::SealAll() {
  for (size_t i = 0; i < tasks_.size(); ++i) STRATA_RETURN_IF_ERROR(Seal(tasks_[i], buffered_[i % buffered_.size()]));
  return OkStatus();
}

// Keeps this worker's segments in progress, plus its share of the uploads waiting, under
// its share of the memory budget by ending its largest segment in progress early.
Status Job::EnforceBudget(size_t worker) {
  const uint64_t share = SegmentBudget() / buffered_.size();
  const uint64_t upload_share = uploader_->queued_bytes() / buffered_.size();
  uint64_t& buffered = buffered_[worker];
  while (buffered > 0 && buffered + upload_share > share) {
    PartitionTask* largest = nullptr;
    for (size_t i = worker; i < tasks_.size(); i += buffered_.size()) {
      if (largest == nullptr || tasks_[i].buffered_bytes() > largest->buffered_bytes()) largest = &tasks_[i];
    }
    if (largest == nullptr || largest->buffered_bytes() == 0) break;
    STRATA_RETURN_IF_ERROR(Seal(*largest, buffered));
  }
  return OkStatus();
}

// Runs on the worker that owns item.task.
Status Job::Encode(EncodeItem& item) {
  if (item.chunk) return EncodeRaw(item);
  PartitionTask& task = tasks_[item.task];
  uint64_t& buffered = buffered_[item.task % buffered_.size()];
  if (!item.record) {
    task.AtEnd(item.end_offset);
    return OkStatus();
  }
  uint64_t before = task.buffered_bytes();
  STRATA_RETURN_IF_ERROR(task.Add(*item.record, options_, *buffers_));
  buffered += task.buffered_bytes() - before;
  if (task.buffered_bytes() >= options_.segment_bytes) STRATA_RETURN_IF_ERROR(Seal(task, buffered));
  return EnforceBudget(item.task % buffered_.size());
}

Status Job::HandleOutOfRange() {
  // The broker deleted offsets we had not read yet (retention). Find which partitions
  // fell behind their log start, record the gap, and resume at the new start.
  STRATA_RETURN_IF_ERROR(workers_->Drain());
  std::vector<kafka::PartitionStart> starts;
  for (size_t i = 0; i < tasks_.size(); ++i) {
    PartitionTask& task = tasks_[i];
    if ((task.done() && !options_.follow) || !owned_[i]) continue;
    STRATA_ASSIGN_OR_RETURN(kafka::Watermarks wm, consumer_->QueryWatermarks(task.topic(), task.partition(), Rpc()));
    if (task.position() < wm.low) {
      STRATA_RETURN_IF_ERROR(Seal(task, buffered_[i % buffered_.size()]));
      result_.gaps.push_back(task.SkipTo(wm.low, "unreadable"));
      Log().warn("{}/{}: offsets {} lost to retention while backing up", task.topic(),
                              task.partition(), result_.gaps.back());
    }
    dispatched_[i] = task.position();
    starts.push_back({task.topic(), task.partition(), task.position()});
  }
  return raw_ ? raw_->Assign(starts) : consumer_->Assign(starts);
}

Status Job::Read() {
  if (options_.scale_out) {
    std::vector<std::string> names;
    for (const auto& t : topics_) names.push_back(t.name);
    STRATA_RETURN_IF_ERROR(consumer_->Subscribe(names, this));
  } else {
    std::vector<kafka::PartitionStart> starts;
    for (const auto& t : tasks_) {
      if (!t.done() || options_.follow) starts.push_back({t.topic(), t.partition(), t.position()});
    }
    if (starts.empty()) return OkStatus();
    STRATA_RETURN_IF_ERROR(raw_ ? raw_->Assign(starts) : consumer_->Assign(starts));
  }
  size_t open = 0;
  std::vector<bool> finished(tasks_.size());
  for (size_t i = 0; i < tasks_.size(); ++i) {
    finished[i] = tasks_[i].done();
    open += finished[i] ? 0 : 1;
  }
  auto last_checkpoint = Clock::now();
  // Checks that look at every partition or at the clock run every this many events (and
  // whenever a poll comes back empty), not per record.
  constexpr uint32_t kSweepEvery = 1024;
  uint32_t events = 0;
  while ((open > 0 || options_.follow) && !options_.cancel.cancelled()) {
    if (raw_) {
      STRATA_RETURN_IF_ERROR(PollRaw());
      STRATA_RETURN_IF_ERROR(AfterPoll(finished, open, last_checkpoint, std::nullopt, true));
      continue;
    }
    std::optional<size_t> touched;
    auto ev = consumer_->PollMessage(Deadline::After(kPollWait));
    if (!ev.ok()) {
      if (ev.status().code() == StatusCode::kOutOfRange) {
        STRATA_RETURN_IF_ERROR(HandleOutOfRange());
        continue;
      }
      if (IsTransient(ev.status())) {
        Log().warn("reading from Kafka: {} (retrying)", ev.status().ToString());
        continue;
      }
      return ev.status();
    }
    if (ev->message) {
      const kafka::Message& m = *ev->message;
      PartitionTask* task = Find(m.topic(), m.partition());
      if (task == nullptr) {
        return InternalError(fmt::format("record from unassigned partition {}/{}", m.topic(), m.partition()));
      }
      size_t i = static_cast<size_t>(task - tasks_.data());
      if (!owned_[i]) continue;  // fetched before the group took the partition away
      dispatched_[i] = std::max(dispatched_[i], m.offset() + 1);
      at_end_since_[i].reset();
      touched = i;
      Count(records_in_[i], 1);
      Count(bytes_in_[i], static_cast<int64_t>(RecordBytes(m)));
      STRATA_RETURN_IF_ERROR(workers_->Submit(EncodeItem{i, std::move(ev->message), std::nullopt, -1}));
    } else if (ev->end) {
      PartitionTask* task = Find(ev->end->topic, ev->end->partition);
      if (task != nullptr && owned_[task - tasks_.data()]) {
        size_t i = static_cast<size_t>(task - tasks_.data());
        dispatched_[i] = std::max(dispatched_[i], ev->end->offset);
        if (!at_end_since_[i]) at_end_since_[i] = Clock::now();
        touched = i;
        STRATA_RETURN_IF_ERROR(workers_->Submit(EncodeItem{i, std::nullopt, std::nullopt, ev->end->offset}));
      }
    }
    bool sweep = ev->empty() || ++events % kSweepEvery == 0;
    STRATA_RETURN_IF_ERROR(AfterPoll(finished, open, last_checkpoint, touched, sweep));
  }
  STRATA_RETURN_IF_ERROR(workers_->Drain());
  for (size_t i = 0; i < tasks_.size(); ++i) {
    PartitionTask& task = tasks_[i];
    if (options_.follow || task.done() || !finished[i]) continue;
    if (task.position() < task.target()) {
      result_.warnings.push_back(fmt::format(
          "{}/{}: stopped at offset {} below the high watermark {}: a transaction is still open "
          "(read_committed cannot read past it)",
          task.topic(), task.partition(), task.position(), task.target()));
    }
    task.MarkDone();
  }
  return OkStatus();
}

// After each poll: partitions that reached their target, checkpoints, progress.
// After a poll: which partitions of a one-shot run are done (the one the poll touched;
// every one on a sweep), and on a sweep the checkpoint due in follow mode and progress.
Status Job::AfterPoll(std::vector<bool>& finished, size_t& open, Clock::time_point& last_checkpoint,
                      std::optional<size_t> touched, bool sweep) {
  auto finish_if_done = [&](size_t i) {
    if (finished[i]) return;
    bool stalled = at_end_since_[i] && Clock::now() - *at_end_since_[i] >= kStalledAtEnd;
    if (dispatched_[i] >= tasks_[i].target() || stalled) {
      finished[i] = true;
      --open;
    }
  };
  if (!options_.follow) {
    if (touched) finish_if_done(*touched);
    if (sweep) {
      for (size_t i = 0; i < tasks_.size(); ++i) finish_if_done(i);
    }
  }
  if (!sweep) return OkStatus();
  if (options_.follow && Clock::now() - last_checkpoint >= options_.checkpoint_interval) {
    // A member the group gave nothing (yet) has nothing new to record.
    if (std::any_of(owned_.begin(), owned_.end(), [](bool b) { return b; })) {
      STRATA_RETURN_IF_ERROR(Checkpoint(false));
    }
    last_checkpoint = Clock::now();
  }
  ReportProgress(false);
  return OkStatus();
}

Status Job::OpenRawReader() {
  bool plaintext = kafka::RawFetcher::Supports(options_.client);
  if (options_.reader == KafkaReader::kLibrdkafka) return OkStatus();
  if (options_.reader == KafkaReader::kRaw && !plaintext) {
    return InvalidArgumentError(
        "--reader raw speaks only to PLAINTEXT listeners; this cluster uses another security.protocol: "
        "use --reader librdkafka (or auto)");
  }
  if (!plaintext) return OkStatus();
  if (options_.scale_out) {
    // The group decides the partitions through librdkafka's consumer; it reads them too.
    if (options_.reader == KafkaReader::kRaw) Log().warn("scale-out mode reads with librdkafka, not the raw reader");
    return OkStatus();
  }
  kafka::RawFetcherOptions ro;
  ro.isolation = options_.isolation;
  ro.request_timeout = options_.request_timeout;
  // As the librdkafka reader's queue: half the memory budget (the rest is for segments).
  ro.queue_bytes = options_.memory_budget / 2;
  // Checks every batch (CRC-32C, records) on the fetching threads, beside this one.
  ro.prepare = [](kafka::RawChunk& chunk) -> Status {
    thread_local format::BatchChecker checker;
    std::vector<format::CheckedBatch> checked;
    checked.reserve(chunk.batches.size());
    for (const auto& b : chunk.batches) {
      STRATA_ASSIGN_OR_RETURN(format::CheckedBatch c, checker.Check(b.bytes));
      checked.push_back(c);
    }
    chunk.prepared = std::move(checked);
    return OkStatus();
  };
  STRATA_ASSIGN_OR_RETURN(raw_, kafka::RawFetcher::Open(options_.client, ro));
  Log().info("reading with the raw reader (record batches stored as the brokers hold them)");
  return OkStatus();
}

// The raw reader's counterpart of one consumer poll: a chunk of one partition's batches
// goes to the partition's worker (appending them to the segment is a copy and a hash).
Status Job::PollRaw() {
  auto chunk = raw_->Poll(Deadline::After(kPollWait));
  if (!chunk.ok()) {
    if (chunk.status().code() == StatusCode::kOutOfRange) return HandleOutOfRange();
    if (chunk.status().code() == StatusCode::kUnimplemented && options_.reader == KafkaReader::kAuto) {
      return FallBackToLibrdkafka(chunk.status());
    }
    if (IsTransient(chunk.status())) {
      Log().warn("reading from Kafka: {} (retrying)", chunk.status().ToString());
      return OkStatus();
    }
    return chunk.status();
  }
  if (!*chunk) return OkStatus();
  kafka::RawChunk& c = **chunk;
  PartitionTask* task = Find(c.topic, c.partition);
  if (task == nullptr) return InternalError(fmt::format("batches from unassigned partition {}/{}", c.topic, c.partition));
  size_t i = static_cast<size_t>(task - tasks_.data());
  if (!owned_[i]) return OkStatus();
  dispatched_[i] = std::max(dispatched_[i], c.next_offset);
  if (c.next_offset >= c.end_offset) {
    if (!at_end_since_[i]) at_end_since_[i] = Clock::now();
  } else {
    at_end_since_[i].reset();
  }
  int64_t next = c.next_offset;
  return workers_->Submit(EncodeItem{i, std::nullopt, std::move(c), next});
}

// Runs on the worker that owns item.task.
Status Job::EncodeRaw(EncodeItem& item) {
  PartitionTask& task = tasks_[item.task];
  uint64_t& buffered = buffered_[item.task % buffered_.size()];
  const kafka::RawChunk& c = *item.chunk;
  if (!c.batches.empty()) {
    const auto& checked = std::any_cast<const std::vector<format::CheckedBatch>&>(c.prepared);
    for (size_t b = 0; b < c.batches.size(); ++b) {
      uint64_t before = task.buffered_bytes();
      STRATA_ASSIGN_OR_RETURN(int64_t added, task.AddBatch(c.batches[b].bytes, checked[b], options_, *buffers_));
      buffered += task.buffered_bytes() - before;
      if (added > 0) {
        Count(records_in_[item.task], added);
        Count(bytes_in_[item.task], static_cast<int64_t>(c.batches[b].bytes.size()));
      }
      if (task.buffered_bytes() >= options_.segment_bytes) STRATA_RETURN_IF_ERROR(Seal(task, buffered));
    }
  }
  task.SkipPast(item.end_offset);
  return EnforceBudget(item.task % buffered_.size());
}

// Batches the raw reader cannot keep as they are (gzip, snappy, pre-0.11 message sets):
// with --reader auto, the rest of the run reads through librdkafka, from where each
// partition's segments end (nothing from the raw reader's queue is half-used).
Status Job::FallBackToLibrdkafka(const Status& why) {
  Log().warn("{}; reading the rest of this run with librdkafka", why.message());
  // The workers finish the chunks before the failed one: each partition's position is
  // then where its segments end.
  STRATA_RETURN_IF_ERROR(workers_->Drain());
  raw_.reset();
  std::vector<kafka::PartitionStart> starts;
  for (size_t i = 0; i < tasks_.size(); ++i) {
    if (!owned_[i] || (tasks_[i].done() && !options_.follow)) continue;
    dispatched_[i] = tasks_[i].position();
    at_end_since_[i].reset();
    starts.push_back({tasks_[i].topic(), tasks_[i].partition(), tasks_[i].position()});
  }
  return consumer_->Assign(starts);
}

Status Job::Checkpoint(bool final) {
  STRATA_RETURN_IF_ERROR(workers_->Drain());
  STRATA_RETURN_IF_ERROR(SealAll());
  STRATA_RETURN_IF_ERROR(uploader_->Finish());
  if (options_.follow) {
    for (size_t i = 0; i < tasks_.size(); ++i) {
      if (!owned_[i]) continue;
      auto wm = consumer_->QueryWatermarks(tasks_[i].topic(), tasks_[i].partition(), Rpc());
      if (wm.ok()) tasks_[i].SetHighWatermark(wm->high);
    }
  }
  STRATA_RETURN_IF_ERROR(RefreshUnowned());
  STRATA_ASSIGN_OR_RETURN(format::KafkaManifest manifest,
                          BuildManifest(*admin_, options_, ManifestContext{cluster_, cluster_id_, run_, backup_group_},
                                        topics_, tasks_, result_.warnings, Rpc()));
  result_.complete = manifest.complete;
  STRATA_RETURN_IF_ERROR(repo_.WriteKafkaManifest(manifest));
  result_.manifest_key = Repository::KafkaManifestKey(manifest.cluster, manifest.id);
  ++result_.manifests_written;
  Log().info("{} manifest {} written", final ? "backup" : "checkpoint", result_.manifest_key);
  // The manifest is the truth; the group's offsets only make the backup's lag visible.
  std::vector<kafka::PartitionStart> positions;
  for (size_t i = 0; i < tasks_.size(); ++i) {
    if (owned_[i]) positions.push_back({tasks_[i].topic(), tasks_[i].partition(), tasks_[i].position()});
  }
  Status committed = consumer_->CommitOffsets(positions, Rpc());
  if (!committed.ok()) {
    Log().warn("could not commit the backup position to group {}: {}", backup_group_, committed.ToString());
  }
  return OkStatus();
}

std::map<std::string, int32_t> Job::Wanted() const {
  std::map<std::string, int32_t> wanted;
  for (const auto& t : topics_) wanted[t.name] = t.partition_count;
  return wanted;
}

// Partitions other members read: as of the newest manifest that covers them.
Status Job::RefreshUnowned() {
  if (std::all_of(owned_.begin(), owned_.end(), [](bool b) { return b; })) return OkStatus();
  auto wanted = Wanted();
  STRATA_ASSIGN_OR_RETURN(Repository::LatestState latest, repo_.LatestKafkaState(cluster_, &wanted));
  for (size_t i = 0; i < tasks_.size(); ++i) {
    if (owned_[i]) continue;
    auto t = latest.topics.find(tasks_[i].topic());
    if (t == latest.topics.end()) continue;
    for (const auto& ps : t->second.partitions) {
      if (ps.partition == tasks_[i].partition()) tasks_[i] = PartitionTask::Adopt(tasks_[i].topic(), ps);
    }
  }
  return OkStatus();
}

Status Job::OnRevoked(const std::vector<kafka::TopicPartition>& partitions) {
  if (std::none_of(owned_.begin(), owned_.end(), [](bool b) { return b; })) return OkStatus();
  Log().info("the group takes {} partitions away: saving them first", partitions.size());
  // Everything read so far goes into a manifest before another member can start.
  STRATA_RETURN_IF_ERROR(Checkpoint(false));
  for (const auto& tp : partitions) {
    if (PartitionTask* task = Find(tp.topic, tp.partition)) owned_[task - tasks_.data()] = false;
  }
  return OkStatus();
}

Result<std::vector<kafka::PartitionStart>> Job::OnAssigned(const std::vector<kafka::TopicPartition>& partitions) {
  // Resume where the newest manifest left each partition (a member that had it before
  // wrote one when it gave it up, or it died and its unreferenced objects are ignored).
  auto wanted = Wanted();
  STRATA_ASSIGN_OR_RETURN(Repository::LatestState latest, repo_.LatestKafkaState(cluster_, &wanted));
  std::vector<kafka::PartitionStart> starts;
  for (const auto& tp : partitions) {
    PartitionTask* task = Find(tp.topic, tp.partition);
    if (task == nullptr) continue;
    size_t i = static_cast<size_t>(task - tasks_.data());
    const format::PartitionState* prev = nullptr;
    if (auto t = latest.topics.find(tp.topic); t != latest.topics.end()) {
      for (const auto& ps : t->second.partitions) {
        if (ps.partition == tp.partition) prev = &ps;
      }
    }
    STRATA_ASSIGN_OR_RETURN(kafka::Watermarks wm, consumer_->QueryWatermarks(tp.topic, tp.partition, Rpc()));
    STRATA_ASSIGN_OR_RETURN(*task, PartitionTask::Start(tp.topic, tp.partition, prev, wm));
    for (const auto& g : task->new_gaps()) result_.gaps.push_back(g);
    owned_[i] = true;
    dispatched_[i] = task->position();
    at_end_since_[i].reset();
    starts.push_back({tp.topic, tp.partition, task->position()});
  }
  Log().info("the group gives this member {} partitions", starts.size());
  return starts;
}

void Job::ReportProgress(bool force) {
  if (!progress_) return;
  auto now = Clock::now();
  if (!force && now - last_progress_ < kProgressEvery) return;
  last_progress_ = now;
  std::vector<TopicProgress> out;
  for (const auto& topic : topics_) {
    TopicProgress tp{topic.name, 0, 0, 0};
    for (size_t i : by_topic_[topic.name]) {
      tp.records += records_in_[i];
      tp.bytes += bytes_in_[i];
      tp.remaining_offsets += std::max<int64_t>(0, tasks_[i].target() - dispatched_[i]);
    }
    out.push_back(std::move(tp));
  }
  progress_(out);
}

Result<KafkaBackupResult> Job::Run() {
  if (options_.scale_out && !options_.follow) {
    return InvalidArgumentError("sharing partitions with other instances (scale-out) needs follow mode");
  }
  STRATA_RETURN_IF_ERROR(Plan());
  STRATA_RETURN_IF_ERROR(OpenRawReader());
  result_.partitions = static_cast<int>(tasks_.size());
  buffers_ = std::make_unique<BufferRecycler>(SegmentBudget() / 4);
  uploader_ = std::make_unique<SegmentUploader>(repo_.store(), options_.upload_threads,
                                                SegmentBudget() / 2, CancelToken(), buffers_.get());
  buffered_.assign(static_cast<size_t>(Workers()), 0);
  dispatched_.resize(tasks_.size());
  for (size_t i = 0; i < tasks_.size(); ++i) dispatched_[i] = tasks_[i].position();
  at_end_since_.resize(tasks_.size());
  records_in_ = std::vector<std::atomic<int64_t>>(tasks_.size());
  bytes_in_ = std::vector<std::atomic<int64_t>>(tasks_.size());
  owned_.assign(tasks_.size(), !options_.scale_out);
  workers_ = std::make_unique<EncodeWorkers>(Workers(), kWorkerQueueItems, [this](EncodeItem& item) { return Encode(item); });
  Status read = Read();
  if (read.ok()) {
    ReportProgress(true);
    read = Checkpoint(true);
  }
  // Stop the workers before the tasks they refer to go away.
  workers_->Drain().IgnoreError();
  workers_.reset();
  if (!read.ok()) {
    // Nothing is committed; objects already uploaded stay unreferenced.
    uploader_.reset();
    return read;
  }
  for (size_t i = 0; i < tasks_.size(); ++i) {
    result_.records += records_in_[i];
    result_.bytes_read += bytes_in_[i];
  }
  result_.segments_written = segments_written_;
  result_.bytes_stored = bytes_stored_;
  return result_;
}

}  // namespace

Result<KafkaBackupResult> RunKafkaBackup(const Repository& repo, const KafkaBackupOptions& options,
                                         const ProgressCallback& progress) {
  Job job(repo, options, progress);
  return job.Run();
}

}  // namespace strata::backup
