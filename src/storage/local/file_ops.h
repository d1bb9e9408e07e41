// POSIX file operations that LocalStore and its writer share: creating directories,
// temp files, writing, syncing, publishing a temp file under its final name, reading.
//
// Every function takes the file:// URL of the path it works on, for error messages, and
// reports errors through FromErrno (errno_status.h). Paths are relative to a directory
// descriptor (the *at() calls), so a store keeps working on its root even if the root
// is renamed, and never resolves ".." (keys cannot contain it anyway).
// Stateless; thread-safe.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/bytes.h"
#include "core/result.h"
#include "core/status.h"
#include "storage/local/unique_fd.h"
#include "storage/object_store.h"

namespace strata::storage::local {

// Temp files are named "<kTempPrefix><16 hex digits>" and live in the directory of their
// final name, so the rename that publishes one never leaves that directory (and so is
// atomic). List skips them and keys may not use the prefix.
inline constexpr std::string_view kTempPrefix = ".tmp-";

// Splits a key into its directory and base name: "a/b/c" -> {"a/b", "c"}; "c" -> {"", "c"}.
std::pair<std::string_view, std::string_view> SplitKey(std::string_view key);

// "<base_url>/<rel>", or base_url itself when rel is empty.
std::string JoinUrl(std::string_view base_url, std::string_view rel);

// Opens directory `dir` (relative to root_fd; "" is root_fd's own directory), first
// creating it and missing parents. Each new directory's parent is fsynced so that the new
// entry survives a crash. Returns NotFound if a parent vanished meanwhile (a concurrent
// Delete removed it; the caller may retry) and FailedPrecondition if a component is not a
// directory.
Result<UniqueFd> OpenOrCreateDir(int root_fd, std::string_view dir, std::string_view root_url);

// Opens existing directory `dir` below root_fd ("" = root_fd's directory) for reading.
// NotFound if it does not exist; FailedPrecondition if it is not a directory.
Result<UniqueFd> OpenDir(int root_fd, std::string_view dir, std::string_view root_url);

struct TempFile {
  UniqueFd fd;       // open for writing
  std::string name;  // base name inside the directory it was created in
};

// Creates a new, empty, uniquely named temp file in dir_fd. NotFound if the directory was
// removed meanwhile.
Result<TempFile> CreateTempFile(int dir_fd, std::string_view dir_url);

// Writes all of `data` at the file offset of `fd`, retrying short writes and EINTR.
Status WriteAll(int fd, ByteView data, std::string_view url);

// fsync(2) of a file or directory.
Status SyncFd(int fd, std::string_view url);

// Gives temp file `temp_name` in dir_fd the name `name`. With `if_absent` this fails with
// AlreadyExists when `name` exists, atomically (renameat2 RENAME_NOREPLACE, or link(2)
// on file systems without it); otherwise it replaces `name` (rename(2)). The temp file
// is gone afterwards whatever happened. Does not sync the directory.
Status Publish(int dir_fd, std::string_view temp_name, std::string_view name, bool if_absent,
               std::string_view url);

// Reads up to `length` bytes at `offset`; fewer if the file ends first.
Result<Bytes> ReadAt(int fd, uint64_t offset, uint64_t length, std::string_view url);

// Key, size and modification time from stat(2). The entity tag combines inode, size and
// mtime: it changes whenever the file is replaced (every put makes a new inode).
ObjectInfo InfoFromStat(std::string key, const struct stat& st);

}  // namespace strata::storage::local
