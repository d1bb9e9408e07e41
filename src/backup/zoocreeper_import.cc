#include "backup/zoocreeper_import.h"

#include <fmt/format.h>

#include "backup/log.h"
#include "backup/zk_backup_internal.h"
#include "backup/zk_repository.h"
#include "zoocreeper/zoocreeper_file.h"

namespace strata::backup {

Result<ZkBackupResult> RunZoocreeperImport(const Repository& repo, const std::string& path,
                                           const ZoocreeperImportOptions& o, const ZkBackupProgress& progress) {
  auto stamps = StampsAt(o.taken_unix_ms);
  STRATA_ASSIGN_OR_RETURN(auto start, internal::StartImport(repo, o.ensemble, stamps, o.archive, o.zstd_level));
  format::ZkManifest& m = start->manifest;
  ZksObjectSink& sink = *start->sink;
  format::ZkImport imported;
  imported.tool = "zoocreeper";
  imported.archive = o.archive;
  imported.source_date = stamps.second;
  imported.not_recorded = {"container/TTL type", "zxid range"};

  std::string root;  // the first znode: the snapshot's root
  uint64_t ephemeral = 0;
  uint64_t no_acl = 0;
  std::string first_no_acl;
  format::ZNode node;
  node.type_source = format::TypeSource::kClientWalk;
  auto read = zoocreeper::ReadBackup(path, o.archive, [&](const zoocreeper::BackupZnode& z) -> Status {
    if (o.cancel.cancelled()) return CancelledError("import cancelled");
    if (root.empty()) {
      root = z.path;
      m.chroot = root == "/" ? "" : root;
      if (!m.chroot.empty()) m.excluded.clear();  // /zookeeper is not below a chroot
    }
    if (!internal::IsUnder(z.path, root)) {
      return DataLossError(fmt::format("{}: znode {} is not below the first znode {}: not ZooCreeper's pre-order",
                                       o.archive, z.path, root));
    }
    std::string relative = internal::Relative(m.chroot, z.path);
    if (m.chroot.empty() && internal::IsUnder(relative, internal::kZookeeperTree)) {
      imported.skipped++;
      return OkStatus();
    }
    node.path = std::move(relative);
    node.data = z.data;
    node.acl = z.acl;
    if (node.acl.empty()) {  // ZooKeeper refuses a create without ACL entries
      node.acl = {format::ZnodeAcl{31, "world", "anyone"}};
      if (no_acl++ == 0) first_no_acl = z.path;
    }
    node.stat = z.stat;
    node.type = z.stat.ephemeral_owner != 0 ? format::NodeType::kEphemeral : format::NodeType::kPersistentOrExtended;
    if (node.type == format::NodeType::kEphemeral) ++ephemeral;
    if (Status added = sink.Add(node); !added.ok()) {
      // The sink refuses entries out of pre-order; the file is what is wrong.
      if (added.code() != StatusCode::kInvalidArgument) return added;
      return DataLossError(fmt::format("{}: {}", o.archive, added.message()));
    }
    if (progress && sink.counts().znodes % internal::kZnodesPerProgress == 0) {
      progress(sink.counts().znodes, sink.data_bytes());
    }
    return OkStatus();
  });
  if (!read.ok()) return read.status();
  if (sink.counts().znodes == 0) {
    return DataLossError(fmt::format("{} holds no znode (ZooCreeper writes an empty object when its root path was "
                                     "missing)",
                                     o.archive));
  }
  if (progress) progress(sink.counts().znodes, sink.data_bytes());
  std::vector<std::string> warnings;
  warnings.push_back(
      "imported from ZooCreeper, which read znodes through the client API: containers and TTL znodes are restored as "
      "persistent, and the snapshot has no zxid range");
  if (ephemeral > 0) {
    warnings.push_back(fmt::format(
        "{} ephemeral znodes were recorded (ZooCreeper's --backup-ephemeral); restore leaves them out", ephemeral));
  }
  if (no_acl > 0) {
    warnings.push_back(fmt::format(
        "{} znodes had an empty ACL list (e.g. {}), which ZooKeeper refuses: stored with world:anyone:cdrwa", no_acl,
        first_no_acl));
  }
  if (read->ignored_fields > 0) {
    warnings.push_back(fmt::format("{} fields that ZooCreeper does not write were ignored", read->ignored_fields));
  }
  m.warnings = std::move(warnings);
  m.imported = std::move(imported);
  Log().info("imported {} znodes from {} ({}compressed, {} skipped)", sink.counts().znodes, o.archive,
             read->compressed ? "" : "not ", m.imported->skipped);
  return internal::Commit(start->run, sink, std::move(m));
}

}  // namespace strata::backup
