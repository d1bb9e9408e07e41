#include "storage/local/file_ops.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>

#include "storage/local/errno_status.h"

namespace strata::storage::local {
namespace {

constexpr mode_t kDirMode = 0777;   // narrowed by the umask, like mkdir(1)
constexpr mode_t kFileMode = 0666;  // narrowed by the umask, like a shell redirect
// O_EXCL collisions of 64 random bits are all but impossible; a few tries only guard
// against a forked child that inherited the parent's generator state.
constexpr int kTempNameAttempts = 8;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Unique within the process (the counter) and, with high probability, across processes
// (clock, address and pid in the seed). Not a secret: O_EXCL is what guarantees safety.
std::string TempName() {
  static const uint64_t seed = SplitMix64(
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
      reinterpret_cast<uintptr_t>(&seed));
  static std::atomic<uint64_t> counter{0};
  const uint64_t value =
      SplitMix64(seed ^ (static_cast<uint64_t>(::getpid()) << 32) ^ SplitMix64(counter++));
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016" PRIx64, value);
  return std::string(kTempPrefix) + hex;
}

std::string PathOrDot(std::string_view rel) { return rel.empty() ? "." : std::string(rel); }

Status SyncDirAt(int root_fd, std::string_view dir, std::string_view root_url) {
  STRATA_ASSIGN_OR_RETURN(UniqueFd fd, OpenDir(root_fd, dir, root_url));
  return SyncFd(fd.get(), JoinUrl(root_url, dir));
}

}  // namespace

std::pair<std::string_view, std::string_view> SplitKey(std::string_view key) {
  const size_t slash = key.rfind('/');
  if (slash == std::string_view::npos) return {std::string_view(), key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

std::string JoinUrl(std::string_view base_url, std::string_view rel) {
  std::string out(base_url);
  if (rel.empty()) return out;
  if (out.empty() || out.back() != '/') out += '/';
  out += rel;
  return out;
}

Result<UniqueFd> OpenDir(int root_fd, std::string_view dir, std::string_view root_url) {
  const int fd = ::openat(root_fd, PathOrDot(dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FromErrno(errno, "open directory", JoinUrl(root_url, dir));
  return UniqueFd(fd);
}

Result<UniqueFd> OpenOrCreateDir(int root_fd, std::string_view dir, std::string_view root_url) {
  Result<UniqueFd> existing = OpenDir(root_fd, dir, root_url);
  if (existing.ok() || existing.status().code() != StatusCode::kNotFound) return existing;

  // Create each missing component from the top; EEXIST means another writer (or an
  // earlier put) made it, which is fine.
  size_t end = 0;
  while (end != std::string_view::npos) {
    end = dir.find('/', end + 1);
    const std::string_view path = dir.substr(0, end);
    if (::mkdirat(root_fd, std::string(path).c_str(), kDirMode) == 0) {
      STRATA_RETURN_IF_ERROR(SyncDirAt(root_fd, SplitKey(path).first, root_url));
    } else if (errno != EEXIST) {
      return FromErrno(errno, "mkdir", JoinUrl(root_url, path));
    }
  }
  return OpenDir(root_fd, dir, root_url);
}

Result<TempFile> CreateTempFile(int dir_fd, std::string_view dir_url) {
  for (int attempt = 0;; ++attempt) {
    TempFile temp;
    temp.name = TempName();
    const int fd =
        ::openat(dir_fd, temp.name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode);
    if (fd >= 0) {
      temp.fd = UniqueFd(fd);
      return temp;
    }
    if (errno != EEXIST || attempt + 1 == kTempNameAttempts) {
      return FromErrno(errno, "create", JoinUrl(dir_url, temp.name));
    }
  }
}

Status WriteAll(int fd, ByteView data, std::string_view url) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return FromErrno(errno, "write", url);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

Status SyncFd(int fd, std::string_view url) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return FromErrno(errno, "sync", url);
  }
  return OkStatus();
}

Status Publish(int dir_fd, std::string_view temp_name, std::string_view name, bool if_absent,
               std::string_view url) {
  const std::string from(temp_name);
  const std::string to(name);
  int rc = 0;
  if (!if_absent) {
    rc = ::renameat(dir_fd, from.c_str(), dir_fd, to.c_str());
  } else {
    rc = ::renameat2(dir_fd, from.c_str(), dir_fd, to.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
      // No RENAME_NOREPLACE on this file system (e.g. NFS): link(2) also refuses to
      // replace an existing name, atomically; the temp name is then dropped.
      rc = ::linkat(dir_fd, from.c_str(), dir_fd, to.c_str(), 0);
      if (rc == 0) ::unlinkat(dir_fd, from.c_str(), 0);
    }
  }
  if (rc == 0) return OkStatus();
  const int err = errno;
  ::unlinkat(dir_fd, from.c_str(), 0);
  return FromErrno(err, if_absent ? "create" : "rename", url);
}

Result<Bytes> ReadAt(int fd, uint64_t offset, uint64_t length, std::string_view url) {
  Bytes out(length, '\0');
  uint64_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd, out.data() + done, length - done,
                              static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return FromErrno(errno, "read", url);
    }
    if (n == 0) break;
    done += static_cast<uint64_t>(n);
  }
  out.resize(done);
  return out;
}

ObjectInfo InfoFromStat(std::string key, const struct stat& st) {
  constexpr int64_t kNanosPerMilli = 1'000'000;
  constexpr int64_t kMillisPerSecond = 1'000;
  const int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * kNanosPerMilli *
                               kMillisPerSecond +
                           st.st_mtim.tv_nsec;
  char tag[64];
  std::snprintf(tag, sizeof(tag), "%" PRIx64 "-%" PRIx64 "-%" PRIx64,
                static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                static_cast<uint64_t>(mtime_ns));
  ObjectInfo info;
  info.key = std::move(key);
  info.size = static_cast<uint64_t>(st.st_size);
  info.etag = tag;
  info.mtime_unix_ms = mtime_ns / kNanosPerMilli;
  return info;
}

}  // namespace strata::storage::local
