// ListTree: LocalStore's List. Walks the directory tree under a root in key order
// without holding the whole tree in memory.
//
// Keys compare as bytes over the whole path, which is not the order of a plain sorted
// directory walk: "a-b" < "a/x" < "a0" because '-' < '/' < '0'. So a directory "a" is
// sorted among its siblings as "a/", and a depth-first walk in that order visits keys in
// exactly their byte order. The walk starts in the deepest directory the prefix names,
// skips subtrees that end before start_after, and stops after max_keys + 1 keys (the
// extra one only tells whether the page is truncated). Memory: one directory listing per
// level of depth.
//
// Skipped: temp files (kTempPrefix), symbolic links and anything that is neither a
// regular file nor a directory. Entries that vanish during the walk are skipped too.
// Stateless; thread-safe. Concurrent puts and deletes may or may not be seen.
#pragma once

#include <string_view>

#include "core/result.h"
#include "storage/object_store.h"

namespace strata::storage::local {

// The page of keys under `prefix` after `start_after` (see ObjectStore::List). `root_fd`
// is the repository root and `root_url` its file:// URL (for messages).
// Errors: InvalidArgument if max_keys < 1 or if the directory part of `prefix` has an
// empty, "." or ".." segment (it could leave the root); Cancelled / DeadlineExceeded from
// `call`, checked once per directory; errors of opendir/readdir/stat other than "does not
// exist" (e.g. PermissionDenied).
Result<ListPage> ListTree(int root_fd, std::string_view root_url, std::string_view prefix,
                          std::string_view start_after, int max_keys, const CallOptions& call);

}  // namespace strata::storage::local
