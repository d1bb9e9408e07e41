#include "restore/attempt.h"

#include <fmt/format.h>

#include <thread>

#include "core/version.h"
#include "format/sha256.h"
#include "restore/partition_cursor.h"
#include "restore/record_compare.h"

namespace strata::restore::internal {
namespace {

constexpr size_t kFingerprintHexDigits = 16;
constexpr int kSettleRounds = 10;
constexpr auto kSettleWait = std::chrono::milliseconds(500);

const RestorePartition* FindPartition(const RestoreRecord& r, const PartitionPlan& p) {
  for (const auto& rp : r.partitions) {
    if (rp.target_topic == p.target_topic && rp.partition == p.partition) return &rp;
  }
  return nullptr;
}

std::string Name(const PartitionPlan& p) { return fmt::format("{} partition {}", p.target_topic, p.partition); }

class Decider {
 public:
  Decider(const backup::Repository& repo, Target& target, const RestorePlan& plan,
          const std::vector<const PartitionPlan*>& partitions, const std::vector<bool>& log_append_time,
          const KafkaRestoreOptions& options, std::vector<std::string>* warnings)
      : repo_(repo), target_(target), plan_(plan), partitions_(partitions), log_append_time_(log_append_time),
        options_(options), warnings_(warnings) {}

  Result<AttemptPlan> Decide(const std::string& fingerprint, const std::string& target_cluster_id);

 private:
  Deadline Rpc() const { return Deadline::After(options_.request_timeout); }
  Status SettleWatermarks();
  Result<AttemptPlan> Fresh(int number, const std::string& fingerprint, const std::string& target_cluster_id);
  Result<AttemptPlan> Finished(const Attempt& attempt);
  Result<AttemptPlan> Resume(const Attempt& attempt);
  Result<StreamStart> ResumePartition(const Attempt& attempt, size_t i);

  const backup::Repository& repo_;
  Target& target_;
  const RestorePlan& plan_;
  const std::vector<const PartitionPlan*>& partitions_;
  const std::vector<bool>& log_append_time_;
  const KafkaRestoreOptions& options_;
  std::vector<std::string>* warnings_;
  std::vector<kafka::Watermarks> marks_;
};

Result<AttemptPlan> Decider::Decide(const std::string& fingerprint, const std::string& target_cluster_id) {
  bool untouched = true;
  for (const PartitionPlan* p : partitions_) {
    STRATA_ASSIGN_OR_RETURN(kafka::Watermarks wm, target_.Watermarks(p->target_topic, p->partition, Rpc()));
    untouched = untouched && wm.high == 0;
    marks_.push_back(wm);
  }
  STRATA_ASSIGN_OR_RETURN(std::optional<Attempt> latest,
                          LatestAttempt(repo_, plan_.snapshot.cluster, fingerprint));
  // An attempt whose target partitions are all empty left nothing behind (or its
  // topics were deleted since): start over.
  if (latest && !untouched && !latest->finished) {
    // What a killed producer had sent may still be landing (or replicating into the
    // high watermark): resume only from watermarks that stand still.
    STRATA_RETURN_IF_ERROR(SettleWatermarks());
  }
  if (latest && !untouched) return latest->finished ? Finished(*latest) : Resume(*latest);
  return Fresh(latest ? latest->number + 1 : 1, fingerprint, target_cluster_id);
}

Status Decider::SettleWatermarks() {
  for (int round = 0; round < kSettleRounds; ++round) {
    std::this_thread::sleep_for(kSettleWait);
    bool moved = false;
    for (size_t i = 0; i < partitions_.size(); ++i) {
      STRATA_ASSIGN_OR_RETURN(kafka::Watermarks wm,
                              target_.Watermarks(partitions_[i]->target_topic, partitions_[i]->partition, Rpc()));
      moved = moved || wm.high != marks_[i].high;
      marks_[i] = wm;
    }
    if (!moved) return OkStatus();
  }
  return UnavailableError("the target partitions' high watermarks keep moving: is another producer writing to them? "
                          "Run the restore again when they stand still");
}

Result<AttemptPlan> Decider::Fresh(int number, const std::string& fingerprint, const std::string& target_cluster_id) {
  std::string busy;
  for (size_t i = 0; i < partitions_.size(); ++i) {
    if (marks_[i].high > marks_[i].low) {
      busy += fmt::format("{}{} ({} records)", busy.empty() ? "" : ", ", Name(*partitions_[i]),
                          marks_[i].high - marks_[i].low);
    }
  }
  if (!busy.empty() && !options_.append) {
    return RefusalError(fmt::format(
        "target partitions already hold records: {}. If an earlier restore into them did not finish, run it again "
        "with the same selection (same --snapshot, --topic, --rename, --partitions, --until) to resume it; else "
        "delete the topics, restore under other names with --rename, or pass --append to write after their records",
        busy));
  }
  AttemptPlan a;
  a.kind = AttemptPlan::Kind::kFresh;
  RestoreRecord& r = a.record;
  r.restore_id = RestoreId(fingerprint, number);
  r.fingerprint = fingerprint;
  r.cluster = plan_.snapshot.cluster;
  r.snapshot = plan_.snapshot.snapshot_id;
  r.manifests = plan_.snapshot.manifest_keys;
  r.until_ms = plan_.until_ms;
  r.target_cluster_id = target_cluster_id;
  r.target_bootstrap = options_.target_description;
  r.created = backup::NowStamps().second;
  r.strata_version = std::string(Version());
  for (size_t i = 0; i < partitions_.size(); ++i) {
    const PartitionPlan& p = *partitions_[i];
    r.partitions.push_back({p.source_topic, p.target_topic, p.partition, marks_[i].high});
    StreamStart s;
    s.plan = &p;
    s.target_base = marks_[i].high;
    s.written = PartitionOffsets(marks_[i].high);
    a.starts.push_back(std::move(s));
  }
  return a;
}

Result<AttemptPlan> Decider::Finished(const Attempt& attempt) {
  storage::ObjectKey key(OffsetMapKey(plan_.snapshot.cluster, attempt.restore_id));
  STRATA_ASSIGN_OR_RETURN(Bytes bytes, repo_.store().Get(key));
  STRATA_ASSIGN_OR_RETURN(OffsetMap map, ParseOffsetMap(bytes, repo_.store().Describe(key)));
  AttemptPlan a;
  a.kind = AttemptPlan::Kind::kFinished;
  a.record = attempt.record;
  for (size_t i = 0; i < partitions_.size(); ++i) {
    const PartitionPlan& p = *partitions_[i];
    const PartitionMapEntry* e = map.Find(p.source_topic, p.partition);
    if (e == nullptr) return DataLossError(fmt::format("{}: no entry for {}", repo_.store().Describe(key), Name(p)));
    if (marks_[i].high != e->offsets.target_end()) {
      return RefusalError(fmt::format(
          "restore {} finished earlier, but {} now ends at offset {} instead of {}: it changed since. Delete the "
          "restored topics to restore again",
          attempt.restore_id, Name(p), marks_[i].high, e->offsets.target_end()));
    }
    a.finished.push_back(e->offsets);
  }
  return a;
}

Result<AttemptPlan> Decider::Resume(const Attempt& attempt) {
  AttemptPlan a;
  a.kind = AttemptPlan::Kind::kResume;
  a.record = attempt.record;
  a.next_seq = attempt.next_seq;
  for (size_t i = 0; i < partitions_.size(); ++i) {
    STRATA_ASSIGN_OR_RETURN(StreamStart s, ResumePartition(attempt, i));
    a.starts.push_back(std::move(s));
  }
  return a;
}

Result<StreamStart> Decider::ResumePartition(const Attempt& attempt, size_t i) {
  const PartitionPlan& p = *partitions_[i];
  const RestorePartition* rp = FindPartition(attempt.record, p);
  if (rp == nullptr) {
    return DataLossError(fmt::format("restore {}: its record lists no {}", attempt.restore_id, Name(p)));
  }
  const int64_t base = rp->target_base;
  const int64_t high = marks_[i].high;
  PartitionProgress progress;
  if (auto it = attempt.progress.find({p.target_topic, p.partition}); it != attempt.progress.end()) {
    progress = it->second;
  }
  const int64_t acked = progress.records;
  if (high < base + acked) {
    return RefusalError(fmt::format(
        "{} ends at offset {}, but restore {} had {} records acknowledged there from offset {}: was the topic "
        "deleted or recreated? Delete the restored topics to start over",
        Name(p), high, attempt.restore_id, acked, base));
  }
  StreamStart s;
  s.plan = &p;
  s.target_base = base;
  s.written = PartitionOffsets(base);
  Status added = s.written.AddRuns(progress.runs);
  if (!added.ok() || s.written.records() != acked) {
    return DataLossError(fmt::format("restore {}: the checkpoints of {} do not add up ({})", attempt.restore_id,
                                     Name(p), added.ok() ? "record count" : added.message()));
  }
  s.checkpointed_runs = s.written.runs().size();
  s.next_source_offset = progress.next_source_offset;
  const int64_t written = high - base;
  if (written == 0) return s;

  // Read the backup forward from the last checkpointed record to the record the target
  // ends with, so the offsets of the records written after the checkpoint are known.
  int64_t from = acked > 0 ? progress.next_source_offset - 1 : 0;
  PartitionCursor cursor(repo_.store(), p, from, plan_.until_ms);
  format::KafkaRecord last;
  if (acked > 0) {
    STRATA_ASSIGN_OR_RETURN(auto first, cursor.Next());
    if (!first || first->offset != progress.next_source_offset - 1) {
      return DataLossError(fmt::format("restore {}: its checkpoint of {} ends at source offset {}, which the backup "
                                       "does not hold",
                                       attempt.restore_id, Name(p), progress.next_source_offset - 1));
    }
    last = format::ToRecord(*first);
  }
  for (int64_t k = acked; k < written; ++k) {
    STRATA_ASSIGN_OR_RETURN(auto r, cursor.Next());
    if (!r) {
      return RefusalError(fmt::format("{} holds {} records from offset {}, more than the {} the restore has for it: "
                                      "another producer wrote to it",
                                      Name(p), written, base, k));
    }
    s.written.Add(r->offset);
    last = format::ToRecord(*r);
  }
  s.from_offset = last.offset + 1;
  s.next_source_offset = last.offset + 1;

  // The target's last record must be the restore's record written there.
  STRATA_ASSIGN_OR_RETURN(auto reader, target_.OpenReader(p.target_topic, p.partition, high - 1));
  STRATA_ASSIGN_OR_RETURN(auto records, reader->Next(Rpc()));
  if (records.empty() || records.front().offset != high - 1) {
    warnings_->push_back(fmt::format("{}: offset {} cannot be read (removed by retention or compaction); resuming "
                                     "without checking that it is the restore's record",
                                     Name(p), high - 1));
    return s;
  }
  std::vector<format::KafkaHeaderView> headers;
  std::string diff = RecordDifference(ViewOf(last, &headers), records.front(), !log_append_time_[i]);
  if (!diff.empty()) {
    return RefusalError(fmt::format(
        "{}: the record at offset {} is not the one restore {} wrote there (source offset {}: {}): another "
        "producer wrote to the partition. Delete the restored topics to start over",
        Name(p), high - 1, attempt.restore_id, last.offset, diff));
  }
  return s;
}

}  // namespace

std::string Fingerprint(const RestorePlan& plan, const std::string& target_cluster_id) {
  std::string text = fmt::format("cluster={}\n", plan.snapshot.cluster);
  for (const auto& k : plan.snapshot.manifest_keys) text += fmt::format("manifest={}\n", k);
  text += fmt::format("until={}\n", plan.until_ms ? std::to_string(*plan.until_ms) : "-");
  for (const auto& t : plan.topics) {
    text += fmt::format("topic={}>{}\n", t.source, t.target);
    for (const auto& p : t.partitions) text += fmt::format("partition={}\n", p.partition);
  }
  text += fmt::format("target={}\n", target_cluster_id);
  format::Sha256 sha;
  sha.Update(text);
  return sha.FinishHex().substr(0, kFingerprintHexDigits);
}

Result<AttemptPlan> DecideAttempt(const backup::Repository& repo, Target& target, const RestorePlan& plan,
                                  const std::vector<const PartitionPlan*>& partitions,
                                  const std::vector<bool>& log_append_time, const std::string& target_cluster_id,
                                  const KafkaRestoreOptions& options, std::vector<std::string>* warnings) {
  Decider d(repo, target, plan, partitions, log_append_time, options, warnings);
  return d.Decide(Fingerprint(plan, target_cluster_id), target_cluster_id);
}

}  // namespace strata::restore::internal
