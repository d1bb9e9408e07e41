// Internal to the ZooKeeper backup job (zk_backup.cc, zk_backup_snapshot.cc): what the
// walk and the server-snapshot sources share.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backup/zk_backup.h"
#include "backup/zks_object_sink.h"
#include "format/zk_manifest.h"
#include "format/znode.h"

namespace strata::backup::internal {

// ZooKeeper's own subtree, never backed up or imported.
inline constexpr std::string_view kZookeeperTree = "/zookeeper";

// ZooKeeper backups and imports report progress every this many znodes.
inline constexpr uint64_t kZnodesPerProgress = 4096;

// One run's settings, resolved from the options.
struct ZkRun {
  const Repository* repo = nullptr;
  const ZkBackupOptions* options = nullptr;
  std::string ensemble;
  std::string hosts;   // server list of the connect string, "" if none was given
  std::string chroot;  // "" or "/a/b"
  std::string time_key;   // "YYYYMMDDTHHMMSS.mmmZ"
  std::string time_iso;
  std::vector<std::string> exclude;  // absolute paths (chroot + relative)
  std::chrono::steady_clock::time_point start;
};

// A manifest with the run's common fields filled in.
format::ZkManifest BaseManifest(const ZkRun& run, std::string_view method, int64_t name_zxid);

// `path` (absolute) relative to `chroot`: "/kafka/a" -> "/a", "/kafka" -> "/".
// REQUIRES: path is chroot or below it.
std::string Relative(const std::string& chroot, const std::string& path);
// True if `path` is `prefix` or lies below it.
bool IsUnder(std::string_view path, std::string_view prefix);

// PermissionDenied for a znode with a redacted digest ACL unless allowed, naming it.
Status CheckRedacted(const ZkRun& run, const format::ZNode& node);

// Commits the sink's object, writes the manifest, applies `keep`.
Result<ZkBackupResult> Commit(const ZkRun& run, ZksObjectSink& sink, format::ZkManifest manifest);

// The start of an import of another tool's ZooKeeper backup: the run (ensemble named,
// time from `stamps`), its manifest (method walk, no zxid) and an open sink, once it is
// checked that `archive` was not imported into the ensemble before (AlreadyExists).
// InvalidArgument for a bad ensemble name; the store's errors.
struct ImportStart {
  ZkBackupOptions options;  // what Commit and BaseManifest read: no excludes, no retention
  ZkRun run;                // run.options points at `options`
  format::ZkManifest manifest;
  std::unique_ptr<ZksObjectSink> sink;
};
Result<std::unique_ptr<ImportStart>> StartImport(const Repository& repo, const std::string& ensemble,
                                                 const std::pair<std::string, std::string>& stamps,
                                                 const std::string& archive, int zstd_level);

// The snapshot_file and admin_url sources (zk_backup_snapshot.cc).
Result<ZkBackupResult> BackupServerSnapshot(const ZkRun& run, const ZkBackupProgress& progress);

}  // namespace strata::backup::internal
