// ZkRestore: the `strata restore zookeeper` job. Reads a snapshot (.zks) from the
// repository, checks it whole, then recreates its znodes on a target ensemble:
//   * parents before children (the stream's pre-order), with pipelined asynchronous
//     writes packed into multi requests (zk/tree_writer.h);
//   * ephemeral znodes never (each is reported); existing znodes are left alone unless
//     `overwrite` (then their data and ACL are set);
//   * containers and TTL znodes as such when the snapshot knows them (server snapshots),
//     TTL falling back to persistent with a warning when the target lacks extended types;
//   * sequential children under their own names, and each such parent's sequence
//     counter (cversion) raised to the saved value so the next sequential create does not
//     collide;
//   * ACLs exactly: a znode that will get children is created with its ACL plus a
//     temporary create/delete/admin grant, and its final ACL is set after its whole
//     subtree, children before parents;
//   * `profile` kafka: the rules of restore/zk_kafka_profile.h.
// A dry run reads the target and reports the plan without writing.
//
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

namespace strata::restore {

enum class ZkProfile { kNone, kKafka };
// --kafka-cluster-id: kBackup makes /cluster/id the backup's (replacing a different one
// brokers may have generated); kKeep keeps an id the target already has.
enum class KafkaClusterIdMode { kBackup, kKeep };

struct ZkRestoreOptions {
  // Target: "host:port[,...][/chroot]".
  std::string connect;
  std::vector<std::pair<std::string, std::string>> auth;  // e.g. {"digest", "user:pw"}
  // Which snapshot: the ensemble (default: the repository's only one) and snapshot id
  // (default: the newest).
  std::optional<std::string> ensemble;
  std::optional<std::string> snapshot_id;
  // The snapshot's subtree to restore ("/" = all) and where it goes below the target's
  // chroot (default: the same path).
  std::string path = "/";
  std::optional<std::string> to_path;
  bool overwrite = false;
  bool dry_run = false;
  ZkProfile profile = ZkProfile::kNone;
  KafkaClusterIdMode kafka_cluster_id = KafkaClusterIdMode::kBackup;
  // Producer ids reserved past the backup's block, for ids issued after the backup.
  int64_t kafka_producer_id_margin = 1'000'000;
  // Writes in flight and bytes per multi at most (zk/tree_writer.h).
  int max_in_flight = 64;
  size_t max_batch_bytes = 512u << 10;
  int session_timeout_ms = 30000;
  std::chrono::milliseconds connect_timeout{30'000};
  CancelToken cancel;
};

// One line of the plan / report.
enum class ZkPlanAction {
  kCreate,         // "+": created (or would be)
  kSkipExists,     // "=": exists on the target, left alone
  kDiffers,        // "~": exists with other data or ACL (dry run, or left alone)
  kUpdate,         // "*": exists, data/ACL set (overwrite, or a Kafka counter adjusted)
  kSkipEphemeral,  // "-": ephemeral, never restored
  kSkipProfile,    // "-": left out by the profile (with its subtree)
  kFailed,         // "!": the write failed
};
std::string_view ZkPlanSymbol(ZkPlanAction action);
std::string_view ZkPlanName(ZkPlanAction action);

struct ZkPlanLine {
  ZkPlanAction action;
  std::string path;    // target path
  std::string detail;  // e.g. "data, acl", a skip reason, an error
};
// Receives plan lines as they are decided (dry run: every znode; restore: everything
// but plain creates and skip-exists). Called on the job's thread.
using ZkPlanCallback = std::function<void(const ZkPlanLine&)>;
using ZkRestoreProgress = std::function<void(uint64_t done, uint64_t total)>;

struct ZkRestoreResult {
  std::string ensemble;
  std::string snapshot_id;
  uint64_t znodes = 0;  // entries of the snapshot in the restored subtree
  uint64_t created = 0, existed = 0, differs = 0, updated = 0;
  uint64_t skipped_ephemeral = 0, skipped_profile = 0, failed = 0;
  uint64_t containers = 0, ttl = 0, ttl_as_persistent = 0;
  uint64_t acls_set = 0;            // final ACLs set after subtrees
  uint64_t sequence_parents = 0;    // parents whose cversion was raised
  uint64_t sequence_writes = 0;     // create/delete writes that raised them
  uint64_t writes = 0, requests = 0;
  std::vector<format::ZkQuota> quotas;  // from the manifest, to reapply (setquota)
  std::vector<std::string> warnings;
  double seconds = 0;
};

// Runs the restore. Errors:
//   NotFound: no such ensemble / snapshot, or the repository has none;
//   InvalidArgument: several ensembles and none chosen, bad paths, --path not in the
//     snapshot;
//   DataLoss: the snapshot or its manifest is damaged (nothing written);
//   Unauthenticated, PermissionDenied, Unavailable, DeadlineExceeded: the target's
//     (connecting, reading it);
//   Aborted: the session expired;
//   Cancelled.
// Writes that fail one by one (e.g. NOAUTH on one znode) do not stop the restore: they
// are reported through `plan` as kFailed and counted in ZkRestoreResult::failed.
Result<ZkRestoreResult> RunZkRestore(const backup::Repository& repo, const ZkRestoreOptions& options,
                                     const ZkPlanCallback& plan = {}, const ZkRestoreProgress& progress = {});

}  // namespace strata::restore
