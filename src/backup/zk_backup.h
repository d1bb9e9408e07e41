// ZkBackup: the `strata backup zookeeper` job. Takes a snapshot of a ZooKeeper tree (or
// of the subtree under the connect string's chroot) and stores it in the repository as a
// .zks stream (docs/format-zookeeper.md) plus its manifest, written last and create-only
// as the commit point (docs/format.md, "ZooKeeper manifest").
//
// Three sources:
//   * a client walk (default): pipelined asynchronous reads (zk/tree_walker.h) between a
//     sync() and two `srvr` zxid readings, which bound the manifest's zxid range; every
//     znode except /zookeeper, with data, ACL and Stat; container and TTL znodes look
//     persistent to a client;
//   * ZooKeeper's own snapshot file (snapshot_file): exact types and Stats;
//   * the 3.9 AdminServer `snapshot` command (admin_url), the same bytes streamed.
//
// A run that fails or is cancelled commits nothing (the snapshot object is aborted).
// One job per call; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backup/repository.h"
#include "core/deadline.h"
#include "core/result.h"
#include "format/zk_manifest.h"

namespace strata::backup {

struct ZkBackupOptions {
  // "host:port[,host:port...][/chroot]". Required for a walk and for admin_url (its zxid
  // is read from the live server); optional with snapshot_file, where its chroot selects
  // the subtree and it names the ensemble.
  std::string connect;
  // Session credentials, e.g. {"digest", "user:password"}; the digest credentials also
  // authenticate admin_url requests. Never logged.
  std::vector<std::pair<std::string, std::string>> auth;
  // The repository's name for the ensemble; default DefaultEnsembleName(connect).
  std::optional<std::string> ensemble;
  // Subtrees to leave out, relative to the chroot ("/zookeeper" is always left out).
  std::vector<std::string> exclude;
  // Commit a snapshot even if the server redacted digest ACL ids (the session lacks
  // ADMIN on some znodes). Without it such a run commits nothing and fails.
  bool allow_redacted_acls = false;
  // Read a ZooKeeper snapshot file (dataDir/version-2/snapshot.<zxid>) instead of walking.
  std::optional<std::string> snapshot_file;
  // Fetch the snapshot from a 3.9+ AdminServer ("http://host:8080") instead of walking.
  std::optional<std::string> admin_url;
  // After a successful run, keep only the newest `keep` snapshots of the ensemble (0: all).
  int keep = 0;
  // zstd level of the .zks stream. 3 is zstd's default; 1 is faster.
  int zstd_level = 3;
  // Walk: requests in flight and bytes read ahead at most (see zk/tree_walker.h).
  int max_in_flight = 2000;
  size_t read_ahead_bytes = 64u << 20;
  // Walk: connections (sessions) the reads are spread over, all on the server the first
  // session reached (ZooKeeper answers one session's reads in order, several sessions'
  // in parallel, and with more of them spends less per request). Default 8, with 2000
  // requests in flight (measured best on 2 cores, see docs/zookeeper.md, "Performance").
  int sessions = 8;
  int session_timeout_ms = 30000;
  // Connecting (and the srvr/sync round trips) must finish within this.
  std::chrono::milliseconds connect_timeout{30'000};
  CancelToken cancel;
};

struct ZkBackupResult {
  format::ZkManifest manifest;
  std::string manifest_key;
  std::vector<std::string> pruned;  // snapshot ids deleted by `keep`
  double seconds = 0;
};

// Called now and then during a run with the znodes and data bytes stored so far.
using ZkBackupProgress = std::function<void(uint64_t znodes, uint64_t data_bytes)>;

// Runs one backup into `repo`. Errors (nothing is committed):
//   InvalidArgument: bad options (no connect string for a walk, both snapshot_file and
//     admin_url, a bad ensemble name or exclude path);
//   PermissionDenied: a znode may not be read, or digest ACLs came back redacted and
//     allow_redacted_acls is off (the message names the first such znode);
//   Unauthenticated: the server rejected the credentials;
//   FailedPrecondition, DataLoss: a snapshot file or stream strata cannot read;
//   NotFound: the chroot does not exist, or the snapshot file is missing;
//   Unavailable, DeadlineExceeded: ZooKeeper, the AdminServer or the store is unreachable;
//   Cancelled: options.cancel fired;
//   the store's and repository's errors.
Result<ZkBackupResult> RunZkBackup(const Repository& repo, const ZkBackupOptions& options,
                                   const ZkBackupProgress& progress = {});

}  // namespace strata::backup
