#include "restore/snapshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "restore/flag_values.h"

namespace strata::restore {
namespace {

constexpr char kKafkaPrefix[] = "kafka/";
constexpr size_t kManifestTimeChars = 20;  // "YYYYMMDDTHHMMSS.mmmZ"

}  // namespace

Result<std::vector<std::string>> ListKafkaClusters(const backup::Repository& repo) {
  std::vector<std::string> clusters;
  std::string start_after;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(storage::ListPage page, repo.store().List(kKafkaPrefix, start_after, 1));
    if (page.objects.empty()) break;
    const std::string& key = page.objects.front().key;
    size_t slash = key.find('/', sizeof(kKafkaPrefix) - 1);
    if (slash == std::string::npos) break;
    std::string cluster = key.substr(sizeof(kKafkaPrefix) - 1, slash - (sizeof(kKafkaPrefix) - 1));
    STRATA_ASSIGN_OR_RETURN(auto manifests, repo.ListKafkaManifests(cluster));
    if (!manifests.empty()) clusters.push_back(cluster);
    // '/' sorts below every character a cluster name may continue with ('0'-'9', letters,
    // '_'), so "kafka/<cluster>0" is past all of this cluster's keys and no other's.
    start_after = std::string(kKafkaPrefix) + cluster + "0";
  }
  return clusters;
}

Result<std::string> ResolveCluster(const backup::Repository& repo, const std::optional<std::string>& cluster) {
  if (cluster) return *cluster;
  STRATA_ASSIGN_OR_RETURN(auto clusters, ListKafkaClusters(repo));
  if (clusters.empty()) return NotFoundError(fmt::format("{} holds no Kafka backup", repo.url()));
  if (clusters.size() > 1) {
    std::string names;
    for (const auto& c : clusters) names += (names.empty() ? "" : ", ") + c;
    return InvalidArgumentError(
        fmt::format("{} holds backups of several Kafka clusters ({}); choose one with --cluster", repo.url(), names));
  }
  return clusters.front();
}

std::string ManifestIdOf(const std::string& key) {
  size_t slash = key.rfind('/');
  std::string id = slash == std::string::npos ? key : key.substr(slash + 1);
  if (id.size() > 5 && id.compare(id.size() - 5, 5, ".json") == 0) id.resize(id.size() - 5);
  return id;
}

Result<SnapshotState> LoadSnapshot(const backup::Repository& repo, const std::string& cluster,
                                   const SnapshotSelector& selector) {
  STRATA_ASSIGN_OR_RETURN(std::vector<std::string> keys, repo.ListKafkaManifests(cluster));
  if (keys.empty()) return NotFoundError(fmt::format("{} holds no Kafka backup of cluster \"{}\"", repo.url(), cluster));
  size_t end = keys.size();  // manifests [0, end) are candidates, oldest first
  if (selector.snapshot_id) {
    auto it = std::find_if(keys.begin(), keys.end(), [&](const std::string& k) { return ManifestIdOf(k) == *selector.snapshot_id; });
    if (it == keys.end()) {
      return NotFoundError(fmt::format("no snapshot \"{}\" of cluster \"{}\" in {} (`strata ls` lists them)",
                                       *selector.snapshot_id, cluster, repo.url()));
    }
    end = static_cast<size_t>(it - keys.begin()) + 1;
  }
  if (selector.at_ms) {
    size_t n = 0;
    for (size_t i = 0; i < end; ++i) {
      std::string id = ManifestIdOf(keys[i]);
      auto t = ParseTime(id.substr(0, kManifestTimeChars));
      if (t.ok() && *t <= *selector.at_ms) n = i + 1;
    }
    if (n == 0) {
      return NotFoundError(fmt::format("no backup of cluster \"{}\" was made at or before {}", cluster,
                                       FormatTime(*selector.at_ms)));
    }
    end = n;
  }

  SnapshotState state;
  state.cluster = cluster;
  std::set<std::tuple<std::string, std::string, int32_t>> group_seen;
  for (size_t i = end; i-- > 0;) {
    STRATA_ASSIGN_OR_RETURN(format::KafkaManifest m, repo.ReadKafkaManifest(keys[i]));
    bool used = false;
    for (const auto& t : m.topics) {
      auto [slot, inserted] = state.topics.try_emplace(t.name, t);
      if (inserted) {
        used = true;
        continue;
      }
      for (const auto& p : t.partitions) {
        bool known = std::any_of(slot->second.partitions.begin(), slot->second.partitions.end(),
                                 [&](const format::PartitionState& q) { return q.partition == p.partition; });
        if (!known) {
          slot->second.partitions.push_back(p);
          used = true;
        }
      }
    }
    if (!used) continue;
    if (state.manifest_keys.empty()) {
      state.snapshot_id = m.id;
      state.created = m.created;
    }
    state.manifest_keys.push_back(keys[i]);
    state.complete = state.complete && m.complete;
    for (const auto& w : m.warnings) state.warnings.push_back(w);
    for (const auto& g : m.consumer_groups) {
      format::GroupState* out = nullptr;
      for (auto& have : state.groups) {
        if (have.group == g.group) out = &have;
      }
      for (const auto& o : g.offsets) {
        if (!group_seen.insert({g.group, o.topic, o.partition}).second) continue;
        if (out == nullptr) {
          state.groups.push_back({g.group, {}});
          out = &state.groups.back();
        }
        out->offsets.push_back(o);
      }
    }
  }
  for (auto& [name, t] : state.topics) {
    std::sort(t.partitions.begin(), t.partitions.end(),
              [](const format::PartitionState& a, const format::PartitionState& b) { return a.partition < b.partition; });
  }
  std::sort(state.groups.begin(), state.groups.end(),
            [](const format::GroupState& a, const format::GroupState& b) { return a.group < b.group; });
  return state;
}

}  // namespace strata::restore
