// Snapshot selection: which Kafka state of a repository a restore or verify reads.
// The state at a point is built as docs/format.md ("Which manifest a restore uses")
// says: each partition takes its entry from the newest manifest that covers it, among
// the manifests up to that point. The point is the newest manifest (default), a given
// manifest id (--snapshot), or the newest manifest created at or before a time (--at).
//
// Pure functions over a Repository; safe for concurrent use if the store is.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backup/repository.h"
#include "core/result.h"
#include "format/kafka_manifest.h"

namespace strata::restore {

struct SnapshotSelector {
  std::optional<std::string> snapshot_id;  // a manifest id, "<time>-<run>"
  std::optional<int64_t> at_ms;            // newest state not after this time
};

struct SnapshotState {
  std::string cluster;
  std::string snapshot_id;   // id of the newest manifest that contributed
  std::string created;       // its creation time (ISO 8601)
  std::vector<std::string> manifest_keys;      // contributing manifests, newest first
  std::map<std::string, format::TopicState> topics;
  // Committed offsets per group: for each (topic, partition) the value from the newest
  // contributing manifest that recorded the group for that topic.
  std::vector<format::GroupState> groups;
  bool complete = true;      // every contributing manifest says complete
  std::vector<std::string> warnings;  // from the contributing manifests
};

// The names of the clusters (kafka/<cluster>/) that have at least one manifest.
Result<std::vector<std::string>> ListKafkaClusters(const backup::Repository& repo);

// `cluster` if given, else the repository's only cluster. NotFound if the repository
// has no Kafka backup; InvalidArgument (listing them) if it has several.
Result<std::string> ResolveCluster(const backup::Repository& repo, const std::optional<std::string>& cluster);

// The id of a manifest key ("kafka/c/manifests/<id>.json" -> "<id>").
std::string ManifestIdOf(const std::string& key);

// The state selected by `selector`. NotFound when the cluster has no manifest, the
// snapshot id does not exist, or nothing was backed up at or before `at_ms`; DataLoss or
// FailedPrecondition (naming the key) for a manifest that is damaged or of another
// version.
Result<SnapshotState> LoadSnapshot(const backup::Repository& repo, const std::string& cluster,
                                   const SnapshotSelector& selector);

}  // namespace strata::restore
