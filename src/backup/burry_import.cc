#include "backup/burry_import.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "backup/log.h"
#include "backup/zk_backup_internal.h"
#include "backup/zk_repository.h"

namespace strata::backup {
namespace {

constexpr size_t kMaxIdDigits = 12;  // Unix seconds until the year 33658

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Burry's snapshot id: the top directory, else the archive's file name ("1483193387.zip",
// or the object key "1483193387"); "" if neither is one.
std::string SourceId(const burry::BurryArchive& archive, std::string_view name) {
  if (!archive.top_dir().empty()) return archive.top_dir();
  size_t slash = name.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  if (base.size() > 4 && base.substr(base.size() - 4) == ".zip") base.remove_suffix(4);
  return AllDigits(base) ? std::string(base) : "";
}

// A Kafka broker registration (".../brokers/ids/<id>"), ephemeral on the source.
bool LooksLikeBrokerRegistration(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view parent = path.substr(0, slash);
  constexpr std::string_view kIds = "/brokers/ids";
  return slash != std::string_view::npos && parent.size() >= kIds.size() &&
         parent.substr(parent.size() - kIds.size()) == kIds;
}

std::string AclText(const std::vector<format::ZnodeAcl>& acl) {
  std::string out;
  for (const auto& a : acl) {
    std::string perms;
    const std::pair<int32_t, char> bits[] = {{4, 'c'}, {8, 'd'}, {1, 'r'}, {2, 'w'}, {16, 'a'}};
    for (auto [bit, c] : bits) {
      if ((a.perms & bit) != 0) perms += c;
    }
    out += fmt::format("{}{}:{}:{}", out.empty() ? "" : ",", a.scheme, a.id, perms);
  }
  return out;
}

}  // namespace

Result<ZkBackupResult> RunBurryImport(const Repository& repo, burry::BurryArchive& archive,
                                      const BurryImportOptions& o, const ZkBackupProgress& progress) {
  auto start = std::chrono::steady_clock::now();
  if (o.acl.empty()) return InvalidArgumentError("--acl: at least one ACL entry is needed");
  burry::BurryMeta meta = archive.meta().value_or(burry::BurryMeta{});
  std::string source_id = SourceId(archive, o.archive);
  std::vector<std::string> warnings;

  // The snapshot's time: .burrymeta's snapshot-date, else the id (Unix seconds).
  std::pair<std::string, std::string> stamps;
  auto dated = burry::Rfc3339ToUnixMillis(meta.snapshot_date);
  if (dated.ok()) {
    stamps = StampsAt(*dated);
  } else if (AllDigits(source_id) && source_id.size() <= kMaxIdDigits) {
    stamps = StampsAt(std::strtoll(source_id.c_str(), nullptr, 10) * 1000);
    if (!meta.snapshot_date.empty()) warnings.push_back("snapshot-date unreadable; time taken from the snapshot id");
  } else {
    return FailedPreconditionError(fmt::format(
        "{}: the backup's time is unknown (no readable .burrymeta snapshot-date, and the name is not Burry's "
        "snapshot id); rename the file to <unix seconds>.zip",
        o.archive));
  }

  std::string ensemble;
  if (o.ensemble) {
    ensemble = *o.ensemble;
  } else if (!meta.svc_endpoint.empty()) {
    ensemble = DefaultEnsembleName(meta.svc_endpoint);
  } else {
    return InvalidArgumentError(
        fmt::format("{} does not name the ZooKeeper server it came from (no .burrymeta): name the ensemble with --name",
                    o.archive));
  }
  STRATA_ASSIGN_OR_RETURN(auto start_import, internal::StartImport(repo, ensemble, stamps, o.archive, o.zstd_level));
  internal::ZkRun& run = start_import->run;
  run.start = start;
  format::ZkManifest& m = start_import->manifest;
  m.connect = meta.svc_endpoint;
  m.server = meta.svc_endpoint;
  ZksObjectSink* sink = start_import->sink.get();

  format::ZkImport imported;
  imported.tool = "burry";
  imported.archive = o.archive;
  imported.source_id = source_id;
  imported.source_date = meta.snapshot_date;
  imported.acl = AclText(o.acl);
  imported.not_recorded = {"acl", "stat", "type", "zxid"};
  uint64_t brokers = 0;
  std::string first_broker;
  format::ZNode node;
  node.acl = o.acl;
  node.type = format::NodeType::kPersistentOrExtended;
  node.type_source = format::TypeSource::kClientWalk;
  Status walked = archive.ForEach([&](const burry::ArchiveZnode& z) -> Status {
    if (o.cancel.cancelled()) return CancelledError("import cancelled");
    if (internal::IsUnder(z.path, internal::kZookeeperTree)) {
      imported.skipped++;
      return OkStatus();
    }
    if (LooksLikeBrokerRegistration(z.path) && brokers++ == 0) first_broker = z.path;
    node.path = z.path;
    node.data = z.data;
    node.stat = format::ZnodeStat{};
    node.stat.data_length = static_cast<int32_t>(z.data.size());
    node.stat.num_children = -1;  // not recorded
    STRATA_RETURN_IF_ERROR(sink->Add(node));
    if (progress && sink->counts().znodes % internal::kZnodesPerProgress == 0) {
      progress(sink->counts().znodes, sink->data_bytes());
    }
    return OkStatus();
  });
  STRATA_RETURN_IF_ERROR(walked);
  if (progress) progress(sink->counts().znodes, sink->data_bytes());
  const burry::ArchiveStats& stats = archive.stats();
  imported.implied = stats.implied;
  warnings.push_back(fmt::format(
      "imported from Burry, which recorded data and tree only: every znode has the ACL {}, no Stat, no zxid, and "
      "is restored as persistent (ephemeral, sequential, container and TTL types were not recorded)",
      imported.acl));
  if (brokers > 0) {
    warnings.push_back(fmt::format(
        "{} znodes look like Kafka broker registrations (e.g. {}), ephemeral on the source: restore with --profile "
        "kafka (and --path set to Kafka's chroot) so that they and /controller are left out",
        brokers, first_broker));
  }
  if (stats.implied > 0) {
    warnings.push_back(fmt::format("{} znodes were only implied by paths below them and are stored with empty data",
                                   stats.implied));
  }
  if (stats.other_files > 0) {
    warnings.push_back(fmt::format("{} files outside Burry's layout were ignored (e.g. {})", stats.other_files,
                                   stats.first_other_file));
  }
  m.warnings = std::move(warnings);
  m.imported = std::move(imported);
  Log().info("imported {} znodes from {} ({} entries, {} implied, {} without content, {} skipped)",
             sink->counts().znodes, o.archive, stats.entries, stats.implied, stats.missing_content,
             m.imported->skipped);
  return internal::Commit(run, *sink, std::move(m));
}

}  // namespace strata::backup
