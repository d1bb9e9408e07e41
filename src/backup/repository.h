// Repository: a strata repository on an ObjectStore (docs/format.md): the marker object,
// key naming, and the Kafka manifests. Safe for concurrent use if the store is.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "format/kafka_manifest.h"
#include "storage/object_store.h"

namespace strata::backup {

inline constexpr int kRepositoryVersion = 1;

enum class OpenMode {
  kExisting,         // NotFound if there is no repository
  kCreateIfMissing,  // an empty location becomes a repository
};

class Repository {
 public:
  // Opens the repository in `store` (which must outlive it). `url` names it in messages.
  //   NotFound: no marker and mode is kExisting ("no strata repository at URL").
  //   FailedPrecondition: objects but no marker ("not a strata repository"), a marker of
  //     another format, or a newer version.
  //   DataLoss: a marker that is not valid JSON.
  static Result<Repository> Open(storage::ObjectStore& store, std::string url, OpenMode mode);

  storage::ObjectStore& store() const { return *store_; }
  const std::string& url() const { return url_; }

  // Keys of all Kafka manifests of `cluster`, oldest first.
  Result<std::vector<std::string>> ListKafkaManifests(const std::string& cluster) const;
  // Reads and validates one manifest.
  Result<format::KafkaManifest> ReadKafkaManifest(const std::string& key) const;
  // Writes `manifest` create-only under its id; the backup's commit point.
  Status WriteKafkaManifest(const format::KafkaManifest& manifest) const;

  // The latest known state per topic partition of `cluster`: for each (topic, partition)
  // the entry of the newest manifest that covers it, with that topic's metadata.
  // Empty if the cluster has no manifest yet.
  struct LatestState {
    std::map<std::string, format::TopicState> topics;  // partitions merged across manifests
    std::vector<std::string> manifest_keys;            // the manifests that contributed
  };
  // With `wanted` (topic -> partition count), reading stops at the first manifest after
  // which every wanted partition is covered (other topics may then be missing): a
  // continuous backup has many manifests, and each covers the whole selection.
  Result<LatestState> LatestKafkaState(const std::string& cluster,
                                       const std::map<std::string, int32_t>* wanted = nullptr) const;

  static std::string KafkaManifestKey(const std::string& cluster, const std::string& id);
  static std::string KafkaSegmentKey(const std::string& cluster, const std::string& topic, int32_t partition,
                                     int64_t base_offset, int64_t last_offset, const std::string& run,
                                     const std::string& suffix);

 private:
  Repository(storage::ObjectStore* store, std::string url) : store_(store), url_(std::move(url)) {}
  storage::ObjectStore* store_;  // not owned
  std::string url_;
};

// True for errors reading a repository that say nothing about its contents (the store
// unreachable or refusing us, or cancellation): a check (`strata verify`) stops on them
// instead of reporting the object as damaged.
bool StopsRepositoryCheck(const Status& s);

// A run id: 8 random lowercase hex digits.
std::string NewRunId();
// Now as "YYYYMMDDTHHMMSS.mmmZ" (key form) and "YYYY-MM-DDTHH:MM:SS.mmmZ" (ISO form).
std::pair<std::string, std::string> NowStamps();
// The same two forms of a time given in milliseconds since the Unix epoch (UTC).
std::pair<std::string, std::string> StampsAt(int64_t unix_millis);

}  // namespace strata::backup
