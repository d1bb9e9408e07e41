// strata list: what a repository holds — every Kafka cluster and ZooKeeper ensemble, and
// their snapshots (id, time, size, completeness), newest last, as a table or JSON.
// Reads manifests only; never a segment or snapshot object.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "backup/zk_repository.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/foreign_backup.h"
#include "cli/progress.h"
#include "cli/repo_flags.h"
#include "format/zk_manifest.h"
#include "restore/snapshot.h"

namespace strata::cli {
namespace {

struct ListFlags {
  RepoFlags repo;
  std::string cluster;
  std::string ensemble;
  int last = 0;
  bool json = false;
};

// The newest `last` entries of `ids` (all when last <= 0), oldest first.
std::vector<std::string> Newest(std::vector<std::string> ids, int last) {
  if (last > 0 && ids.size() > static_cast<size_t>(last)) ids.erase(ids.begin(), ids.end() - last);
  return ids;
}

struct KafkaRow {
  std::string id, created, isolation;
  std::string imported;  // the tool an imported backup came from, "" for strata's own
  bool complete = false;
  size_t topics = 0, partitions = 0, groups = 0;
  int64_t records = 0, stored = 0;
  size_t gaps = 0;
};

KafkaRow Summarize(const format::KafkaManifest& m) {
  KafkaRow r{m.id, m.created, m.isolation, m.imported ? m.imported->tool : "", m.complete, m.topics.size(), 0,
             m.consumer_groups.size()};
  for (const auto& t : m.topics) {
    r.partitions += t.partitions.size();
    for (const auto& p : t.partitions) {
      r.records += p.records;
      r.gaps += p.gaps.size();
      for (const auto& s : p.segments) r.stored += s.bytes;
    }
  }
  return r;
}

std::string Zxid(const std::optional<int64_t>& z) { return z ? format::ZxidHex(*z) : "?"; }

int RunList(const ListFlags& f) {
  auto opened = f.repo.Open(backup::OpenMode::kExisting);
  if (!opened.ok()) return FailOpeningRepository(ExplainForeignBackup(f.repo, opened.status()));
  const backup::Repository& repo = *opened->repo;
  nlohmann::json out = {{"repository", repo.url()}, {"kafka", nlohmann::json::array()},
                        {"zookeeper", nlohmann::json::array()}};

  auto clusters = restore::ListKafkaClusters(repo);
  if (!clusters.ok()) return Fail(clusters.status());
  auto ensembles = backup::ListZkEnsembles(repo);
  if (!ensembles.ok()) return Fail(ensembles.status());
  if (!f.cluster.empty()) {
    std::erase_if(*clusters, [&](const std::string& c) { return c != f.cluster; });
    if (clusters->empty()) return Fail(NotFoundError(fmt::format("{} holds no Kafka cluster \"{}\"", repo.url(), f.cluster)));
  }
  if (!f.ensemble.empty()) {
    std::erase_if(*ensembles, [&](const std::string& e) { return e != f.ensemble; });
    if (ensembles->empty()) {
      return Fail(NotFoundError(fmt::format("{} holds no ZooKeeper ensemble \"{}\"", repo.url(), f.ensemble)));
    }
  }
  // With only one of --cluster / --ensemble, list only that kind.
  if (!f.cluster.empty() && f.ensemble.empty()) ensembles->clear();
  if (!f.ensemble.empty() && f.cluster.empty()) clusters->clear();

  if (!f.json) std::printf("repository %s\n", repo.url().c_str());
  for (const auto& cluster : *clusters) {
    auto keys = repo.ListKafkaManifests(cluster);
    if (!keys.ok()) return Fail(keys.status());
    std::vector<std::string> shown = Newest(*keys, f.last);
    nlohmann::json snaps = nlohmann::json::array();
    if (!f.json) {
      std::printf("\nKafka cluster %s: %zu snapshots%s\n", cluster.c_str(), keys->size(),
                  shown.size() < keys->size() ? fmt::format(" (newest {} shown)", shown.size()).c_str() : "");
      std::printf("  %-40s %-24s %6s %6s %12s %10s %6s  %s\n", "SNAPSHOT", "CREATED", "TOPICS", "PARTS", "RECORDS",
                  "STORED", "GROUPS", "STATE");
    }
    for (const auto& key : shown) {
      auto m = repo.ReadKafkaManifest(key);
      if (!m.ok()) return Fail(m.status());
      KafkaRow r = Summarize(*m);
      std::string state = r.complete ? "complete" : "partial";
      if (r.gaps > 0) state += fmt::format(", {} gaps", r.gaps);
      if (!r.imported.empty()) state += ", imported from " + r.imported;
      if (f.json) {
        snaps.push_back({{"id", r.id}, {"created", r.created}, {"complete", r.complete}, {"isolation", r.isolation},
                         {"topics", r.topics}, {"partitions", r.partitions}, {"records", r.records},
                         {"stored_bytes", r.stored}, {"consumer_groups", r.groups}, {"gaps", r.gaps},
                         {"manifest", key}});
        if (!r.imported.empty()) snaps.back()["imported_from"] = r.imported;
      } else {
        std::printf("  %-40s %-24s %6zu %6zu %12lld %10s %6zu  %s\n", r.id.c_str(), r.created.c_str(), r.topics,
                    r.partitions, static_cast<long long>(r.records), HumanBytes(static_cast<double>(r.stored)).c_str(),
                    r.groups, state.c_str());
      }
    }
    out["kafka"].push_back({{"cluster", cluster}, {"snapshot_count", keys->size()}, {"snapshots", snaps}});
  }
  for (const auto& ensemble : *ensembles) {
    auto ids = backup::ListZkSnapshots(repo, ensemble);
    if (!ids.ok()) return Fail(ids.status());
    std::vector<std::string> shown = Newest(*ids, f.last);
    nlohmann::json snaps = nlohmann::json::array();
    if (!f.json) {
      std::printf("\nZooKeeper ensemble %s: %zu snapshots%s\n", ensemble.c_str(), ids->size(),
                  shown.size() < ids->size() ? fmt::format(" (newest {} shown)", shown.size()).c_str() : "");
      std::printf("  %-40s %-24s %10s %10s %-13s %-39s %s\n", "SNAPSHOT", "CREATED", "ZNODES", "STORED", "METHOD",
                  "ZXID RANGE", "CHROOT");
    }
    for (const auto& id : shown) {
      auto m = backup::ReadZkManifest(repo, ensemble, id);
      if (!m.ok()) return Fail(m.status());
      std::string range = Zxid(m->consistency.zxid_start) + ".." + Zxid(m->consistency.zxid_end);
      // An imported snapshot shows the tool it came from instead of how strata read it.
      std::string method = m->imported ? "import:" + m->imported->tool : m->method;
      if (f.json) {
        snaps.push_back({{"id", m->id}, {"created", m->created}, {"method", m->method}, {"znodes", m->counts.znodes},
                         {"ephemeral", m->counts.ephemeral}, {"data_bytes", m->data_bytes},
                         {"stored_bytes", m->bytes}, {"chroot", m->chroot}, {"zxid_start", Zxid(m->consistency.zxid_start)},
                         {"zxid_end", Zxid(m->consistency.zxid_end)}, {"warnings", m->warnings.size()}});
        if (m->imported) snaps.back()["imported_from"] = m->imported->tool;
      } else {
        std::printf("  %-40s %-24s %10llu %10s %-13s %-39s %s\n", m->id.c_str(), m->created.c_str(),
                    static_cast<unsigned long long>(m->counts.znodes), HumanBytes(static_cast<double>(m->bytes)).c_str(),
                    method.c_str(), range.c_str(), m->chroot.empty() ? "/" : m->chroot.c_str());
      }
    }
    out["zookeeper"].push_back({{"ensemble", ensemble}, {"snapshot_count", ids->size()}, {"snapshots", snaps}});
  }
  if (f.json) {
    std::printf("%s\n", out.dump(2).c_str());
  } else if (clusters->empty() && ensembles->empty()) {
    std::printf("\nno backups yet\n");
  }
  return kExitOk;
}

}  // namespace

void RegisterList(CLI::App* app, RunFunction* run) {
  auto flags = std::make_shared<ListFlags>();
  CLI::App* cmd = app->add_subcommand("list", "List the Kafka and ZooKeeper snapshots a repository holds");
  flags->repo.Register(cmd, "--from");
  cmd->add_option("--cluster", flags->cluster, "only this Kafka cluster");
  cmd->add_option("--ensemble", flags->ensemble, "only this ZooKeeper ensemble");
  cmd->add_option("--last", flags->last, "only the newest N snapshots of each (default all)")->check(CLI::PositiveNumber);
  cmd->add_flag("--json", flags->json, "JSON instead of tables");
  cmd->callback([flags, run] { *run = [flags] { return RunList(*flags); }; });
}

}  // namespace strata::cli
