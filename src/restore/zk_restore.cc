#include "restore/zk_restore.h"

#include <fmt/format.h>

#include <algorithm>

#include "backup/zk_repository.h"
#include "core/log.h"
#include "format/zks_reader.h"
#include "restore/zk_kafka_profile.h"
#include "restore/zk_restore_apply.h"
#include "restore/zks_store_source.h"
#include "zk/server_info.h"

namespace strata::restore {

std::string_view ZkPlanSymbol(ZkPlanAction action) {
  switch (action) {
    case ZkPlanAction::kCreate: return "+";
    case ZkPlanAction::kSkipExists: return "=";
    case ZkPlanAction::kDiffers: return "~";
    case ZkPlanAction::kUpdate: return "*";
    case ZkPlanAction::kSkipEphemeral:
    case ZkPlanAction::kSkipProfile: return "-";
    case ZkPlanAction::kFailed: return "!";
  }
  return "?";
}

std::string_view ZkPlanName(ZkPlanAction action) {
  switch (action) {
    case ZkPlanAction::kCreate: return "create";
    case ZkPlanAction::kSkipExists: return "skip-exists";
    case ZkPlanAction::kDiffers: return "differs";
    case ZkPlanAction::kUpdate: return "update";
    case ZkPlanAction::kSkipEphemeral: return "skip-ephemeral";
    case ZkPlanAction::kSkipProfile: return "skip-profile";
    case ZkPlanAction::kFailed: return "failed";
  }
  return "?";
}

namespace {

constexpr uint64_t kProgressEvery = 4096;

bool IsUnder(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  return path.size() >= prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

bool IsChild(std::string_view child, std::string_view parent) {
  if (!IsUnder(child, parent) || child == parent) return false;
  size_t from = parent == "/" ? 1 : parent.size() + 1;
  return child.find('/', from) == std::string_view::npos;
}

std::string Join(const std::string& base, const std::string& path) {
  if (base.empty() || base == "/") return path;
  return path == "/" ? base : base + path;
}

struct Resolved {
  std::string ensemble;
  std::string id;
  format::ZkManifest manifest;
  uint64_t size = 0;
};

Result<Resolved> Resolve(const backup::Repository& repo, const ZkRestoreOptions& o) {
  Resolved r;
  if (o.ensemble) {
    STRATA_RETURN_IF_ERROR(backup::ValidateEnsembleName(*o.ensemble));
    r.ensemble = *o.ensemble;
  } else {
    STRATA_ASSIGN_OR_RETURN(auto names, backup::ListZkEnsembles(repo));
    if (names.empty()) return NotFoundError(fmt::format("{} holds no ZooKeeper snapshot", repo.url()));
    if (names.size() > 1) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      return InvalidArgumentError(fmt::format("{} holds snapshots of several ensembles ({}); choose one with --name",
                                              repo.url(), list));
    }
    r.ensemble = names[0];
  }
  STRATA_ASSIGN_OR_RETURN(auto ids, backup::ListZkSnapshots(repo, r.ensemble));
  if (ids.empty()) return NotFoundError(fmt::format("no ZooKeeper snapshot of ensemble {} in {}", r.ensemble, repo.url()));
  r.id = o.snapshot_id.value_or(ids.back());
  if (std::find(ids.begin(), ids.end(), r.id) == ids.end()) {
    return NotFoundError(fmt::format("no snapshot {} of ensemble {} in {}", r.id, r.ensemble, repo.url()));
  }
  STRATA_ASSIGN_OR_RETURN(r.manifest, backup::ReadZkManifest(repo, r.ensemble, r.id));
  STRATA_ASSIGN_OR_RETURN(storage::ObjectInfo info, repo.store().Head(storage::ObjectKey(r.manifest.key)));
  r.size = info.size;
  return r;
}

struct Scan {
  uint64_t entries = 0;           // under the restored path
  int64_t max_state_epoch = -1;   // Kafka partition states
  bool found_root = false;
};

// The first pass: reads the whole stream (a restore must not act on a damaged one),
// checks it against the manifest, and learns what the second pass needs up front.
Result<Scan> Verify(const backup::Repository& repo, const Resolved& r, const ZkRestoreOptions& o) {
  StoreSource src(repo, r.manifest.key, r.size);
  STRATA_ASSIGN_OR_RETURN(auto reader, format::ZksReader::Create(src.Source()));
  Scan scan;
  format::ZNode node;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, reader->Next(&node));
    if (!more) break;
    if (!IsUnder(node.path, o.path)) continue;
    scan.found_root = scan.found_root || node.path == o.path;
    scan.entries++;
    if (o.profile == ZkProfile::kKafka && node.data) {
      std::string rel = o.path == "/" ? node.path : node.path.substr(o.path.size());
      if (IsPartitionState(rel)) {
        scan.max_state_epoch = std::max(scan.max_state_epoch, PartitionStateControllerEpoch(*node.data).value_or(-1));
      }
    }
  }
  const format::ZksSummary& s = reader->summary();
  if (s.trailer.crc32c != r.manifest.crc32c || s.trailer.entry_bytes != r.manifest.entry_bytes ||
      s.compressed_bytes != r.size) {
    return DataLossError(fmt::format("{}: does not match its manifest (CRC-32C, size or entry bytes differ)",
                                     repo.store().Describe(storage::ObjectKey(r.manifest.key))));
  }
  if (!scan.found_root) {
    return InvalidArgumentError(fmt::format("--path {} is not in snapshot {}", o.path, r.id));
  }
  return scan;
}

// Creates the missing ancestors of the target root (persistent, no data, open ACL).
Status CreateAncestors(zk::Session& session, const std::string& root, const ZkRestoreOptions& o,
                       const ZkPlanCallback& plan, ZkRestoreResult* result) {
  std::vector<std::string> missing;
  for (std::string p = root; p != "/";) {
    p = p.substr(0, p.rfind('/'));
    if (p.empty()) p = "/";
    if (p == "/") break;
    STRATA_ASSIGN_OR_RETURN(auto st, session.Exists(p));
    if (st) break;
    missing.push_back(p);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (plan) plan(ZkPlanLine{ZkPlanAction::kCreate, *it, "missing parent of the restore target (open ACL)"});
    if (o.dry_run) continue;
    auto created = session.Create(*it, std::nullopt, zk::OpenAcl(), zk::CreateMode::kPersistent);
    if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) return created.status();
    result->warnings.push_back(fmt::format("created the missing parent {} (no data, open ACL)", *it));
  }
  return OkStatus();
}

}  // namespace

Result<ZkRestoreResult> RunZkRestore(const backup::Repository& repo, const ZkRestoreOptions& o,
                                     const ZkPlanCallback& plan, const ZkRestoreProgress& progress) {
  auto start = std::chrono::steady_clock::now();
  STRATA_RETURN_IF_ERROR(format::ValidateZnodePath(o.path).WithContext("--path"));
  if (o.to_path) STRATA_RETURN_IF_ERROR(format::ValidateZnodePath(*o.to_path).WithContext("--to-path"));
  STRATA_ASSIGN_OR_RETURN(zk::ConnectString cs, zk::ParseConnectString(o.connect));
  STRATA_ASSIGN_OR_RETURN(Resolved r, Resolve(repo, o));
  STRATA_ASSIGN_OR_RETURN(Scan scan, Verify(repo, r, o));

  ZkRestoreResult result;
  result.ensemble = r.ensemble;
  result.snapshot_id = r.id;
  result.quotas = r.manifest.quotas;
  Deadline deadline = Deadline::After(o.connect_timeout);
  STRATA_ASSIGN_OR_RETURN(auto session, zk::Session::Connect({cs.hosts, o.session_timeout_ms, o.auth}, deadline));
  std::string target_root = Join(cs.chroot, o.to_path.value_or(o.path));
  STRATA_ASSIGN_OR_RETURN(auto root_stat, session->Exists(target_root));
  if (!root_stat) STRATA_RETURN_IF_ERROR(CreateAncestors(*session, target_root, o, plan, &result));

  internal::ApplyContext ctx;
  ctx.options = &o;
  ctx.session = session.get();
  ctx.plan = &plan;
  ctx.result = &result;
  ctx.source_root = o.path;
  ctx.target_root = target_root;
  ctx.root_exists = root_stat.has_value();
  ctx.max_state_epoch = scan.max_state_epoch;
  internal::ZkApplier applier(ctx);

  StoreSource src(repo, r.manifest.key, r.size);
  STRATA_ASSIGN_OR_RETURN(auto reader, format::ZksReader::Create(src.Source()));
  format::ZNode current, next;
  bool have_current = false;
  uint64_t done = 0;
  while (true) {
    if (o.cancel.cancelled()) return CancelledError("restore cancelled");
    STRATA_ASSIGN_OR_RETURN(bool more, reader->Next(&next));
    bool in = more && IsUnder(next.path, o.path);
    if (have_current) {
      STRATA_RETURN_IF_ERROR(applier.Add(current, in && IsChild(next.path, current.path)));
      ++done;
      if (progress && done % kProgressEvery == 0) progress(done, scan.entries);
      have_current = false;
    }
    if (!more || (!in && done > 0)) break;  // the subtree is contiguous: past it, done
    if (in) {
      std::swap(current, next);
      have_current = true;
    }
  }
  STRATA_RETURN_IF_ERROR(applier.Finish());
  if (progress) progress(scan.entries, scan.entries);
  if (!result.quotas.empty()) {
    result.warnings.push_back(fmt::format(
        "the snapshot records {} quota limits (see the report); strata does not set quotas: reapply them with "
        "zkCli setquota",
        result.quotas.size()));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log::Get("restore").info("restored {} znodes of {} in {:.1f} s: {} writes in {} requests", result.znodes, r.id,
                           result.seconds, result.writes, result.requests);
  return result;
}

}  // namespace strata::restore
