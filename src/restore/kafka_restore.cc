#include "restore/kafka_restore.h"

#include <fmt/format.h>

#include "restore/attempt.h"
#include "restore/groups.h"
#include "restore/log.h"
#include "restore/pipeline.h"
#include "restore/prepare.h"
#include "restore/restore_log.h"

namespace strata::restore {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kProgressEvery = std::chrono::seconds(1);
constexpr auto kWaitSlice = std::chrono::milliseconds(200);
// How long the end of a run waits for the brokers to acknowledge what is in flight.
constexpr auto kFlushTimeout = std::chrono::minutes(2);

class Job {
 public:
  Job(const backup::Repository& repo, Target* target, const KafkaRestoreOptions& options,
      const RestoreProgressCallback& progress)
      : repo_(repo), target_(target), options_(options), progress_(progress) {}

  Result<KafkaRestoreResult> Run();

 private:
  Deadline Rpc() const { return Deadline::After(options_.request_timeout); }
  Status RunPipeline(internal::AttemptPlan& attempt);
  void DryRunWithoutTarget();
  void RecordTotals();

  const backup::Repository& repo_;
  Target* target_;
  const KafkaRestoreOptions& options_;
  const RestoreProgressCallback& progress_;
  RestorePlan plan_;
  std::vector<const PartitionPlan*> partitions_;
  OffsetsBySource offsets_;
  KafkaRestoreResult result_;
};

void Job::DryRunWithoutTarget() {
  for (const TopicPlan& tp : plan_.topics) {
    TopicOutcome o;
    o.source = tp.source;
    o.target = tp.target;
    o.partitions = static_cast<int32_t>(tp.partitions.size());
    o.target_partition_count = tp.partition_count;
    o.log_append_time = tp.log_append_time;
    for (const auto& p : tp.partitions) {
      o.records += p.records;
      o.bytes += p.bytes;
    }
    result_.topics.push_back(std::move(o));
  }
}

Status Job::RunPipeline(internal::AttemptPlan& attempt) {
  PipelineOptions po;
  po.fetch_budget = options_.memory_budget / 2;
  po.produce_budget = options_.memory_budget / 2;
  po.chunk_bytes = std::min<uint64_t>(po.chunk_bytes, std::max<uint64_t>(po.fetch_budget / 8, 1 << 20));
  po.fetch_threads = options_.fetch_threads;
  po.workers = options_.workers;
  po.max_bytes_per_sec = options_.max_bytes_per_sec;
  po.until_ms = plan_.until_ms;
  po.check_sha256 = options_.check_sha256;
  po.cancel = options_.cancel;
  int64_t earlier = 0;
  for (const auto& s : attempt.starts) earlier += s.written.records();
  const int64_t total = std::max(plan_.records(), earlier);
  STRATA_ASSIGN_OR_RETURN(auto pipeline, Pipeline::Create(repo_.store(), *target_, po, attempt.starts));
  pipeline->Start();

  const std::string& id = attempt.record.restore_id;
  int64_t seq = attempt.next_seq;
  auto checkpoint = [&]() -> Status {
    ProgressCheckpoint c{id, seq, backup::NowStamps().second, pipeline->TakeCheckpoint()};
    Status s = WriteProgress(repo_, plan_.snapshot.cluster, c);
    pipeline->CommitCheckpoint(s.ok());
    if (s.ok()) ++seq;
    return s;
  };
  auto report = [&] {
    if (!progress_) return;
    PipelineStats st = pipeline->stats();
    progress_({earlier + st.records_acked, total, st.bytes_sent});
  };
  auto last_checkpoint = Clock::now();
  auto last_progress = Clock::now();
  while (!pipeline->WaitSent(kWaitSlice) && !options_.cancel.cancelled()) {
    auto now = Clock::now();
    if (now - last_progress >= kProgressEvery) {
      report();
      last_progress = now;
    }
    if (now - last_checkpoint >= options_.checkpoint_interval) {
      Status s = checkpoint();
      if (!s.ok()) Log().warn("checkpoint not written (next try in {} s): {}", options_.checkpoint_interval.count() / 1000, s.ToString());
      last_checkpoint = now;
    }
  }
  Status finished = pipeline->Finish(Deadline::After(kFlushTimeout));
  // Whatever happened, keep what the target acknowledged: a rerun then re-reads less.
  Status saved = checkpoint();
  report();
  PipelineStats st = pipeline->stats();
  result_.records = st.records_acked;
  result_.bytes = st.bytes_sent;
  if (!finished.ok()) {
    if (options_.cancel.cancelled() && finished.code() == StatusCode::kCancelled) {
      return CancelledError(fmt::format("restore {} stopped after {} records; run the same command again to resume",
                                        id, earlier + st.records_acked));
    }
    return finished;
  }
  if (!saved.ok()) Log().warn("final checkpoint not written: {}", saved.ToString());
  if (st.records_sent != st.records_acked) {
    return InternalError(fmt::format("{} records sent but {} acknowledged", st.records_sent, st.records_acked));
  }
  for (size_t i = 0; i < partitions_.size(); ++i) {
    PartitionOffsets o = pipeline->offsets(i);
    const PartitionPlan& p = *partitions_[i];
    auto wm = target_->Watermarks(p.target_topic, p.partition, Rpc());
    if (wm.ok() && wm->high != o.target_end()) {
      result_.warnings.push_back(fmt::format(
          "{} partition {} ends at offset {}, the restore wrote up to {}: another producer wrote to it meanwhile",
          p.target_topic, p.partition, wm->high, o.target_end()));
    }
    offsets_[{p.source_topic, p.partition}] = std::move(o);
  }
  return OkStatus();
}

void Job::RecordTotals() {
  for (TopicOutcome& t : result_.topics) {
    t.records = 0;
    for (const auto& [key, o] : offsets_) {
      if (key.first == t.source) t.records += o.records();
    }
    result_.records_total += t.records;
  }
}

Result<KafkaRestoreResult> Job::Run() {
  STRATA_ASSIGN_OR_RETURN(std::string cluster, ResolveCluster(repo_, options_.cluster));
  STRATA_ASSIGN_OR_RETURN(SnapshotState snapshot, LoadSnapshot(repo_, cluster, options_.snapshot));
  STRATA_ASSIGN_OR_RETURN(plan_, BuildPlan(std::move(snapshot), options_.plan));
  result_.cluster = cluster;
  result_.snapshot_id = plan_.snapshot.snapshot_id;
  result_.dry_run = options_.dry_run;
  if (!plan_.snapshot.complete) {
    result_.warnings.push_back(fmt::format("snapshot {} is incomplete: some partitions stop before the high watermark "
                                           "their backup aimed at",
                                           plan_.snapshot.snapshot_id));
  }
  for (const auto& w : plan_.snapshot.warnings) result_.warnings.push_back("backup: " + w);
  for (const TopicPlan& t : plan_.topics) {
    for (const PartitionPlan& p : t.partitions) partitions_.push_back(&p);
  }
  if (target_ == nullptr) {
    if (!options_.dry_run) return InvalidArgumentError("no target cluster to restore into");
    DryRunWithoutTarget();
    return result_;
  }
  STRATA_ASSIGN_OR_RETURN(std::string target_id, target_->ClusterId(Rpc()));
  STRATA_ASSIGN_OR_RETURN(std::vector<internal::TopicTarget> topics,
                          internal::InspectTopics(*target_, plan_, options_, &result_.topics, &result_.warnings));
  STRATA_RETURN_IF_ERROR(internal::CheckGroupsIdle(*target_, plan_, options_.request_timeout));
  if (options_.dry_run) {
    for (const auto& g : plan_.groups) result_.groups.push_back({g.group, static_cast<int>(g.offsets.size()), {}});
    return result_;
  }
  STRATA_RETURN_IF_ERROR(internal::CreateTopics(*target_, plan_, topics, options_.request_timeout));
  std::vector<bool> log_append_time;
  for (size_t t = 0; t < plan_.topics.size(); ++t) {
    for (size_t k = 0; k < plan_.topics[t].partitions.size(); ++k) log_append_time.push_back(topics[t].log_append_time);
  }
  STRATA_ASSIGN_OR_RETURN(internal::AttemptPlan attempt,
                          internal::DecideAttempt(repo_, *target_, plan_, partitions_, log_append_time, target_id,
                                                  options_, &result_.warnings));
  result_.restore_id = attempt.record.restore_id;
  if (attempt.kind == internal::AttemptPlan::Kind::kFinished) {
    result_.already_complete = true;
    for (size_t i = 0; i < partitions_.size(); ++i) {
      offsets_[{partitions_[i]->source_topic, partitions_[i]->partition}] = attempt.finished[i];
    }
  } else {
    if (attempt.kind == internal::AttemptPlan::Kind::kFresh) {
      Status w = WriteRestoreRecord(repo_, attempt.record);
      if (w.code() == StatusCode::kAlreadyExists) {
        return RefusalError(fmt::format("restore {} was started by another process meanwhile; let it finish",
                                        attempt.record.restore_id));
      }
      STRATA_RETURN_IF_ERROR(w);
    } else {
      result_.resumed = true;
    }
    STRATA_RETURN_IF_ERROR(RunPipeline(attempt));
    OffsetMap map;
    map.restore_id = attempt.record.restore_id;
    map.cluster = plan_.snapshot.cluster;
    map.snapshot = plan_.snapshot.snapshot_id;
    map.target_cluster_id = target_id;
    map.created = backup::NowStamps().second;
    for (const PartitionPlan* p : partitions_) {
      map.partitions.push_back(
          {p->source_topic, p->target_topic, p->partition, offsets_.at({p->source_topic, p->partition}).Compacted()});
    }
    STRATA_RETURN_IF_ERROR(WriteOffsetMap(repo_, map));
  }
  result_.offset_map_key = OffsetMapKey(plan_.snapshot.cluster, attempt.record.restore_id);
  RecordTotals();
  result_.groups = CommitGroups(*target_, plan_, offsets_, options_.request_timeout);
  return result_;
}

}  // namespace

Result<KafkaRestoreResult> RunKafkaRestore(const backup::Repository& repo, Target* target,
                                           const KafkaRestoreOptions& options, const RestoreProgressCallback& progress) {
  Job job(repo, target, options, progress);
  return job.Run();
}

}  // namespace strata::restore
