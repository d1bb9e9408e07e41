#include "cli/burry_source.h"

#include <fmt/format.h>

namespace strata::cli {

std::optional<std::string> LocalPath(std::string_view url) {
  constexpr std::string_view kFileScheme = "file://";
  if (url.starts_with(kFileScheme)) {
    std::string_view rest = url.substr(kFileScheme.size());
    if (rest.starts_with("localhost/")) rest.remove_prefix(std::string_view("localhost").size());
    return std::string(rest);
  }
  if (url.find("://") != std::string_view::npos) return std::nullopt;
  return std::string(url);
}

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

}  // namespace strata::cli
