#include "backup/zk_repository.h"

#include <fmt/format.h>

#include <algorithm>

namespace strata::backup {

using storage::ObjectKey;

namespace {
constexpr std::string_view kRoot = "zookeeper/";
constexpr std::string_view kManifestSuffix = ".json";
constexpr size_t kMaxEnsembleName = 128;

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}
}  // namespace

std::string ZkSnapshotKey(const std::string& ensemble, const std::string& id) {
  return fmt::format("zookeeper/{}/{}.zks", ensemble, id);
}

std::string ZkManifestKey(const std::string& ensemble, const std::string& id) {
  return fmt::format("zookeeper/{}/{}.json", ensemble, id);
}

std::string ZkSnapshotId(const std::string& time_stamp, int64_t zxid) {
  return fmt::format("{}-{:016x}", time_stamp, static_cast<uint64_t>(zxid));
}

std::string DefaultEnsembleName(std::string_view connect) {
  std::string_view servers = connect.substr(0, connect.find('/'));
  std::string_view chroot = connect.find('/') == std::string_view::npos ? "" : connect.substr(connect.find('/') + 1);
  std::string_view first = servers.substr(0, servers.find(','));
  auto clean = [](std::string_view in) {
    std::string out;
    for (char c : in) out += ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.') ? c : '-';
    return out;
  };
  std::string name = clean(first);
  while (!chroot.empty() && chroot.back() == '/') chroot.remove_suffix(1);
  if (!chroot.empty()) name += "_" + clean(chroot);
  if (name.size() > kMaxEnsembleName) name.resize(kMaxEnsembleName);
  return name.empty() ? "zookeeper" : name;
}

Status ValidateEnsembleName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= kMaxEnsembleName && name != "." && name != ".." &&
            std::all_of(name.begin(), name.end(), NameChar);
  if (ok) return OkStatus();
  return InvalidArgumentError(fmt::format(
      "ensemble name \"{}\": use 1-{} characters of A-Z a-z 0-9 . _ -", name, kMaxEnsembleName));
}

Result<std::vector<std::string>> ListZkEnsembles(const Repository& repo) {
  STRATA_ASSIGN_OR_RETURN(auto objects, storage::ListAll(repo.store(), kRoot));
  std::vector<std::string> names;
  for (const auto& o : objects) {
    std::string_view rest = std::string_view(o.key).substr(kRoot.size());
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) continue;
    std::string_view file = rest.substr(slash + 1);
    if (file.size() <= kManifestSuffix.size() || file.find('/') != std::string_view::npos ||
        file.substr(file.size() - kManifestSuffix.size()) != kManifestSuffix) {
      continue;
    }
    std::string name(rest.substr(0, slash));
    if (names.empty() || names.back() != name) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Result<std::vector<std::string>> ListZkSnapshots(const Repository& repo, const std::string& ensemble) {
  std::string prefix = fmt::format("zookeeper/{}/", ensemble);
  STRATA_ASSIGN_OR_RETURN(auto objects, storage::ListAll(repo.store(), prefix));
  std::vector<std::string> ids;
  for (const auto& o : objects) {
    std::string_view file = std::string_view(o.key).substr(prefix.size());
    if (file.size() > kManifestSuffix.size() && file.find('/') == std::string_view::npos &&
        file.substr(file.size() - kManifestSuffix.size()) == kManifestSuffix) {
      ids.emplace_back(file.substr(0, file.size() - kManifestSuffix.size()));
    }
  }
  return ids;  // List returns keys in byte order, which is time order for our ids
}

Result<format::ZkManifest> ReadZkManifest(const Repository& repo, const std::string& ensemble,
                                          const std::string& id) {
  ObjectKey key(ZkManifestKey(ensemble, id));
  STRATA_ASSIGN_OR_RETURN(Bytes bytes, repo.store().Get(key));
  return format::ParseZkManifest(bytes, repo.store().Describe(key));
}

Status WriteZkManifest(const Repository& repo, const format::ZkManifest& manifest) {
  ObjectKey key(ZkManifestKey(manifest.ensemble, manifest.id));
  return repo.store()
      .Put(key, format::ZkManifestToJson(manifest), storage::WriteOptions{.if_absent = true})
      .WithContext(fmt::format("write manifest {}", repo.store().Describe(key)));
}

Result<std::vector<std::string>> PruneZkSnapshots(const Repository& repo, const std::string& ensemble, int keep) {
  std::vector<std::string> deleted;
  if (keep < 1) return deleted;
  STRATA_ASSIGN_OR_RETURN(auto ids, ListZkSnapshots(repo, ensemble));
  if (ids.size() <= static_cast<size_t>(keep)) return deleted;
  for (size_t i = 0; i + static_cast<size_t>(keep) < ids.size(); ++i) {
    STRATA_RETURN_IF_ERROR(repo.store().Delete(ObjectKey(ZkManifestKey(ensemble, ids[i]))));
    STRATA_RETURN_IF_ERROR(repo.store().Delete(ObjectKey(ZkSnapshotKey(ensemble, ids[i]))));
    deleted.push_back(ids[i]);
  }
  return deleted;
}

}  // namespace strata::backup
