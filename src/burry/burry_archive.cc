#include "burry/burry_archive.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace strata::burry {
namespace {

// .zks entries hold at most 2^30 bytes; ZooKeeper's own limit (jute.maxbuffer) is 1 MiB
// by default.
constexpr uint64_t kMaxData = (1u << 30) - 4096;
constexpr size_t kReadChunk = 1 << 16;

std::string ZipErrorString(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string s = zip_error_strerror(&error);
  zip_error_fini(&error);
  return s;
}

// True if the file starts like a ZIP (a local header, or the end record of an empty one).
bool StartsLikeZip(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[4] = {};
  size_t n = std::fread(magic, 1, sizeof magic, f);
  std::fclose(f);
  return n == sizeof magic && magic[0] == 'P' && magic[1] == 'K' &&
         ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
}

}  // namespace

Result<std::unique_ptr<BurryArchive>> BurryArchive::Open(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFoundError(fmt::format("{}: no such file", what));
    return FailedPreconditionError(fmt::format("{}: {}", what, std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return FailedPreconditionError(fmt::format("{}: not a file", what));
  int code = 0;
  ::zip* z = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (z == nullptr) {
    if (StartsLikeZip(path)) {
      // A ZIP's directory is at its end: a cut file starts right but has none.
      std::string why = code == ZIP_ER_NOZIP ? "no ZIP directory at its end" : ZipErrorString(code);
      return DataLossError(fmt::format("{}: damaged or truncated ZIP archive ({})", what, why));
    }
    return FailedPreconditionError(
        fmt::format("{}: not a ZIP archive ({}); a Burry backup is the .zip file Burry wrote", what,
                    ZipErrorString(code)));
  }
  std::unique_ptr<BurryArchive> archive(new BurryArchive(z, what));
  STRATA_RETURN_IF_ERROR(archive->Scan());
  return archive;
}

BurryArchive::~BurryArchive() { zip_discard(zip_); }

std::string_view BurryArchive::Escaped(const Item& item) const {
  return std::string_view(item.name + item.offset, item.length);
}

bool BurryArchive::IsData(const Item& item) const {
  size_t n = std::strlen(item.name);
  return n > 0 && item.name[n - 1] != '/';
}

Status BurryArchive::Scan() {
  zip_int64_t n = zip_get_num_entries(zip_, 0);
  if (n < 0) return DataLossError(fmt::format("{}: cannot read the ZIP directory", what_));
  stats_.entries = static_cast<uint64_t>(n);
  TopDirDetector detector;
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(zip_, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
    if (name == nullptr) return DataLossError(fmt::format("{}: entry {} has no name", what_, i));
    detector.Add(name);
  }
  top_ = detector.Result();
  size_t skip = top_.empty() ? 0 : top_.size() + 1;
  std::optional<uint64_t> meta_index;
  bool has_content = false;
  items_.reserve(static_cast<size_t>(n));
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(zip_, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
    std::string_view full(name);
    if (!top_.empty() && full == top_) continue;  // "<id>" without a slash: not expected, harmless
    std::string_view rel = full.substr(std::min(skip, full.size()));
    EntryRole role = ClassifyEntry(rel);
    switch (role.kind) {
      case EntryKind::kMeta: meta_index = static_cast<uint64_t>(i); break;
      case EntryKind::kOther:
        if (stats_.other_files++ == 0) stats_.first_other_file = std::string(full);
        break;
      case EntryKind::kData: has_content = true; [[fallthrough]];
      case EntryKind::kDirectory: {
        uint32_t offset = static_cast<uint32_t>(role.escaped.data() - full.data());
        if (role.escaped.empty()) offset = static_cast<uint32_t>(skip);
        items_.push_back(Item{name, static_cast<uint64_t>(i), offset, static_cast<uint32_t>(role.escaped.size())});
        break;
      }
    }
  }
  if (!has_content && !meta_index) {
    return FailedPreconditionError(fmt::format(
        "{}: a ZIP archive, but not a Burry backup (no .burrymeta and no znode `content` files)", what_));
  }
  if (meta_index) {
    Bytes json;
    STRATA_RETURN_IF_ERROR(ReadData(*meta_index, &json));
    auto meta = ParseBurryMeta(json);
    if (!meta.ok()) return DataLossError(fmt::format("{}: {}", what_, meta.status().message()));
    if (!meta->svc.empty() && meta->svc != "zk") {
      return FailedPreconditionError(
          fmt::format("{}: a Burry backup of \"{}\", not of ZooKeeper (.burrymeta svc)", what_, meta->svc));
    }
    meta_ = std::move(*meta);
  }
  // Sort by znode path; for one path the directory entry before its `content`.
  std::sort(items_.begin(), items_.end(), [this](const Item& a, const Item& b) {
    int c = ComparePaths(Escaped(a), Escaped(b));
    if (c != 0) return c < 0;
    return !IsData(a) && IsData(b);
  });
  return OkStatus();
}

Status BurryArchive::ReadData(uint64_t index, Bytes* out) const {
  const char* name = zip_get_name(zip_, index, ZIP_FL_ENC_RAW);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip_, index, 0, &st) != 0 || (st.valid & ZIP_STAT_SIZE) == 0) {
    return DataLossError(fmt::format("{}: cannot read entry {}: {}", what_, name, zip_strerror(zip_)));
  }
  if (st.size > kMaxData) {
    return FailedPreconditionError(fmt::format("{}: entry {} holds {} bytes, more than a znode can", what_, name, st.size));
  }
  zip_file_t* f = zip_fopen_index(zip_, index, 0);
  if (f == nullptr) return DataLossError(fmt::format("{}: cannot read entry {}: {}", what_, name, zip_strerror(zip_)));
  out->resize(st.size);
  uint64_t got = 0;
  Status status = OkStatus();
  while (true) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kReadChunk, st.size - got));
    if (want == 0) {
      // Read past the announced size once more: libzip checks the CRC at the end.
      char probe;
      zip_int64_t extra = zip_fread(f, &probe, 1);
      if (extra != 0) {
        status = DataLossError(fmt::format("{}: entry {}: {}", what_, name,
                                           extra < 0 ? zip_file_strerror(f) : "longer than its recorded size"));
      }
      break;
    }
    zip_int64_t r = zip_fread(f, out->data() + got, want);
    if (r <= 0) {
      status = DataLossError(fmt::format("{}: entry {}: {}", what_, name,
                                         r < 0 ? zip_file_strerror(f) : "shorter than its recorded size"));
      break;
    }
    got += static_cast<uint64_t>(r);
  }
  zip_fclose(f);
  return status;
}

Status BurryArchive::ForEach(const Visitor& visit) {
  std::string last;        // escaped path of the last znode handed out
  bool started = false;    // the root has been handed out
  auto covered = [&](std::string_view ancestor) {
    if (!started) return false;
    if (ancestor.empty()) return true;
    return last == ancestor || (last.size() > ancestor.size() && last.compare(0, ancestor.size(), ancestor) == 0 &&
                                last[ancestor.size()] == '/');
  };
  auto emit_implied = [&](std::string_view escaped) -> Status {
    ArchiveZnode node;
    auto path = ZnodePath(escaped);
    if (!path.ok()) return DataLossError(fmt::format("{}: \"{}\" is not a znode path: {}", what_, escaped, path.status().message()));
    node.path = std::move(*path);
    node.implied = true;
    stats_.implied++;
    stats_.znodes++;
    last = std::string(escaped);
    started = true;
    return visit(node);
  };
  ArchiveZnode node;
  for (size_t i = 0; i < items_.size();) {
    std::string_view escaped = Escaped(items_[i]);
    size_t end = i;
    const Item* data = nullptr;
    for (; end < items_.size() && Escaped(items_[end]) == escaped; ++end) {
      if (!IsData(items_[end])) continue;
      if (data != nullptr) {
        return DataLossError(fmt::format("{}: two entries hold the data of one znode: {}", what_, items_[end].name));
      }
      data = &items_[end];
    }
    // Ancestors the archive does not hold: the root, then each prefix at a "/".
    if (!covered("") && !escaped.empty()) STRATA_RETURN_IF_ERROR(emit_implied(""));
    for (size_t slash = escaped.find('/'); slash != std::string_view::npos; slash = escaped.find('/', slash + 1)) {
      if (!covered(escaped.substr(0, slash))) STRATA_RETURN_IF_ERROR(emit_implied(escaped.substr(0, slash)));
    }
    auto path = ZnodePath(escaped);
    if (!path.ok()) {
      return DataLossError(
          fmt::format("{}: entry {} is not a znode path: {}", what_, items_[i].name, path.status().message()));
    }
    node.path = std::move(*path);
    node.implied = false;
    node.has_content = data != nullptr;
    node.data.clear();
    if (data != nullptr) {
      STRATA_RETURN_IF_ERROR(ReadData(data->index, &node.data));
    } else {
      stats_.missing_content++;
    }
    stats_.znodes++;
    last = std::string(escaped);
    started = true;
    STRATA_RETURN_IF_ERROR(visit(node));
    i = end;
  }
  if (!started) {
    // An archive with only .burrymeta: the tree was empty, or Burry read nothing.
    ArchiveZnode root;
    root.path = "/";
    root.implied = true;
    stats_.implied++;
    stats_.znodes++;
    return visit(root);
  }
  return OkStatus();
}

}  // namespace strata::burry
