#include "storage/local/local_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <utility>

#include "storage/local/errno_status.h"
#include "storage/local/file_ops.h"
#include "storage/local/local_writer.h"
#include "storage/local/tree_walk.h"
#include "storage/store_checks.h"

namespace strata::storage {

using local::FromErrno;
using local::JoinUrl;
using local::SplitKey;
using local::TempFile;
using local::UniqueFd;

namespace {

// Delete prunes directories that become empty, so a put may find the directory it just
// created gone before its temp file exists in it. That race is rare and harmless: start
// over a few times.
constexpr int kStageAttempts = 5;

struct Staging {
  UniqueFd dir_fd;
  TempFile temp;
};

// Opens (creating) directory `dir` and a new temp file in it.
Result<Staging> Stage(int root_fd, std::string_view dir, std::string_view root_url) {
  for (int attempt = 1;; ++attempt) {
    Result<UniqueFd> dir_fd = local::OpenOrCreateDir(root_fd, dir, root_url);
    Status s = dir_fd.status();
    if (dir_fd.ok()) {
      Result<TempFile> temp = local::CreateTempFile(dir_fd->get(), JoinUrl(root_url, dir));
      if (temp.ok()) return Staging{std::move(*dir_fd), std::move(*temp)};
      s = temp.status();
    }
    if (s.code() != StatusCode::kNotFound || attempt == kStageAttempts) return s;
  }
}

// For reads, a path through a file ("a/b" when "a" is a file) means the object does not
// exist, not a broken repository.
int ReadErrno(int err) { return err == ENOTDIR ? ENOENT : err; }

Status NotAnObject(std::string_view operation, std::string_view url) {
  return NotFoundError(std::string(operation) + " " + std::string(url) +
                       ": no such object (the path is a directory)");
}

}  // namespace

Result<std::unique_ptr<LocalStore>> LocalStore::Open(std::string_view root,
                                                     const LocalStoreOptions& options) {
  if (root.empty()) return InvalidArgumentError("local repository: empty directory path");
  std::error_code ec;
  std::filesystem::path path = std::filesystem::absolute(std::filesystem::path(root), ec);
  if (ec) return FromErrno(ec.value(), "resolve", "file://" + std::string(root));
  path = path.lexically_normal();
  std::string normal = path.string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  const std::string url = "file://" + normal;

  if (options.create_root) {
    std::filesystem::create_directories(normal, ec);
    if (ec) return FromErrno(ec.value(), "create repository", url);
  }
  const int fd = ::open(normal.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FromErrno(errno, "open repository", url);
  return std::unique_ptr<LocalStore>(new LocalStore(std::move(normal), UniqueFd(fd)));
}

LocalStore::LocalStore(std::string root, UniqueFd root_fd)
    : root_(std::move(root)), root_url_("file://" + root_), root_fd_(std::move(root_fd)) {}

Status LocalStore::CheckKey(const ObjectKey& key) const {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  const std::string& k = key.str();
  for (size_t start = 0; start != std::string::npos;) {
    if (std::string_view(k).substr(start).starts_with(local::kTempPrefix)) {
      return InvalidArgumentError("invalid object key \"" + k + "\": names starting with \"" +
                                  std::string(local::kTempPrefix) +
                                  "\" are reserved for temporary files in " + root_url_);
    }
    start = k.find('/', start);
    if (start != std::string::npos) ++start;
  }
  return OkStatus();
}

Status LocalStore::Put(const ObjectKey& key, ByteView data, const WriteOptions& options,
                       const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(CheckKey(key));
  STRATA_RETURN_IF_ERROR(CheckCall(call));
  const auto [dir, name] = SplitKey(key.str());
  const std::string url = Describe(key);
  STRATA_ASSIGN_OR_RETURN(Staging staging, Stage(root_fd_.get(), dir, root_url_));

  Status s = local::WriteAll(staging.temp.fd.get(), data, url);
  if (s.ok()) s = local::SyncFd(staging.temp.fd.get(), url);
  if (s.ok()) {
    if (const int err = staging.temp.fd.Close(); err != 0) s = FromErrno(err, "close", url);
  }
  if (!s.ok()) {
    ::unlinkat(staging.dir_fd.get(), staging.temp.name.c_str(), 0);
    return s;
  }
  STRATA_RETURN_IF_ERROR(
      local::Publish(staging.dir_fd.get(), staging.temp.name, name, options.if_absent, url));
  return local::SyncFd(staging.dir_fd.get(), JoinUrl(root_url_, dir));
}

Result<Bytes> LocalStore::Get(const ObjectKey& key, const CallOptions& call) {
  return Read(key, ByteRange{}, call);
}

Result<Bytes> LocalStore::GetRange(const ObjectKey& key, ByteRange range,
                                   const CallOptions& call) {
  return Read(key, range, call);
}

Result<Bytes> LocalStore::Read(const ObjectKey& key, ByteRange range, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(CheckKey(key));
  STRATA_RETURN_IF_ERROR(CheckCall(call));
  const std::string url = Describe(key);
  // O_NONBLOCK: never hang on a FIFO someone left in the tree (no effect on files).
  const int raw = ::openat(root_fd_.get(), key.str().c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (raw < 0) return FromErrno(ReadErrno(errno), "read", url);
  UniqueFd fd(raw);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return FromErrno(errno, "stat", url);
  if (!S_ISREG(st.st_mode)) return NotAnObject("read", url);
  // Puts replace files by rename, never in place, so this descriptor sees one version.
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (range.offset > size) {
    return OutOfRangeError("read " + url + ": offset " + std::to_string(range.offset) +
                           " is past the end (size " + std::to_string(size) + ")");
  }
  const uint64_t available = size - range.offset;
  const uint64_t length = std::min(available, range.length.value_or(available));
  return local::ReadAt(fd.get(), range.offset, length, url);
}

Result<ObjectInfo> LocalStore::Head(const ObjectKey& key, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(CheckKey(key));
  STRATA_RETURN_IF_ERROR(CheckCall(call));
  struct stat st;
  if (::fstatat(root_fd_.get(), key.str().c_str(), &st, 0) != 0) {
    return FromErrno(ReadErrno(errno), "stat", Describe(key));
  }
  if (!S_ISREG(st.st_mode)) return NotAnObject("stat", Describe(key));
  return local::InfoFromStat(key.str(), st);
}

Result<ListPage> LocalStore::List(std::string_view prefix, std::string_view start_after,
                                  int max_keys, const CallOptions& call) {
  return local::ListTree(root_fd_.get(), root_url_, prefix, start_after, max_keys, call);
}

Status LocalStore::Delete(const ObjectKey& key, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(CheckKey(key));
  STRATA_RETURN_IF_ERROR(CheckCall(call));
  if (::unlinkat(root_fd_.get(), key.str().c_str(), 0) != 0) {
    // Missing, a path through a file, or a directory: in every case no object to delete.
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return OkStatus();
    return FromErrno(errno, "delete", Describe(key));
  }
  const std::string_view dir = SplitKey(key.str()).first;
  Result<UniqueFd> dir_fd = local::OpenDir(root_fd_.get(), dir, root_url_);
  // NotFound: a concurrent Delete already pruned the (then empty) directory.
  if (!dir_fd.ok()) {
    return dir_fd.status().code() == StatusCode::kNotFound ? OkStatus() : dir_fd.status();
  }
  STRATA_RETURN_IF_ERROR(local::SyncFd(dir_fd->get(), JoinUrl(root_url_, dir)));
  RemoveEmptyParents(dir);
  return OkStatus();
}

void LocalStore::RemoveEmptyParents(std::string_view dir) {
  // rmdir fails on a directory that is not empty (or that a concurrent put is about to
  // use and has already put a temp file in), which is where pruning stops. Failing to
  // prune is harmless, so errors are not reported.
  while (!dir.empty()) {
    if (::unlinkat(root_fd_.get(), std::string(dir).c_str(), AT_REMOVEDIR) != 0) return;
    dir = SplitKey(dir).first;
  }
}

Result<std::unique_ptr<ObjectWriter>> LocalStore::NewWriter(const ObjectKey& key,
                                                            const WriteOptions& options,
                                                            const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(CheckKey(key));
  STRATA_RETURN_IF_ERROR(CheckCall(call));
  const auto [dir, name] = SplitKey(key.str());
  STRATA_ASSIGN_OR_RETURN(Staging staging, Stage(root_fd_.get(), dir, root_url_));
  return std::unique_ptr<ObjectWriter>(std::make_unique<local::LocalWriter>(
      std::move(staging.dir_fd), std::move(staging.temp), key.str(), std::string(name),
      Describe(key), options.if_absent, call));
}

std::string LocalStore::Describe(const ObjectKey& key) const {
  return JoinUrl(root_url_, key.str());
}

}  // namespace strata::storage
