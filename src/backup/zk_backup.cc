#include "backup/zk_backup.h"

#include <fmt/format.h>

#include <algorithm>

#include "backup/log.h"
#include "backup/zk_backup_internal.h"
#include "backup/zk_repository.h"
#include "core/version.h"
#include "zk/server_info.h"
#include "zk/session.h"
#include "zk/tree_walker.h"

namespace strata::backup {

using format::NodeType;
using format::ZNode;

namespace internal {

constexpr size_t kChangedSample = 100;
constexpr auto kSrvrTimeout = std::chrono::seconds(10);
constexpr std::string_view kQuotaRoot = "/zookeeper/quota";
constexpr std::string_view kQuotaLimits = "zookeeper_limits";

bool IsUnder(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  return path.size() >= prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

std::string Relative(const std::string& chroot, const std::string& path) {
  if (chroot.empty()) return path;
  if (path.size() == chroot.size()) return "/";
  return path.substr(chroot.size());
}

format::ZkManifest BaseManifest(const ZkRun& run, std::string_view method, int64_t name_zxid) {
  format::ZkManifest m;
  m.id = ZkSnapshotId(run.time_key, name_zxid);
  m.ensemble = run.ensemble;
  m.created = run.time_iso;
  m.strata_version = std::string(Version());
  m.method = std::string(method);
  m.connect = run.hosts;
  m.chroot = run.chroot;
  if (run.chroot.empty()) m.excluded.emplace_back(kZookeeperTree);
  for (const auto& e : run.options->exclude) m.excluded.push_back(e);
  return m;
}

Status CheckRedacted(const ZkRun& run, const ZNode& node) {
  if (run.options->allow_redacted_acls || !ZksObjectSink::HasRedactedAcl(node)) return OkStatus();
  return PermissionDeniedError(fmt::format(
      "the server redacted the digest ACL of {} (its id reads \"user:x\"): this session lacks ADMIN permission "
      "there, and a backup with redacted ACLs would restore znodes nobody can use. Authenticate as a user with "
      "ADMIN on every znode (e.g. the super user: --auth digest:super:PASSWORD), or pass --allow-redacted-acls "
      "to store the redacted ids anyway; nothing was committed",
      run.chroot + (run.chroot.empty() || node.path != "/" ? node.path : "")));
}

Result<ZkBackupResult> Commit(const ZkRun& run, ZksObjectSink& sink, format::ZkManifest m) {
  STRATA_RETURN_IF_ERROR(sink.Commit(&m));
  if (m.counts.acl_redacted > 0) {
    m.warnings.push_back(fmt::format(
        "{} znodes have digest ACL ids redacted to \"user:x\" by the server (stored with --allow-redacted-acls); "
        "restored as stored, those users cannot authenticate against them",
        m.counts.acl_redacted));
  }
  STRATA_RETURN_IF_ERROR(WriteZkManifest(*run.repo, m));
  ZkBackupResult result;
  result.manifest_key = ZkManifestKey(m.ensemble, m.id);
  result.manifest = std::move(m);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count();
  if (run.options->keep > 0) {
    auto pruned = PruneZkSnapshots(*run.repo, run.ensemble, run.options->keep);
    if (pruned.ok()) {
      result.pruned = std::move(*pruned);
    } else {
      result.manifest.warnings.push_back("retention (--keep) failed: " + pruned.status().ToString());
    }
  }
  return result;
}

Result<std::unique_ptr<ImportStart>> StartImport(const Repository& repo, const std::string& ensemble,
                                                 const std::pair<std::string, std::string>& stamps,
                                                 const std::string& archive, int zstd_level) {
  STRATA_RETURN_IF_ERROR(ValidateEnsembleName(ensemble).WithContext("--name"));
  auto start = std::make_unique<ImportStart>();
  ZkRun& run = start->run;
  run.repo = &repo;
  run.options = &start->options;
  run.start = std::chrono::steady_clock::now();
  run.ensemble = ensemble;
  std::tie(run.time_key, run.time_iso) = stamps;
  format::ZkManifest& m = start->manifest;
  m = BaseManifest(run, format::kZkMethodWalk, 0);
  m.consistency.zxid_source = "none";
  if (ReadZkManifest(repo, ensemble, m.id).ok()) {
    return AlreadyExistsError(fmt::format("{} was imported before: {} exists (snapshot {} of ensemble {})", archive,
                                          repo.store().Describe(storage::ObjectKey(ZkManifestKey(ensemble, m.id))),
                                          m.id, ensemble));
  }
  STRATA_ASSIGN_OR_RETURN(start->sink, ZksObjectSink::Open(repo, ZkSnapshotKey(ensemble, m.id), zstd_level));
  return start;
}

namespace {

format::NodeType WalkType(const zk::Stat& stat) {
  return stat.ephemeral_owner != 0 ? NodeType::kEphemeral : NodeType::kPersistentOrExtended;
}

void ToZNode(const ZkRun& run, zk::WalkedNode& w, ZNode* out) {
  out->path = Relative(run.chroot, w.path);
  out->data = std::move(w.data);
  out->acl.clear();
  for (auto& a : w.acl) out->acl.push_back(format::ZnodeAcl{a.perms, std::move(a.scheme), std::move(a.id)});
  const zk::Stat& s = w.stat;
  out->stat = format::ZnodeStat{s.czxid,   s.mzxid,    s.pzxid,           s.ctime,       s.mtime,      s.version,
                                s.cversion, s.aversion, s.ephemeral_owner, s.data_length, s.num_children};
  out->type = WalkType(s);
  out->type_source = format::TypeSource::kClientWalk;
  out->ttl_ms = 0;
}

// Quota limits under the backup's root, as intent. Errors other than NotFound become a
// warning: quotas are optional metadata.
void ReadQuotas(zk::Session& session, const ZkRun& run, format::ZkManifest* m) {
  zk::WalkOptions wo;
  wo.root = std::string(kQuotaRoot);
  wo.max_in_flight = 64;
  wo.cancel = run.options->cancel;
  std::string root = run.chroot.empty() ? "/" : run.chroot;
  auto stats = zk::WalkTree(session, wo, [&](zk::WalkedNode& n) {
    std::string_view p = n.path;
    if (p.size() <= kQuotaRoot.size() + kQuotaLimits.size() + 1 || p.substr(p.size() - kQuotaLimits.size()) != kQuotaLimits) {
      return OkStatus();
    }
    std::string target(p.substr(kQuotaRoot.size(), p.size() - kQuotaRoot.size() - kQuotaLimits.size() - 1));
    if (target.empty()) target = "/";
    if (IsUnder(target, root) && n.data) m->quotas.push_back(format::ZkQuota{Relative(run.chroot, target), *n.data});
    return OkStatus();
  });
  if (!stats.ok() && stats.status().code() != StatusCode::kNotFound) {
    m->warnings.push_back("quota limits not recorded: " + stats.status().ToString());
  }
}

Result<ZkBackupResult> BackupWalk(const ZkRun& run, const ZkBackupProgress& progress) {
  const ZkBackupOptions& o = *run.options;
  if (run.hosts.empty()) return InvalidArgumentError("no ZooKeeper connect string given (--zookeeper)");
  Deadline deadline = Deadline::After(o.connect_timeout);
  STRATA_ASSIGN_OR_RETURN(auto session, zk::Session::Connect({run.hosts, o.session_timeout_ms, o.auth}, deadline));
  std::string root = run.chroot.empty() ? "/" : run.chroot;
  STRATA_ASSIGN_OR_RETURN(std::optional<zk::Stat> root_stat, session->Exists(root));
  if (!root_stat) return NotFoundError(fmt::format("{} does not exist on ZooKeeper {}", root, run.hosts));
  // After sync() the server has applied everything committed before; its zxid then is
  // a lower bound for every read that follows.
  STRATA_RETURN_IF_ERROR(session->Sync(root, deadline));
  std::string server = session->CurrentServer();
  Result<zk::ServerInfo> before = zk::QueryServer(server, Deadline::After(kSrvrTimeout));
  std::vector<std::string> warnings;
  std::optional<int64_t> zxid_start;
  int64_t name_zxid = std::max(root_stat->mzxid, root_stat->pzxid);
  if (before.ok()) {
    zxid_start = before->zxid;
    name_zxid = before->zxid;
  } else {
    warnings.push_back("the zxid range is unknown: " + before.status().ToString());
  }
  format::ZkManifest m = BaseManifest(run, format::kZkMethodWalk, name_zxid);
  m.server = server;
  if (before.ok()) m.server_version = before->version;
  STRATA_ASSIGN_OR_RETURN(auto sink, ZksObjectSink::Open(*run.repo, ZkSnapshotKey(run.ensemble, m.id), o.zstd_level));

  zk::WalkOptions wo;
  wo.root = root;
  wo.exclude = run.exclude;
  if (run.chroot.empty()) wo.exclude.emplace_back(internal::kZookeeperTree);
  wo.max_in_flight = o.max_in_flight;
  // The walk's own connections, all to `server`, which was synced above: each reads at
  // least the state of zxid_start.
  wo.connections = o.sessions;
  wo.max_buffered_bytes = o.read_ahead_bytes;
  wo.cancel = o.cancel;
  ZNode node;
  format::ZkConsistency& c = m.consistency;
  auto stats = zk::WalkTree(*session, wo, [&](zk::WalkedNode& w) -> Status {
    ToZNode(run, w, &node);
    STRATA_RETURN_IF_ERROR(CheckRedacted(run, node));
    STRATA_RETURN_IF_ERROR(sink->Add(node));
    int64_t newest = std::max({node.stat.czxid, node.stat.mzxid, node.stat.pzxid});
    if (zxid_start && newest > *zxid_start) {
      if (c.changed_sample.size() < kChangedSample) c.changed_sample.push_back(node.path);
      c.changed++;
    }
    if (progress && sink->counts().znodes % internal::kZnodesPerProgress == 0) {
      progress(sink->counts().znodes, sink->data_bytes());
    }
    return OkStatus();
  });
  if (!stats.ok()) return stats.status();
  Result<zk::ServerInfo> after = zk::QueryServer(server, Deadline::After(kSrvrTimeout));
  if (zxid_start && after.ok()) {
    c.zxid_start = zxid_start;
    c.zxid_end = after->zxid;
    c.zxid_source = "srvr";
  } else {
    c.zxid_source = "stat";
    if (zxid_start && !after.ok()) warnings.push_back("the end of the zxid range is unknown: " + after.status().ToString());
  }
  c.max_zxid_seen = stats->max_zxid;
  c.vanished = stats->vanished;
  c.reread = stats->rereads;
  c.unstable = stats->unstable;
  c.exact = c.zxid_start && c.zxid_end && *c.zxid_start == *c.zxid_end && c.unstable == 0 && c.vanished == 0;
  ReadQuotas(*session, run, &m);
  for (auto& w : warnings) m.warnings.push_back(std::move(w));
  if (progress) progress(sink->counts().znodes, sink->data_bytes());
  Log().info("walked {} znodes ({} requests, {} re-read, {} vanished, read-ahead peak {} bytes)", stats->nodes,
             stats->requests, stats->rereads, stats->vanished, stats->peak_buffered_bytes);
  return Commit(run, *sink, std::move(m));
}

}  // namespace
}  // namespace internal

Result<ZkBackupResult> RunZkBackup(const Repository& repo, const ZkBackupOptions& options,
                                   const ZkBackupProgress& progress) {
  internal::ZkRun run;
  run.repo = &repo;
  run.options = &options;
  run.start = std::chrono::steady_clock::now();
  if (options.snapshot_file && options.admin_url) {
    return InvalidArgumentError("--from-snapshot and --via-admin exclude each other");
  }
  if (!options.connect.empty()) {
    STRATA_ASSIGN_OR_RETURN(zk::ConnectString cs, zk::ParseConnectString(options.connect));
    run.hosts = cs.hosts;
    run.chroot = cs.chroot;
    if (!run.chroot.empty()) STRATA_RETURN_IF_ERROR(format::ValidateZnodePath(run.chroot));
  }
  run.ensemble = options.ensemble.value_or(DefaultEnsembleName(options.connect));
  if (!options.ensemble && options.connect.empty()) {
    return InvalidArgumentError("name the ensemble (--name) or give its connect string (--zookeeper)");
  }
  STRATA_RETURN_IF_ERROR(ValidateEnsembleName(run.ensemble));
  for (const auto& e : options.exclude) {
    STRATA_RETURN_IF_ERROR(format::ValidateZnodePath(e).WithContext("--exclude"));
    run.exclude.push_back(run.chroot.empty() ? e : (e == "/" ? run.chroot : run.chroot + e));
  }
  std::tie(run.time_key, run.time_iso) = NowStamps();
  if (options.snapshot_file || options.admin_url) return internal::BackupServerSnapshot(run, progress);
  return internal::BackupWalk(run, progress);
}

}  // namespace strata::backup
