#include "backup/repository.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

#include "core/version.h"

namespace strata::backup {

using storage::ObjectKey;

namespace {
constexpr const char* kMarkerKey = "strata.json";
constexpr const char* kMarkerFormat = "strata-repository";

Status CheckMarker(ByteView bytes, const std::string& url) {
  auto doc = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return DataLossError(fmt::format("{}/strata.json: not valid JSON; the repository marker is damaged", url));
  }
  std::string format = doc.value("format", "");
  if (format != kMarkerFormat) {
    return FailedPreconditionError(fmt::format("{}: strata.json is not a strata repository marker (format \"{}\")", url, format));
  }
  if (!doc.contains("version") || !doc["version"].is_number_integer()) {
    return DataLossError(fmt::format("{}/strata.json: no version number", url));
  }
  int version = doc["version"].get<int>();
  if (version > kRepositoryVersion) {
    return FailedPreconditionError(fmt::format(
        "{}: repository format version {} is newer than this strata supports ({}); upgrade strata", url, version,
        kRepositoryVersion));
  }
  return OkStatus();
}
}  // namespace

std::string NewRunId() {
  std::random_device rd;
  return fmt::format("{:08x}", static_cast<uint32_t>(rd()));
}

bool StopsRepositoryCheck(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
    case StatusCode::kCancelled:
      return true;
    default:
      return false;
  }
}

std::pair<std::string, std::string> NowStamps() {
  auto now = std::chrono::system_clock::now();
  return StampsAt(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
}

std::pair<std::string, std::string> StampsAt(int64_t unix_millis) {
  int64_t floor_secs = unix_millis >= 0 ? unix_millis / 1000 : (unix_millis - 999) / 1000;
  std::time_t secs = static_cast<std::time_t>(floor_secs);
  int ms = static_cast<int>(unix_millis - floor_secs * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return {fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec, ms),
          fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec, ms)};
}

Result<Repository> Repository::Open(storage::ObjectStore& store, std::string url, OpenMode mode) {
  auto marker = store.Get(ObjectKey(kMarkerKey));
  if (marker.ok()) {
    STRATA_RETURN_IF_ERROR(CheckMarker(*marker, url));
    return Repository(&store, std::move(url));
  }
  if (marker.status().code() != StatusCode::kNotFound) return marker.status();
  STRATA_ASSIGN_OR_RETURN(storage::ListPage page, store.List("", "", 1));
  if (!page.objects.empty()) {
    return FailedPreconditionError(fmt::format(
        "{} is not a strata repository: it holds objects (e.g. \"{}\") but no strata.json; use an empty "
        "location",
        url, page.objects.front().key));
  }
  if (mode == OpenMode::kExisting) {
    return NotFoundError(fmt::format("no strata repository at {} (no strata.json)", url));
  }
  nlohmann::ordered_json doc{{"format", kMarkerFormat},
                             {"version", kRepositoryVersion},
                             {"id", NewRunId() + NewRunId()},
                             {"created", NowStamps().second},
                             {"created_by", fmt::format("strata {}", Version())}};
  Status put = store.Put(ObjectKey(kMarkerKey), doc.dump(1) + "\n", storage::WriteOptions{.if_absent = true});
  // Another process may have created it first: that is fine if it is a valid marker.
  if (!put.ok() && put.code() != StatusCode::kAlreadyExists) return put;
  if (put.code() == StatusCode::kAlreadyExists) {
    STRATA_ASSIGN_OR_RETURN(Bytes existing, store.Get(ObjectKey(kMarkerKey)));
    STRATA_RETURN_IF_ERROR(CheckMarker(existing, url));
  }
  return Repository(&store, std::move(url));
}

std::string Repository::KafkaManifestKey(const std::string& cluster, const std::string& id) {
  return fmt::format("kafka/{}/manifests/{}.json", cluster, id);
}

std::string Repository::KafkaSegmentKey(const std::string& cluster, const std::string& topic, int32_t partition,
                                        int64_t base_offset, int64_t last_offset, const std::string& run,
                                        const std::string& suffix) {
  return fmt::format("kafka/{}/segments/{}/{}/{:020}-{:020}-{}{}", cluster, topic, partition, base_offset,
                     last_offset, run, suffix);
}

Result<std::vector<std::string>> Repository::ListKafkaManifests(const std::string& cluster) const {
  std::string prefix = fmt::format("kafka/{}/manifests/", cluster);
  STRATA_ASSIGN_OR_RETURN(auto objects, storage::ListAll(*store_, prefix));
  std::vector<std::string> keys;
  for (const auto& o : objects) {
    if (o.key.size() > 5 && o.key.compare(o.key.size() - 5, 5, ".json") == 0) keys.push_back(o.key);
  }
  return keys;
}

Result<format::KafkaManifest> Repository::ReadKafkaManifest(const std::string& key) const {
  STRATA_ASSIGN_OR_RETURN(Bytes bytes, store_->Get(ObjectKey(key)));
  return format::ParseKafkaManifest(bytes, store_->Describe(ObjectKey(key)));
}

Status Repository::WriteKafkaManifest(const format::KafkaManifest& manifest) const {
  ObjectKey key(KafkaManifestKey(manifest.cluster, manifest.id));
  return store_->Put(key, format::KafkaManifestToJson(manifest), storage::WriteOptions{.if_absent = true})
      .WithContext(fmt::format("write manifest {}", store_->Describe(key)));
}

Result<Repository::LatestState> Repository::LatestKafkaState(const std::string& cluster,
                                                             const std::map<std::string, int32_t>* wanted) const {
  STRATA_ASSIGN_OR_RETURN(auto keys, ListKafkaManifests(cluster));
  LatestState state;
  auto covered = [&] {
    for (const auto& [topic, count] : *wanted) {
      auto t = state.topics.find(topic);
      if (t == state.topics.end()) return false;
      for (int32_t p = 0; p < count; ++p) {
        bool found = false;
        for (const auto& q : t->second.partitions) found = found || q.partition == p;
        if (!found) return false;
      }
    }
    return true;
  };
  // Newest first: the first manifest that covers a partition wins.
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    STRATA_ASSIGN_OR_RETURN(format::KafkaManifest m, ReadKafkaManifest(*it));
    bool used = false;
    for (const auto& t : m.topics) {
      auto [slot, inserted] = state.topics.try_emplace(t.name, t);
      if (inserted) {
        used = true;
        continue;
      }
      for (const auto& p : t.partitions) {
        bool known = false;
        for (const auto& q : slot->second.partitions) known = known || q.partition == p.partition;
        if (!known) {
          slot->second.partitions.push_back(p);
          used = true;
        }
      }
    }
    if (used) state.manifest_keys.push_back(*it);
    if (wanted != nullptr && covered()) break;
  }
  for (auto& [name, t] : state.topics) {
    std::sort(t.partitions.begin(), t.partitions.end(),
              [](const format::PartitionState& a, const format::PartitionState& b) { return a.partition < b.partition; });
  }
  return state;
}

}  // namespace strata::backup
