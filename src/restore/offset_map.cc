#include "restore/offset_map.h"

#include <fmt/format.h>

#include <algorithm>

#include "restore/json_util.h"

namespace strata::restore {

using internal::Int;
using internal::Str;

void PartitionOffsets::AddRange(int64_t source, int64_t count) {
  if (runs_.size() > sealed_) {
    OffsetRun& last = runs_.back();
    if (last.source + last.count == source) {
      last.count += count;
      records_ += count;
      return;
    }
  }
  runs_.push_back({source, target_end(), count});
  records_ += count;
}

Status PartitionOffsets::AddRuns(const std::vector<OffsetRun>& runs) {
  for (const OffsetRun& r : runs) {
    if (r.count < 1) return InvalidArgumentError(fmt::format("offset run at source {} has count {}", r.source, r.count));
    if (r.target != target_end()) {
      return InvalidArgumentError(fmt::format("offset run at source {} starts at target {}, expected {}", r.source,
                                              r.target, target_end()));
    }
    if (!runs_.empty() && r.source < runs_.back().source + runs_.back().count) {
      return InvalidArgumentError(fmt::format("offset run at source {} overlaps the previous one", r.source));
    }
    runs_.push_back(r);
    records_ += r.count;
  }
  sealed_ = runs_.size();
  return OkStatus();
}

PartitionOffsets PartitionOffsets::Compacted() const {
  PartitionOffsets out(target_start_);
  for (const OffsetRun& r : runs_) out.AddRange(r.source, r.count);
  return out;
}

int64_t PartitionOffsets::Translate(int64_t committed) const {
  auto it = std::upper_bound(runs_.begin(), runs_.end(), committed,
                             [](int64_t x, const OffsetRun& r) { return x < r.source + r.count; });
  if (it == runs_.end()) return target_end();
  if (committed >= it->source) return it->target + (committed - it->source);
  return it->target;
}

const PartitionMapEntry* OffsetMap::Find(std::string_view source_topic, int32_t partition) const {
  for (const auto& p : partitions) {
    if (p.source_topic == source_topic && p.partition == partition) return &p;
  }
  return nullptr;
}

std::string OffsetMapToJson(const OffsetMap& map) {
  nlohmann::ordered_json j;
  j["format"] = kOffsetMapFormat;
  j["version"] = kOffsetMapVersion;
  j["restore_id"] = map.restore_id;
  j["cluster"] = map.cluster;
  j["snapshot"] = map.snapshot;
  j["target_cluster_id"] = map.target_cluster_id;
  j["created"] = map.created;
  nlohmann::ordered_json parts = nlohmann::ordered_json::array();
  for (const auto& p : map.partitions) {
    nlohmann::ordered_json e;
    e["source_topic"] = p.source_topic;
    e["target_topic"] = p.target_topic;
    e["partition"] = p.partition;
    e["target_start"] = p.offsets.target_start();
    e["target_end"] = p.offsets.target_end();
    e["records"] = p.offsets.records();
    e["runs"] = internal::RunsToJson(p.offsets.runs());
    parts.push_back(std::move(e));
  }
  j["partitions"] = std::move(parts);
  return j.dump(1) + "\n";
}

Result<OffsetMap> ParseOffsetMap(ByteView json, std::string_view where) {
  STRATA_ASSIGN_OR_RETURN(nlohmann::json j, internal::ParseVersioned(json, where, kOffsetMapFormat, kOffsetMapVersion));
  OffsetMap map;
  STRATA_ASSIGN_OR_RETURN(map.restore_id, Str(j, "restore_id", where));
  STRATA_ASSIGN_OR_RETURN(map.cluster, Str(j, "cluster", where));
  STRATA_ASSIGN_OR_RETURN(map.snapshot, Str(j, "snapshot", where));
  STRATA_ASSIGN_OR_RETURN(map.target_cluster_id, Str(j, "target_cluster_id", where));
  STRATA_ASSIGN_OR_RETURN(map.created, Str(j, "created", where));
  STRATA_ASSIGN_OR_RETURN(const nlohmann::json* parts, internal::Array(j, "partitions", where));
  for (const auto& e : *parts) {
    PartitionMapEntry p;
    STRATA_ASSIGN_OR_RETURN(p.source_topic, Str(e, "source_topic", where));
    STRATA_ASSIGN_OR_RETURN(p.target_topic, Str(e, "target_topic", where));
    STRATA_ASSIGN_OR_RETURN(int64_t partition, Int(e, "partition", where));
    p.partition = static_cast<int32_t>(partition);
    std::string what = fmt::format("{}: {} partition {}", where, p.source_topic, p.partition);
    STRATA_ASSIGN_OR_RETURN(int64_t start, Int(e, "target_start", what));
    STRATA_ASSIGN_OR_RETURN(int64_t end, Int(e, "target_end", what));
    STRATA_ASSIGN_OR_RETURN(int64_t records, Int(e, "records", what));
    auto runs_json = e.find("runs");
    if (runs_json == e.end()) return DataLossError(what + ": no runs");
    STRATA_ASSIGN_OR_RETURN(std::vector<OffsetRun> runs, internal::RunsFromJson(*runs_json, what));
    p.offsets = PartitionOffsets(start);
    Status s = p.offsets.AddRuns(runs);
    if (!s.ok()) return DataLossError(fmt::format("{}: {}", what, s.message()));
    if (p.offsets.records() != records || p.offsets.target_end() != end) {
      return DataLossError(fmt::format("{}: runs hold {} records ending at {}, the entry says {} ending at {}", what,
                                       p.offsets.records(), p.offsets.target_end(), records, end));
    }
    map.partitions.push_back(std::move(p));
  }
  return map;
}

}  // namespace strata::restore
