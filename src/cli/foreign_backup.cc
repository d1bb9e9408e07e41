#include "cli/foreign_backup.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <string>
#include <string_view>

#include "backup/spredfast_import.h"
#include "burry/burry_archive.h"
#include "cli/archive_source.h"
#include "zoocreeper/zoocreeper_file.h"

namespace strata::cli {
namespace {

// How many keys of a foreign location are looked at for a Burry archive.
constexpr int kBurryListKeys = 200;

// Burry names its object "[PREFIX/]<snapshotid>" (digits); copies are often renamed .zip.
bool LooksLikeBurryKey(std::string_view key) {
  size_t slash = key.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? key : key.substr(slash + 1);
  bool digits = !base.empty() && base.find_first_not_of("0123456789") == std::string_view::npos;
  return digits || (base.size() > 4 && base.substr(base.size() - 4) == ".zip");
}

std::string BurryCommand(const std::string& from) {
  return fmt::format("strata import burry --from {} --to NEW_REPOSITORY", from);
}

// The key of a Burry archive (a ZIP) among the first keys of `store`, if any.
std::optional<std::string> FindBurryObject(storage::ObjectStore& store) {
  auto page = store.List("", "", kBurryListKeys);
  if (!page.ok()) return std::nullopt;
  for (const auto& object : page->objects) {
    if (!LooksLikeBurryKey(object.key)) continue;
    storage::ObjectKey key(object.key);
    auto head = store.GetRange(key, storage::ByteRange{0, 4});
    if (head.ok() && *head == std::string_view("PK\x03\x04", 4)) return store.Describe(key);
  }
  return std::nullopt;
}

}  // namespace

Status ExplainForeignBackup(const RepoFlags& repo, const Status& status) {
  if (status.ok()) return status;
  if (auto path = LocalPath(repo.url)) {
    struct stat st {};
    if (::stat(path->c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      if (burry::BurryArchive::Open(*path, *path).ok()) {
        return Status(status.code(), fmt::format("{} is a Burry backup (ZIP), not a strata repository; convert it "
                                                 "first with: {}",
                                                 *path, BurryCommand(*path)));
      }
      if (zoocreeper::LooksLikeBackup(*path)) {
        return Status(status.code(),
                      fmt::format("{} is a ZooCreeper backup (JSON), not a strata repository; convert it first with: "
                                  "strata import zoocreeper --from {} --name ENSEMBLE --to NEW_REPOSITORY",
                                  *path, *path));
      }
      return status;
    }
  }
  // Only a location that holds objects but no strata.json can hold a foreign backup.
  if (status.code() != StatusCode::kFailedPrecondition) return status;
  auto store = repo.OpenStore(repo.url, /*create_if_missing=*/false);
  if (!store.ok()) return status;
  if (auto found = backup::FindSpredfastObject(**store); found.ok() && *found) {
    return Status(status.code(),
                  fmt::format("{} is not a strata repository: it holds a Kafka Connect S3 (Spredfast) backup (e.g. "
                              "\"{}\"); convert it first with: strata import spredfast --from {} --to NEW_REPOSITORY",
                              repo.url, **found, repo.url));
  }
  if (auto where = FindBurryObject(**store)) {
    return Status(status.code(), fmt::format("{} is not a strata repository: it holds a Burry backup ({}); convert "
                                             "it first with: {}",
                                             repo.url, *where, BurryCommand(*where)));
  }
  return status;
}

}  // namespace strata::cli
