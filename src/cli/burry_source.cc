#include "cli/burry_source.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <string_view>

#include "burry/burry_archive.h"

namespace strata::cli {
namespace {

constexpr int kHintListKeys = 200;
constexpr std::string_view kFileScheme = "file://";

// A local path for a bare path or file:// URL; nullopt for other schemes.
std::optional<std::string> LocalPath(std::string_view url) {
  if (url.starts_with(kFileScheme)) {
    std::string_view rest = url.substr(kFileScheme.size());
    if (rest.starts_with("localhost/")) rest.remove_prefix(std::string_view("localhost").size());
    return std::string(rest);
  }
  if (url.find("://") != std::string_view::npos) return std::nullopt;
  return std::string(url);
}

bool LooksLikeBurryKey(std::string_view key) {
  size_t slash = key.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? key : key.substr(slash + 1);
  bool digits = !base.empty() && base.find_first_not_of("0123456789") == std::string_view::npos;
  return digits || (base.size() > 4 && base.substr(base.size() - 4) == ".zip");
}

std::string Command(const std::string& from) {
  return fmt::format("strata import burry --from {} --to REPOSITORY", from);
}

}  // namespace

Result<BurrySource> OpenBurrySource(const RepoFlags& flags, const std::string& from) {
  BurrySource source;
  if (auto path = LocalPath(from)) {
    source.local_path = *path;
    source.describe = *path;
    return source;
  }
  size_t slash = from.find_last_of('/');
  size_t scheme_end = from.find("://") + 3;
  if (slash == std::string::npos || slash < scheme_end || slash + 1 == from.size()) {
    return InvalidArgumentError(fmt::format(
        "--from {}: name the archive object, e.g. s3://zk-backup/1483193387 (Burry's key is [PREFIX/]<snapshotid>)",
        from));
  }
  STRATA_ASSIGN_OR_RETURN(source.store, flags.OpenStore(from.substr(0, slash), false));
  source.key = storage::ObjectKey(from.substr(slash + 1));
  source.describe = source.store->Describe(*source.key);
  return source;
}

std::string BurryHint(const RepoFlags& flags) {
  if (auto path = LocalPath(flags.url)) {
    struct stat st {};
    if (::stat(path->c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      if (!burry::BurryArchive::Open(*path, *path).ok()) return "";
      return fmt::format("{} is a Burry backup (ZIP), not a strata repository; convert it first: {}", *path,
                         Command(*path));
    }
  }
  auto store = flags.OpenStore(flags.url, false);
  if (!store.ok()) return "";
  auto page = (*store)->List("", "", kHintListKeys);
  if (!page.ok()) return "";
  for (const auto& object : page->objects) {
    if (!LooksLikeBurryKey(object.key)) continue;
    storage::ObjectKey key(object.key);
    auto head = (*store)->GetRange(key, storage::ByteRange{0, 4});
    if (!head.ok() || *head != std::string_view("PK\x03\x04", 4)) continue;
    std::string where = (*store)->Describe(key);
    return fmt::format("{} is not a strata repository, but holds a Burry backup ({}); convert it first: {}", flags.url,
                       where, Command(where));
  }
  return "";
}

}  // namespace strata::cli
