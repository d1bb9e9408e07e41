// strata import burry: --from (a Burry ZIP, local or in a store) -> RunBurryImport -> exit code.
#include <fmt/format.h>

#include <cstdio>

#include "backup/burry_import.h"
#include "cli/archive_source.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "cli/repo_flags.h"
#include "core/log.h"
#include "daemon/shutdown.h"

namespace strata::cli {
namespace {

struct ImportBurryFlags {
  std::string from;
  RepoFlags repo;
  std::string name;
  std::vector<std::string> acl;
  bool no_progress = false;
};

// "scheme:id:perms", perms from "cdrwa" (ZooKeeper's letters); the id may hold ':'.
Result<format::ZnodeAcl> ParseAcl(const std::string& text) {
  size_t first = text.find(':');
  size_t last = text.find_last_of(':');
  auto bad = [&](const std::string& why) {
    return InvalidArgumentError(fmt::format("--acl {}: {} (expected SCHEME:ID:PERMS, e.g. world:anyone:cdrwa)", text, why));
  };
  if (first == std::string::npos || first == last) return bad("missing parts");
  format::ZnodeAcl acl{0, text.substr(0, first), text.substr(first + 1, last - first - 1)};
  if (acl.scheme.empty() || acl.id.empty()) return bad("empty scheme or id");
  for (char c : text.substr(last + 1)) {
    switch (c) {
      case 'r': acl.perms |= 1; break;
      case 'w': acl.perms |= 2; break;
      case 'c': acl.perms |= 4; break;
      case 'd': acl.perms |= 8; break;
      case 'a': acl.perms |= 16; break;
      default: return bad(fmt::format("unknown permission '{}'", c));
    }
  }
  if (acl.perms == 0) return bad("no permissions");
  return acl;
}

int RunImportBurry(const ImportBurryFlags& f) {
  backup::BurryImportOptions o;
  if (!f.name.empty()) o.ensemble = f.name;
  if (!f.acl.empty()) {
    o.acl.clear();
    for (const auto& a : f.acl) {
      auto acl = ParseAcl(a);
      if (!acl.ok()) return Fail(acl.status());
      o.acl.push_back(*acl);
    }
  }
  o.cancel = daemon::InstallShutdownHandlers();
  auto source = OpenArchiveSource(f.repo, f.from, "s3://zk-backup/1483193387 (Burry's key is [PREFIX/]<snapshotid>)");
  if (!source.ok()) return Fail(source.status());
  o.archive = source->describe;
  auto local = LocalArchive::Fetch(*source);
  if (!local.ok()) return Fail(local.status());
  // The archive is checked before the repository is opened (and perhaps created).
  auto archive = burry::BurryArchive::Open(local->path(), o.archive);
  if (!archive.ok()) return Fail(archive.status());
  auto opened = f.repo.Open(backup::OpenMode::kCreateIfMissing);
  if (!opened.ok()) return Fail(opened.status());
  Progress progress(!f.no_progress);
  auto result = backup::RunBurryImport(*opened->repo, **archive, o, progress.ZnodeCounter());
  progress.Close();
  if (!result.ok()) return Fail(result.status());
  const format::ZkManifest& m = result->manifest;
  for (const auto& w : m.warnings) log::Get("cli").warn("{}", w);
  std::printf(
      "import complete: %llu znodes (%llu implied by deeper paths), %s of data, %llu skipped (/zookeeper); ACL %s; "
      "snapshot %s of ensemble %s, taken %s; manifest %s\n",
      static_cast<unsigned long long>(m.counts.znodes), static_cast<unsigned long long>(m.imported->implied),
      HumanBytes(static_cast<double>(m.data_bytes)).c_str(), static_cast<unsigned long long>(m.imported->skipped),
      m.imported->acl.c_str(), m.id.c_str(), m.ensemble.c_str(), m.created.c_str(), result->manifest_key.c_str());
  return kExitOk;
}

}  // namespace

void RegisterImportBurry(CLI::App* import, RunFunction* run) {
  auto flags = std::make_shared<ImportBurryFlags>();
  CLI::App* cmd = import->add_subcommand(
      "burry", "Convert a ZooKeeper backup made by Burry (burry.sh, a ZIP) into a strata snapshot");
  cmd->add_option("--from", flags->from,
                  "the Burry archive: FILE.zip, file:///path, or an object URL (s3://zk-backup/[PREFIX/]<snapshotid>)")
      ->required();
  flags->repo.Register(cmd, "--to");
  cmd->add_option("--name", flags->name,
                  "the ensemble's name in the repository (default: from .burrymeta's server, as `backup zookeeper` "
                  "names it)");
  cmd->add_option("--acl", flags->acl,
                  "ACL for every imported znode, SCHEME:ID:PERMS (repeatable; default world:anyone:cdrwa; Burry kept "
                  "no ACLs)");
  cmd->add_flag("--no-progress", flags->no_progress, "no progress line");
  cmd->callback([flags, run] { *run = [flags] { return RunImportBurry(*flags); }; });
}

}  // namespace strata::cli
