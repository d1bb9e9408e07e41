// Repository flags shared by every subcommand that reads or writes a repository:
//   --to/--from URL   file:///path, a bare path, or s3://bucket/prefix (env STRATA_REPOSITORY)
// plus the S3 settings (endpoint, region, addressing, TLS, credentials profile).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "backup/repository.h"
#include "core/result.h"
#include "storage/object_store.h"

namespace strata::cli {

struct RepoFlags {
  std::string url;

  // Registers the URL flag as `name` ("--to" or "--from") and the S3 flags on `cmd`.
  void Register(CLI::App* cmd, const std::string& name);

  // Opens the store and the repository. kCreateIfMissing also creates a missing local
  // directory. Errors say which URL.
  struct Opened {
    std::unique_ptr<storage::ObjectStore> store;
    std::unique_ptr<backup::Repository> repo;
  };
  Result<Opened> Open(backup::OpenMode mode) const;
};

}  // namespace strata::cli
