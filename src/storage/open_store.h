// OpenStore: the one place that maps a repository URL to an ObjectStore backend.
//
//   file:///abs/path        LocalStore on /abs/path (file://localhost/abs/path too;
//                           percent-escapes such as %20 are decoded)
//   /abs/path, rel/path     the same, for a bare path (relative to the working directory)
//   mem://name[/prefix]     the process-wide MemoryStore called "name" (tests, dry runs)
//   s3://bucket[/prefix]    the S3 backend, through StoreOptions::open_s3
//
// Schemes are matched case-insensitively by a plain prefix check. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "core/result.h"
#include "storage/object_store.h"

namespace strata::storage {

struct StoreOptions;

// Opens an s3:// URL (given whole, with the options passed to OpenStore).
using StoreOpener = std::function<Result<std::unique_ptr<ObjectStore>>(
    std::string_view url, const StoreOptions& options)>;

struct StoreOptions {
  // file://: create the repository directory (and its parents) if missing. Default
  // false, so a mistyped path is reported as NotFound instead of silently starting an
  // empty repository elsewhere. Commands that write a new backup set it.
  bool create_if_missing = false;

  // Opens s3:// URLs. The S3 backend (storage/s3) provides the opener and the program
  // sets it here when built with that backend; the opener parses bucket, prefix and
  // its own settings from the URL. Empty: s3:// URLs fail with InvalidArgument. A field
  // rather than a global registry keeps storage/ free of a dependency on storage/s3 and
  // keeps tests from sharing hidden state.
  StoreOpener open_s3;
};

// Returns the store for `url` (see the table above). Errors: InvalidArgument for an
// empty URL, an unknown scheme, a file:// URL without an absolute path or with a bad
// percent-escape, a mem:// URL without a name, an s3:// URL when open_s3 is empty, or
// a prefix that is not a portable key; otherwise the backend's own errors (e.g.
// NotFound from LocalStore::Open for a missing directory).
Result<std::unique_ptr<ObjectStore>> OpenStore(std::string_view url,
                                               const StoreOptions& options = {});

}  // namespace strata::storage
