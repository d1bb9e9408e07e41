#include "cli/repo_flags.h"

#include <fmt/format.h>

#include "storage/open_store.h"

namespace strata::cli {

void RepoFlags::Register(CLI::App* cmd, const std::string& name) {
  cmd->add_option(name + ",-r,--repo", url, "repository URL: file:///path, a path, or s3://bucket/prefix")
      ->envname("STRATA_REPOSITORY")
      ->required();
}

Result<RepoFlags::Opened> RepoFlags::Open(backup::OpenMode mode) const {
  storage::StoreOptions options;
  options.create_if_missing = mode == backup::OpenMode::kCreateIfMissing;
  STRATA_ASSIGN_OR_RETURN(auto store, storage::OpenStore(url, options));
  Opened opened;
  opened.store = std::move(store);
  STRATA_ASSIGN_OR_RETURN(backup::Repository repo, backup::Repository::Open(*opened.store, url, mode));
  opened.repo = std::make_unique<backup::Repository>(std::move(repo));
  return opened;
}

}  // namespace strata::cli
