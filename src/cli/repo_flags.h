// Repository flags shared by every subcommand that reads or writes a repository:
//   --to/--from/-r URL  file:///path, a bare path, or s3://bucket/prefix (env STRATA_REPOSITORY)
// plus the S3 settings. Anything not given comes from the usual AWS environment
// variables and shared config files (docs/storage.md).
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
  std::string s3_endpoint;
  std::string s3_region;
  std::string s3_addressing = "auto";
  bool s3_no_verify_tls = false;
  std::string s3_ca_bundle;
  std::string s3_profile;
  std::string s3_sse = "none";
  std::string s3_sse_kms_key_id;
  double s3_part_mib = 8;
  int s3_parallel_parts = 4;

  // Registers the URL flag as `name` ("--to" or "--from") and the S3 flags on `cmd`.
  void Register(CLI::App* cmd, const std::string& name);

  // Opens the store and the repository. kCreateIfMissing also creates a missing local
  // directory. Errors say which URL.
  struct Opened {
    std::unique_ptr<storage::ObjectStore> store;
    std::unique_ptr<backup::Repository> repo;
  };
  Result<Opened> Open(backup::OpenMode mode) const;

  // Opens `location` (another URL than the repository's, e.g. what an import reads) with
  // the same S3 settings. Errors say which URL.
  Result<std::unique_ptr<storage::ObjectStore>> OpenStore(const std::string& location, bool create_if_missing) const;
};

}  // namespace strata::cli
