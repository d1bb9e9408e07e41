// CompareWithKafka: a restored topic against its backup, record by record.
#include <fmt/format.h>

#include "restore/partition_cursor.h"
#include "restore/plan.h"
#include "restore/record_compare.h"
#include "restore/restore_log.h"
#include "restore/verify.h"

namespace strata::restore {
namespace {

// Where the latest restore of `source`/`partition` into cluster `target_id` started in
// the target, if the repository has its offset map.
std::optional<int64_t> RestoredStart(const std::vector<OffsetMap>& maps, const std::string& target_id,
                                     const PartitionPlan& p) {
  std::optional<int64_t> start;
  for (const auto& m : maps) {
    if (m.target_cluster_id != target_id) continue;
    const PartitionMapEntry* e = m.Find(p.source_topic, p.partition);
    if (e != nullptr && e->target_topic == p.target_topic) start = e->offsets.target_start();
  }
  return start;
}

Result<PartitionComparison> Compare(storage::ObjectStore& store, Target& target, const PartitionPlan& p,
                                    std::optional<int64_t> until, int64_t start, bool log_append_time,
                                    std::chrono::milliseconds timeout) {
  PartitionComparison c;
  c.source_topic = p.source_topic;
  c.target_topic = p.target_topic;
  c.partition = p.partition;
  c.target_start = start;
  c.timestamps_compared = !log_append_time;
  RecordDigest backup_digest(c.timestamps_compared), target_digest(c.timestamps_compared);
  PartitionCursor cursor(store, p, 0, until);
  STRATA_ASSIGN_OR_RETURN(auto reader, target.OpenReader(p.target_topic, p.partition, start));
  std::vector<format::KafkaRecord> batch;
  size_t next = 0;
  bool target_done = false;
  auto next_target = [&]() -> Result<const format::KafkaRecord*> {
    if (next == batch.size() && !target_done) {
      STRATA_ASSIGN_OR_RETURN(batch, reader->Next(Deadline::After(timeout)));
      next = 0;
      target_done = batch.empty();
    }
    if (next == batch.size()) return static_cast<const format::KafkaRecord*>(nullptr);
    return &batch[next++];
  };
  while (true) {
    STRATA_ASSIGN_OR_RETURN(auto b, cursor.Next());
    STRATA_ASSIGN_OR_RETURN(const format::KafkaRecord* t, next_target());
    if (!b && t == nullptr) break;
    if (b) {
      backup_digest.Add(*b);
      ++c.backup_records;
    }
    if (t != nullptr) {
      target_digest.Add(*t);
      ++c.target_records;
    }
    if (!c.first_difference.empty()) continue;
    int64_t n = std::max(c.backup_records, c.target_records) - 1;
    if (!b) {
      c.first_difference = fmt::format("record #{} (target offset {}): the target has records the backup does not",
                                       n, t->offset);
    } else if (t == nullptr) {
      c.first_difference = fmt::format("record #{} (source offset {}): missing in the target", n, b->offset);
    } else if (std::string d = RecordDifference(*b, *t, c.timestamps_compared); !d.empty()) {
      c.first_difference = fmt::format("record #{} (source offset {}, target offset {}): {}", n, b->offset, t->offset, d);
    }
  }
  c.backup_digest = backup_digest.FinishHex();
  c.target_digest = target_digest.FinishHex();
  if (c.first_difference.empty() && c.backup_digest != c.target_digest) {
    c.first_difference = "digests differ";  // cannot happen when every record matched
  }
  return c;
}

}  // namespace

Result<std::vector<PartitionComparison>> CompareWithKafka(const backup::Repository& repo, Target& target,
                                                          const CompareOptions& options) {
  if (options.topics.empty()) return InvalidArgumentError("name the topic(s) to compare with --topic");
  STRATA_ASSIGN_OR_RETURN(std::string cluster, ResolveCluster(repo, options.cluster));
  STRATA_ASSIGN_OR_RETURN(SnapshotState state, LoadSnapshot(repo, cluster, options.snapshot));
  PlanOptions po;
  po.topics = options.topics;
  po.renames = options.renames;
  po.partitions = options.partitions;
  po.until_ms = options.until_ms;
  po.skip_groups = true;
  STRATA_ASSIGN_OR_RETURN(RestorePlan plan, BuildPlan(std::move(state), po));
  STRATA_ASSIGN_OR_RETURN(std::string target_id, target.ClusterId(Deadline::After(options.request_timeout)));
  STRATA_ASSIGN_OR_RETURN(std::vector<OffsetMap> maps, ListOffsetMaps(repo, cluster));
  std::vector<PartitionComparison> out;
  for (const TopicPlan& tp : plan.topics) {
    auto topic = target.DescribeTopic(tp.target, Deadline::After(options.request_timeout));
    if (!topic.ok()) return topic.status().WithContext(fmt::format("target topic \"{}\"", tp.target));
    for (const PartitionPlan& p : tp.partitions) {
      std::optional<int64_t> start = RestoredStart(maps, target_id, p);
      if (!start) {
        STRATA_ASSIGN_OR_RETURN(kafka::Watermarks wm,
                                target.Watermarks(p.target_topic, p.partition, Deadline::After(options.request_timeout)));
        start = wm.low;
      }
      STRATA_ASSIGN_OR_RETURN(PartitionComparison c, Compare(repo.store(), target, p, plan.until_ms, *start,
                                                             topic->log_append_time, options.request_timeout));
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace strata::restore
