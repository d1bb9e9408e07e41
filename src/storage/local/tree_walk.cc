#include "storage/local/tree_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "storage/local/errno_status.h"
#include "storage/local/file_ops.h"
#include "storage/store_checks.h"

namespace strata::storage::local {
namespace {

struct Entry {
  std::string sort_name;  // the name, plus '/' for a directory: its place in key order
  bool is_dir = false;
};

struct Frame {
  std::string dir;  // relative path ending in '/', or "" for the root
  std::vector<Entry> entries;  // sorted by sort_name
  size_t next = 0;
};

// Whether anything at `path` (a key, or a directory path ending in '/') can sort after
// `start_after`. Everything below directory D starts with D, so if start_after is
// greater than D without starting with it, the whole subtree lies before start_after.
bool MayFollow(std::string_view path, bool is_dir, std::string_view start_after) {
  if (start_after < path) return true;
  return is_dir && start_after.starts_with(path);
}

// The kind of `name` in directory `dir_fd`: 1 regular file, 2 directory, 0 anything else
// or vanished. Uses d_type and falls back to fstatat where the file system leaves it
// unknown.
int KindOf(int dir_fd, const dirent& d) {
  unsigned char type = d.d_type;
  if (type == DT_UNKNOWN) {
    struct stat st;
    if (::fstatat(dir_fd, d.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return 0;
    type = S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : DT_UNKNOWN;
  }
  return type == DT_REG ? 1 : type == DT_DIR ? 2 : 0;
}

// The entries of directory `dir` (relative to root_fd, "" or ending in '/') whose names
// start with `name_prefix` and whose subtrees may hold keys after start_after, sorted. A
// directory that does not exist (or is a file) has no entries.
Result<std::vector<Entry>> ReadDir(int root_fd, const std::string& dir,
                                   std::string_view name_prefix, std::string_view start_after,
                                   std::string_view root_url) {
  std::vector<Entry> entries;
  const std::string path = dir.empty() ? "." : dir;
  const int fd = ::openat(root_fd, path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return entries;
    return FromErrno(errno, "list", JoinUrl(root_url, dir));
  }
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    const int err = errno;
    UniqueFd(fd).Reset();
    return FromErrno(err, "list", JoinUrl(root_url, dir));
  }
  int err = 0;
  while (true) {
    errno = 0;
    const dirent* ent = ::readdir(d);
    if (ent == nullptr) {
      err = errno;
      break;
    }
    const std::string_view name = ent->d_name;
    if (name == "." || name == ".." || name.starts_with(kTempPrefix)) continue;
    if (!name.starts_with(name_prefix)) continue;
    const int kind = KindOf(::dirfd(d), *ent);
    if (kind == 0) continue;
    Entry e{std::string(name), kind == 2};
    if (e.is_dir) e.sort_name += '/';
    if (!MayFollow(dir + e.sort_name, e.is_dir, start_after)) continue;
    entries.push_back(std::move(e));
  }
  ::closedir(d);
  if (err != 0) return FromErrno(err, "list", JoinUrl(root_url, dir));
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.sort_name < b.sort_name; });
  return entries;
}

// Rejects a prefix whose directory part could leave the root.
Status ValidatePrefixDir(std::string_view dir_part) {
  if (dir_part.empty()) return OkStatus();
  Status s = ValidateKey(dir_part.substr(0, dir_part.size() - 1));
  if (s.ok()) return s;
  return InvalidArgumentError("list: invalid prefix \"" + std::string(dir_part) +
                              "\": " + s.message());
}

}  // namespace

Result<ListPage> ListTree(int root_fd, std::string_view root_url, std::string_view prefix,
                          std::string_view start_after, int max_keys, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateMaxKeys(max_keys));
  const size_t slash = prefix.rfind('/');
  const std::string dir_part(slash == std::string_view::npos ? "" : prefix.substr(0, slash + 1));
  const std::string_view leaf = prefix.substr(dir_part.size());
  STRATA_RETURN_IF_ERROR(ValidatePrefixDir(dir_part));
  STRATA_RETURN_IF_ERROR(CheckCall(call));

  std::vector<Frame> stack;
  STRATA_ASSIGN_OR_RETURN(auto top, ReadDir(root_fd, dir_part, leaf, start_after, root_url));
  stack.push_back(Frame{dir_part, std::move(top), 0});

  ListPage page;
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.next == frame.entries.size()) {
      stack.pop_back();
      continue;
    }
    Entry entry = std::move(frame.entries[frame.next++]);
    std::string path = frame.dir + entry.sort_name;
    if (entry.is_dir) {
      STRATA_RETURN_IF_ERROR(CheckCall(call));
      STRATA_ASSIGN_OR_RETURN(auto children, ReadDir(root_fd, path, "", start_after, root_url));
      stack.push_back(Frame{std::move(path), std::move(children), 0});
      continue;
    }
    struct stat st;
    if (::fstatat(root_fd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // deleted since the directory was read
      return FromErrno(errno, "stat", JoinUrl(root_url, path));
    }
    if (!S_ISREG(st.st_mode)) continue;
    if (page.objects.size() == static_cast<size_t>(max_keys)) {
      page.truncated = true;
      break;
    }
    page.objects.push_back(InfoFromStat(std::move(path), st));
  }
  return page;
}

}  // namespace strata::storage::local
