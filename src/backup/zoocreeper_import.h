// ZoocreeperImport: the `strata import zoocreeper` job (docs/import-zoocreeper.md).
// Converts a ZooKeeper backup made by ZooCreeper or zkr (JSON, optionally gzip;
// zoocreeper/zoocreeper_file.h) into a normal strata ZooKeeper snapshot: a .zks stream
// written through the ZooKeeper backup's own sink, then its manifest, create-only, as
// the commit point. `strata list`, `verify` and `restore zookeeper` then need no
// special case.
//
// ZooCreeper recorded data, ACLs and the Stat a client sees, so znodes keep their ACLs,
// versions, times and zxids, ephemerals stay ephemeral (a restore leaves them out) and
// cversion lets a restore raise sequence counters. A client cannot tell containers and
// TTL znodes from persistent ones: they are stored as a client walk stores them. The
// first znode of the file is the snapshot's root (its chroot, if not "/"); /zookeeper
// is left out. One job per call; thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "backup/repository.h"
#include "backup/zk_backup.h"
#include "core/deadline.h"
#include "core/result.h"

namespace strata::backup {

struct ZoocreeperImportOptions {
  std::string archive;   // how messages and the manifest name the file (a path or URL)
  std::string ensemble;  // the repository's name for the ensemble (ZooCreeper kept no server)
  // The snapshot's time, Unix milliseconds: the file's modification time, or the
  // object's upload time (ZooCreeper wrote no time into the file).
  int64_t taken_unix_ms = 0;
  int zstd_level = 3;
  CancelToken cancel;
};

// Imports the backup in the local file `path` into `repo`. Errors (nothing is
// committed): those of zoocreeper::ReadBackup (NotFound, FailedPrecondition, DataLoss);
// DataLoss for znodes out of pre-order (a znode not below the first one, or before its
// parent), or a file without znodes; InvalidArgument for a bad ensemble name;
// AlreadyExists if this snapshot (ensemble and time) was imported before; Cancelled;
// the store's errors.
Result<ZkBackupResult> RunZoocreeperImport(const Repository& repo, const std::string& path,
                                           const ZoocreeperImportOptions& options,
                                           const ZkBackupProgress& progress = {});

}  // namespace strata::backup
