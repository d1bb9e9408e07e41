#include "restore/restore_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "restore/json_util.h"
#include "storage/object_store.h"

namespace strata::restore {

using internal::Int;
using internal::Str;
using storage::ObjectKey;

namespace {

constexpr char kRecordFile[] = "restore.json";
constexpr char kOffsetMapFile[] = "offset-map.json";
constexpr char kProgressDir[] = "progress/";

std::string Dir(const std::string& cluster, const std::string& restore_id) {
  return fmt::format("kafka/{}/restores/{}/", cluster, restore_id);
}

}  // namespace

std::string RestoreId(const std::string& fingerprint, int attempt) { return fmt::format("{}-{:04}", fingerprint, attempt); }
std::string RestoreRecordKey(const std::string& cluster, const std::string& restore_id) {
  return Dir(cluster, restore_id) + kRecordFile;
}
std::string ProgressKey(const std::string& cluster, const std::string& restore_id, int64_t seq) {
  return fmt::format("{}{}{:08}.json", Dir(cluster, restore_id), kProgressDir, seq);
}
std::string OffsetMapKey(const std::string& cluster, const std::string& restore_id) {
  return Dir(cluster, restore_id) + kOffsetMapFile;
}

std::string RestoreRecordToJson(const RestoreRecord& r) {
  nlohmann::ordered_json j;
  j["format"] = kRestoreRecordFormat;
  j["version"] = kRestoreRecordVersion;
  j["restore_id"] = r.restore_id;
  j["fingerprint"] = r.fingerprint;
  j["cluster"] = r.cluster;
  j["snapshot"] = r.snapshot;
  j["manifests"] = r.manifests;
  j["until"] = r.until_ms ? nlohmann::ordered_json(*r.until_ms) : nlohmann::ordered_json(nullptr);
  j["target"] = {{"cluster_id", r.target_cluster_id}, {"bootstrap_servers", r.target_bootstrap}};
  j["created"] = r.created;
  j["strata_version"] = r.strata_version;
  nlohmann::ordered_json parts = nlohmann::ordered_json::array();
  for (const auto& p : r.partitions) {
    parts.push_back({{"source_topic", p.source_topic},
                     {"target_topic", p.target_topic},
                     {"partition", p.partition},
                     {"target_base", p.target_base}});
  }
  j["partitions"] = std::move(parts);
  return j.dump(1) + "\n";
}

Result<RestoreRecord> ParseRestoreRecord(ByteView json, std::string_view where) {
  STRATA_ASSIGN_OR_RETURN(nlohmann::json j,
                          internal::ParseVersioned(json, where, kRestoreRecordFormat, kRestoreRecordVersion));
  RestoreRecord r;
  STRATA_ASSIGN_OR_RETURN(r.restore_id, Str(j, "restore_id", where));
  STRATA_ASSIGN_OR_RETURN(r.fingerprint, Str(j, "fingerprint", where));
  STRATA_ASSIGN_OR_RETURN(r.cluster, Str(j, "cluster", where));
  STRATA_ASSIGN_OR_RETURN(r.snapshot, Str(j, "snapshot", where));
  STRATA_ASSIGN_OR_RETURN(r.created, Str(j, "created", where));
  r.strata_version = j.value("strata_version", "");
  STRATA_ASSIGN_OR_RETURN(const nlohmann::json* manifests, internal::Array(j, "manifests", where));
  for (const auto& m : *manifests) {
    if (!m.is_string()) return DataLossError(fmt::format("{}: a manifest key is not a string", where));
    r.manifests.push_back(m.get<std::string>());
  }
  if (auto u = j.find("until"); u != j.end() && u->is_number_integer()) r.until_ms = u->get<int64_t>();
  auto target = j.find("target");
  if (target == j.end() || !target->is_object()) return DataLossError(fmt::format("{}: no target", where));
  STRATA_ASSIGN_OR_RETURN(r.target_cluster_id, Str(*target, "cluster_id", where));
  r.target_bootstrap = target->value("bootstrap_servers", "");
  STRATA_ASSIGN_OR_RETURN(const nlohmann::json* parts, internal::Array(j, "partitions", where));
  for (const auto& e : *parts) {
    RestorePartition p;
    STRATA_ASSIGN_OR_RETURN(p.source_topic, Str(e, "source_topic", where));
    STRATA_ASSIGN_OR_RETURN(p.target_topic, Str(e, "target_topic", where));
    STRATA_ASSIGN_OR_RETURN(int64_t partition, Int(e, "partition", where));
    p.partition = static_cast<int32_t>(partition);
    STRATA_ASSIGN_OR_RETURN(p.target_base, Int(e, "target_base", where));
    r.partitions.push_back(std::move(p));
  }
  return r;
}

std::string ProgressToJson(const ProgressCheckpoint& c) {
  nlohmann::ordered_json j;
  j["format"] = kProgressFormat;
  j["version"] = kRestoreRecordVersion;
  j["restore_id"] = c.restore_id;
  j["seq"] = c.seq;
  j["created"] = c.created;
  nlohmann::ordered_json parts = nlohmann::ordered_json::array();
  for (const auto& p : c.partitions) {
    nlohmann::ordered_json e;
    e["target_topic"] = p.target_topic;
    e["partition"] = p.partition;
    e["records"] = p.records;
    e["next_source_offset"] = p.next_source_offset;
    e["runs"] = internal::RunsToJson(p.runs);
    parts.push_back(std::move(e));
  }
  j["partitions"] = std::move(parts);
  return j.dump() + "\n";
}

Result<ProgressCheckpoint> ParseProgress(ByteView json, std::string_view where) {
  STRATA_ASSIGN_OR_RETURN(nlohmann::json j, internal::ParseVersioned(json, where, kProgressFormat, kRestoreRecordVersion));
  ProgressCheckpoint c;
  STRATA_ASSIGN_OR_RETURN(c.restore_id, Str(j, "restore_id", where));
  STRATA_ASSIGN_OR_RETURN(c.seq, Int(j, "seq", where));
  STRATA_ASSIGN_OR_RETURN(c.created, Str(j, "created", where));
  STRATA_ASSIGN_OR_RETURN(const nlohmann::json* parts, internal::Array(j, "partitions", where));
  for (const auto& e : *parts) {
    PartitionProgress p;
    STRATA_ASSIGN_OR_RETURN(p.target_topic, Str(e, "target_topic", where));
    STRATA_ASSIGN_OR_RETURN(int64_t partition, Int(e, "partition", where));
    p.partition = static_cast<int32_t>(partition);
    STRATA_ASSIGN_OR_RETURN(p.records, Int(e, "records", where));
    STRATA_ASSIGN_OR_RETURN(p.next_source_offset, Int(e, "next_source_offset", where));
    auto runs = e.find("runs");
    if (runs == e.end()) return DataLossError(fmt::format("{}: a partition has no runs", where));
    STRATA_ASSIGN_OR_RETURN(p.runs, internal::RunsFromJson(*runs, where));
    c.partitions.push_back(std::move(p));
  }
  return c;
}

Result<std::optional<Attempt>> LatestAttempt(const backup::Repository& repo, const std::string& cluster,
                                             const std::string& fingerprint) {
  std::string prefix = fmt::format("kafka/{}/restores/{}-", cluster, fingerprint);
  STRATA_ASSIGN_OR_RETURN(auto objects, storage::ListAll(repo.store(), prefix));
  int latest = 0;
  for (const auto& o : objects) {
    std::string_view rest = std::string_view(o.key).substr(prefix.size());
    int n = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (ec == std::errc() && p != rest.data() && *p == '/') latest = std::max(latest, n);
  }
  if (latest == 0) return std::optional<Attempt>();
  Attempt a;
  a.number = latest;
  a.restore_id = RestoreId(fingerprint, latest);
  std::string record_key = RestoreRecordKey(cluster, a.restore_id);
  std::string progress_prefix = Dir(cluster, a.restore_id) + kProgressDir;
  std::vector<std::string> progress_keys;
  bool have_record = false;
  for (const auto& o : objects) {
    if (o.key == record_key) have_record = true;
    if (o.key == OffsetMapKey(cluster, a.restore_id)) a.finished = true;
    if (o.key.rfind(progress_prefix, 0) == 0) progress_keys.push_back(o.key);
  }
  if (!have_record) {
    // Only the restore record is written first; other objects without it mean damage.
    return DataLossError(fmt::format("{}: restore {} has objects but no {}", repo.url(), a.restore_id, kRecordFile));
  }
  STRATA_ASSIGN_OR_RETURN(Bytes bytes, repo.store().Get(ObjectKey(record_key)));
  STRATA_ASSIGN_OR_RETURN(a.record, ParseRestoreRecord(bytes, repo.store().Describe(ObjectKey(record_key))));
  std::sort(progress_keys.begin(), progress_keys.end());
  for (const auto& key : progress_keys) {
    STRATA_ASSIGN_OR_RETURN(Bytes b, repo.store().Get(ObjectKey(key)));
    std::string where = repo.store().Describe(ObjectKey(key));
    STRATA_ASSIGN_OR_RETURN(ProgressCheckpoint c, ParseProgress(b, where));
    if (c.seq != a.next_seq) {
      return DataLossError(fmt::format("{}: checkpoint {} follows {}: a checkpoint is missing", where, c.seq, a.next_seq - 1));
    }
    a.next_seq = c.seq + 1;
    for (auto& p : c.partitions) {
      PartitionProgress& merged = a.progress[{p.target_topic, p.partition}];
      merged.target_topic = p.target_topic;
      merged.partition = p.partition;
      merged.records = p.records;
      merged.next_source_offset = p.next_source_offset;
      merged.runs.insert(merged.runs.end(), p.runs.begin(), p.runs.end());
    }
  }
  return std::optional<Attempt>(std::move(a));
}

Status WriteRestoreRecord(const backup::Repository& repo, const RestoreRecord& record) {
  ObjectKey key(RestoreRecordKey(record.cluster, record.restore_id));
  return repo.store()
      .Put(key, RestoreRecordToJson(record), storage::WriteOptions{.if_absent = true})
      .WithContext(fmt::format("write {}", repo.store().Describe(key)));
}

Status WriteProgress(const backup::Repository& repo, const std::string& cluster, const ProgressCheckpoint& c) {
  ObjectKey key(ProgressKey(cluster, c.restore_id, c.seq));
  return repo.store()
      .Put(key, ProgressToJson(c), storage::WriteOptions{.if_absent = true})
      .WithContext(fmt::format("write {}", repo.store().Describe(key)));
}

Status WriteOffsetMap(const backup::Repository& repo, const OffsetMap& map) {
  ObjectKey key(OffsetMapKey(map.cluster, map.restore_id));
  return repo.store()
      .Put(key, OffsetMapToJson(map), storage::WriteOptions{.if_absent = true})
      .WithContext(fmt::format("write {}", repo.store().Describe(key)));
}

Result<std::vector<OffsetMap>> ListOffsetMaps(const backup::Repository& repo, const std::string& cluster) {
  STRATA_ASSIGN_OR_RETURN(auto objects, storage::ListAll(repo.store(), fmt::format("kafka/{}/restores/", cluster)));
  std::vector<OffsetMap> maps;
  for (const auto& o : objects) {
    if (o.key.size() < sizeof(kOffsetMapFile) ||
        o.key.compare(o.key.size() - (sizeof(kOffsetMapFile) - 1), std::string::npos, kOffsetMapFile) != 0) {
      continue;
    }
    STRATA_ASSIGN_OR_RETURN(Bytes b, repo.store().Get(ObjectKey(o.key)));
    STRATA_ASSIGN_OR_RETURN(OffsetMap m, ParseOffsetMap(b, repo.store().Describe(ObjectKey(o.key))));
    maps.push_back(std::move(m));
  }
  std::sort(maps.begin(), maps.end(), [](const OffsetMap& a, const OffsetMap& b) { return a.created < b.created; });
  return maps;
}

}  // namespace strata::restore
