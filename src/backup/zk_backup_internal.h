// Internal to the ZooKeeper backup job (zk_backup.cc, zk_backup_snapshot.cc): what the
// walk and the server-snapshot sources share.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "backup/zk_backup.h"
#include "backup/zks_object_sink.h"
#include "format/zk_manifest.h"
#include "format/znode.h"

namespace strata::backup::internal {

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

// The snapshot_file and admin_url sources (zk_backup_snapshot.cc).
Result<ZkBackupResult> BackupServerSnapshot(const ZkRun& run, const ZkBackupProgress& progress);

}  // namespace strata::backup::internal
