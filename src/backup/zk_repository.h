// The ZooKeeper part of a repository (docs/format.md, "Layout" and "ZooKeeper
// manifest"): keys of snapshots and manifests, listing, reading and writing manifests,
// the default ensemble name, and retention. Stateless functions over a Repository;
// thread-safe if the store is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backup/repository.h"
#include "core/result.h"
#include "format/zk_manifest.h"

namespace strata::backup {

// "zookeeper/<ensemble>/<id>.zks" and ".json".
std::string ZkSnapshotKey(const std::string& ensemble, const std::string& id);
std::string ZkManifestKey(const std::string& ensemble, const std::string& id);
// "<time>-<zxid as 16 hex digits>": sorts by time; the zxid makes a name chosen twice in
// the same millisecond for different states differ.
std::string ZkSnapshotId(const std::string& time_stamp, int64_t zxid);

// The default ensemble name for a connect string: the first server's host and port and
// the chroot, with every character outside [A-Za-z0-9.] replaced by '-' and the parts
// joined by '_': "zk-0:2181,zk-1:2181/kafka" -> "zk-0-2181_kafka".
std::string DefaultEnsembleName(std::string_view connect);

// OK if `name` is usable as an ensemble name: 1-128 characters of [A-Za-z0-9._-], not "."
// or "..". InvalidArgument otherwise.
Status ValidateEnsembleName(std::string_view name);

// Ensembles that have at least one manifest, sorted.
Result<std::vector<std::string>> ListZkEnsembles(const Repository& repo);
// Snapshot ids (manifest stems) of `ensemble`, oldest first.
Result<std::vector<std::string>> ListZkSnapshots(const Repository& repo, const std::string& ensemble);
// Reads and validates a manifest. NotFound if missing; the errors of ParseZkManifest.
Result<format::ZkManifest> ReadZkManifest(const Repository& repo, const std::string& ensemble,
                                          const std::string& id);
// Writes `manifest` create-only (AlreadyExists if the id is taken): the commit point.
Status WriteZkManifest(const Repository& repo, const format::ZkManifest& manifest);

// Deletes all but the newest `keep` snapshots of `ensemble` (manifest first, so a
// half-deleted snapshot is never listed). Returns the ids deleted. keep < 1 deletes
// nothing.
Result<std::vector<std::string>> PruneZkSnapshots(const Repository& repo, const std::string& ensemble, int keep);

}  // namespace strata::backup
