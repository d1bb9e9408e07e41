#include "cli/archive_source.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "storage/chunked_reader.h"

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

Result<ArchiveSource> OpenArchiveSource(const RepoFlags& flags, const std::string& from, std::string_view example) {
  ArchiveSource source;
  if (auto path = LocalPath(from)) {
    source.local_path = *path;
    source.describe = *path;
    return source;
  }
  size_t slash = from.find_last_of('/');
  size_t scheme_end = from.find("://") + 3;
  if (slash == std::string::npos || slash < scheme_end || slash + 1 == from.size()) {
    return InvalidArgumentError(fmt::format(
        "--from {}: name the archive object, e.g. {}", from, example));
  }
  STRATA_ASSIGN_OR_RETURN(source.store, flags.OpenStore(from.substr(0, slash), false));
  source.key = storage::ObjectKey(from.substr(slash + 1));
  source.describe = source.store->Describe(*source.key);
  return source;
}

Result<LocalArchive> LocalArchive::Fetch(const ArchiveSource& source) {
  if (source.local_path) return LocalArchive(*source.local_path, false);
  const char* dir = std::getenv("TMPDIR");
  auto copied = storage::DownloadToTempFile(*source.store, *source.key, dir != nullptr && *dir ? dir : "/tmp");
  if (!copied.ok()) return copied.status().WithContext(fmt::format("download {}", source.describe));
  return LocalArchive(*copied, true);
}

LocalArchive::~LocalArchive() {
  if (temporary_) std::remove(path_.c_str());
}

}  // namespace strata::cli
