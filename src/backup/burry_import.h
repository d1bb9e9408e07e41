// BurryImport: the `strata import burry` job (docs/import-burry.md). Converts a ZooKeeper
// backup made by Burry (a ZIP file, burry/burry_archive.h) into a normal strata ZooKeeper
// snapshot: a .zks stream written through the ZooKeeper backup's own sink, then its
// manifest, create-only, as the commit point. `strata list`, `verify` and `restore
// zookeeper` then need no special case.
//
// Burry recorded only data and tree shape. Every znode is stored as the type a client
// walk records for a persistent znode (kPersistentOrExtended), with a zero Stat and the
// ACL chosen here; the manifest's "import" object says what was not recorded, and its
// consistency has no zxid (zxid_source "none"). /zookeeper is left out.
//
// One job per call; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backup/repository.h"
#include "backup/zk_backup.h"
#include "burry/burry_archive.h"
#include "core/deadline.h"
#include "core/result.h"
#include "format/znode.h"
#include "storage/object_store.h"

namespace strata::backup {

struct BurryImportOptions {
  std::string archive;  // how messages and the manifest name the archive (a path or URL)
  // The repository's name for the ensemble; default DefaultEnsembleName() of the server
  // in .burrymeta (the name `strata backup zookeeper` gives the same server).
  std::optional<std::string> ensemble;
  // The ACL every imported znode gets (Burry stored none). Default world:anyone:cdrwa,
  // what Burry's own restore sets and what ZooKeeper gives a znode created without ACLs
  // in mind (OPEN_ACL_UNSAFE).
  std::vector<format::ZnodeAcl> acl = {format::ZnodeAcl{31, "world", "anyone"}};
  int zstd_level = 3;
  CancelToken cancel;
};

// Imports `archive` (opened, and so checked to be a Burry backup, before the repository
// is touched) into `repo`. The result's manifest carries the counts; its `imported` says
// what was implied and skipped. Errors (nothing is committed):
//   the errors of BurryArchive::ForEach (DataLoss, FailedPrecondition);
//   InvalidArgument: no --name and no server in .burrymeta, a bad name or ACL;
//   AlreadyExists: this archive was imported into the ensemble before (same id);
//   Cancelled; the store's errors.
Result<ZkBackupResult> RunBurryImport(const Repository& repo, burry::BurryArchive& archive,
                                      const BurryImportOptions& options, const ZkBackupProgress& progress = {});

}  // namespace strata::backup
