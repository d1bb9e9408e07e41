// LocalStore: an ObjectStore over a POSIX directory, the `file:///path` repository.
// Key "a/b/c" is the file <root>/a/b/c; missing directories are created on put.
//
// Durability and atomicity: a put writes a temp file (".tmp-<random>", see file_ops.h)
// in the key's directory, fsyncs it, renames it into place and fsyncs the directory, so
// readers see the old object or the new one, never a mix, and an acknowledged put
// survives a crash. Create-only puts (if_absent) publish with renameat2(RENAME_NOREPLACE)
// or link(2), which fail atomically if the name exists: two racing writers cannot both
// succeed. Temp files left by a crash are ignored by List.
//
// Limits of a file tree: a key cannot also be the directory of other keys ("a" and "a/b"
// cannot both exist; the second put fails with FailedPrecondition). Keys must be
// portable (store_checks.h); in addition, no segment may start with ".tmp-".
// Delete removes directories that become empty.
//
// Thread-safe: all methods may be called concurrently, also from several processes on
// one directory. Writers follow ObjectWriter's rule (one thread per writer).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/local/unique_fd.h"
#include "storage/object_store.h"

namespace strata::storage {

struct LocalStoreOptions {
  // Create the root directory (and its parents) if it does not exist. Default false: a
  // mistyped path is then reported as NotFound instead of silently starting an empty
  // repository somewhere else. Backup commands set it; restore commands do not.
  bool create_root = false;
};

class LocalStore final : public ObjectStore {
 public:
  // Opens the repository in directory `root` (absolute, or relative to the working
  // directory; it is made absolute once, here). Errors: InvalidArgument if `root` is
  // empty; NotFound if it does not exist (and !options.create_root); FailedPrecondition
  // if it is not a directory; PermissionDenied.
  static Result<std::unique_ptr<LocalStore>> Open(std::string_view root,
                                                  const LocalStoreOptions& options = {});

  // Errors common to all methods: InvalidArgument for a key that is not portable or uses
  // the temp prefix; Cancelled / DeadlineExceeded if `call` says so before work starts;
  // PermissionDenied; ResourceExhausted (disk full, out of descriptors); other OS errors
  // as mapped by FromErrno (errno_status.h), with messages naming the file:// URL.
  //   Put: AlreadyExists with if_absent when the key exists; FailedPrecondition if a
  //     directory on the way is a file, or the key is a directory.
  //   Get, Head: NotFound if missing (also when the key names a directory).
  //   GetRange: NotFound; OutOfRange if range.offset > size.
  //   List: InvalidArgument if max_keys < 1 or the prefix's directory part is not a
  //     portable path.
  //   Delete: OK if missing.
  //   NewWriter: the errors of Put before any data (creating directories, temp file);
  //     the writer's own errors are described in local/local_writer.h.
  Status Put(const ObjectKey& key, ByteView data, const WriteOptions& options = {},
             const CallOptions& call = {}) override;
  Result<Bytes> Get(const ObjectKey& key, const CallOptions& call = {}) override;
  Result<Bytes> GetRange(const ObjectKey& key, ByteRange range,
                         const CallOptions& call = {}) override;
  Result<ObjectInfo> Head(const ObjectKey& key, const CallOptions& call = {}) override;
  Result<ListPage> List(std::string_view prefix, std::string_view start_after,
                        int max_keys = 1000, const CallOptions& call = {}) override;
  Status Delete(const ObjectKey& key, const CallOptions& call = {}) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(const ObjectKey& key,
                                                  const WriteOptions& options = {},
                                                  const CallOptions& call = {}) override;
  // "file:///<root>/<key>".
  std::string Describe(const ObjectKey& key) const override;

  // The absolute root directory.
  const std::string& root() const { return root_; }

 private:
  LocalStore(std::string root, local::UniqueFd root_fd);

  Status CheckKey(const ObjectKey& key) const;
  Result<Bytes> Read(const ObjectKey& key, ByteRange range, const CallOptions& call);
  void RemoveEmptyParents(std::string_view dir);

  const std::string root_;
  const std::string root_url_;
  const local::UniqueFd root_fd_;
};

}  // namespace strata::storage
