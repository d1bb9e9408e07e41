// Where `strata import burry|zoocreeper --from` points: a local file, or an object in a
// store named by a repository-style URL. Thread-compatible.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/repo_flags.h"
#include "core/result.h"
#include "storage/object_store.h"

namespace strata::cli {

struct ArchiveSource {
  std::string describe;                     // for messages and the manifest
  std::optional<std::string> local_path;    // a file on this machine
  std::unique_ptr<storage::ObjectStore> store;  // or an object: store + key
  std::optional<storage::ObjectKey> key;
};

// Parses `from`: a path or file:// URL is a local file; any other URL
// (s3://bucket/[prefix/]key, mem://...) names an object: the store is the URL up to
// the last "/", opened with `flags`' S3 settings, and the key is the rest.
// InvalidArgument for a URL without a key (`example`, such as
// "s3://zk-backup/1483193387", is shown as the right form); the store's errors.
Result<ArchiveSource> OpenArchiveSource(const RepoFlags& flags, const std::string& from, std::string_view example);

// The archive as a file on this machine: the local file itself, or a temporary copy of
// the object (in $TMPDIR, else /tmp) that is deleted with this. Move-only.
class LocalArchive {
 public:
  // Copies an object source; a local one is used where it is. The store's errors
  // (NotFound naming the object), FailedPrecondition if the copy cannot be written.
  static Result<LocalArchive> Fetch(const ArchiveSource& source);
  LocalArchive(LocalArchive&& other) noexcept : path_(std::move(other.path_)), temporary_(other.temporary_) {
    other.temporary_ = false;
  }
  LocalArchive& operator=(LocalArchive&&) = delete;
  LocalArchive(const LocalArchive&) = delete;
  ~LocalArchive();

  const std::string& path() const { return path_; }

 private:
  LocalArchive(std::string path, bool temporary) : path_(std::move(path)), temporary_(temporary) {}
  std::string path_;
  bool temporary_;
};

// The local path a bare path or file:// URL names; nullopt for other schemes.
std::optional<std::string> LocalPath(std::string_view url);

}  // namespace strata::cli
