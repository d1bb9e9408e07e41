// Where `strata import burry --from` points (a local ZIP file, or an object in a store
// named by a repository-style URL). Thread-compatible.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/repo_flags.h"
#include "core/result.h"
#include "storage/object_store.h"

namespace strata::cli {

struct BurrySource {
  std::string describe;                     // for messages and the manifest
  std::optional<std::string> local_path;    // a file on this machine
  std::unique_ptr<storage::ObjectStore> store;  // or an object: store + key
  std::optional<storage::ObjectKey> key;
};

// Parses `from`: a path or file:// URL is a local file; any other URL
// (s3://bucket/[prefix/]key, mem://...) names an object: the store is the URL up to
// the last "/", opened with `flags`' S3 settings, and the key is the rest.
// InvalidArgument for a URL without a key; the store's errors.
Result<BurrySource> OpenBurrySource(const RepoFlags& flags, const std::string& from);

// The local path a bare path or file:// URL names; nullopt for other schemes.
std::optional<std::string> LocalPath(std::string_view url);

}  // namespace strata::cli
