// Where `strata import burry --from` points (a local ZIP file, or an object in a store
// named by a repository-style URL), and the hint `strata restore zookeeper` gives when
// its --from holds a Burry backup instead of a strata repository. Thread-compatible.
#pragma once

#include <memory>
#include <optional>
#include <string>

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

// If the repository URL of `flags` is a Burry ZIP file, or a location that is not a
// strata repository but holds one (Burry's object "[PREFIX/]<snapshotid>", or a .zip),
// a one-line message saying so and naming the import command; "" otherwise.
std::string BurryHint(const RepoFlags& flags);

}  // namespace strata::cli
