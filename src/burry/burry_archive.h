// BurryArchive: reads a Burry backup (a ZIP file, see burry_layout.h) and hands out its
// znodes in pre-order (parents before children, each subtree contiguous), the order a
// .zks stream needs. The only file that includes libzip.
//
// Burry zips the tree in file-name order, which is not a pre-order ("a/b/content" sorts
// before "a/content"), so the entries are sorted first. Memory: 24 bytes per entry for
// the sort, libzip's copy of the central directory (about 340 bytes per entry), and the
// data of one znode at a time; the archive is never unpacked. Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "burry/burry_layout.h"
#include "core/bytes.h"
#include "core/result.h"

struct zip;

namespace strata::burry {

struct ArchiveZnode {
  std::string path;  // "/" for the root, ":" unescaped
  Bytes data;        // empty when the archive held no `content` for it
  // The archive held no entry for this znode, only entries below it.
  bool implied = false;
  bool has_content = false;  // a `content` file was present
};

struct ArchiveStats {
  uint64_t entries = 0;
  uint64_t znodes = 0;   // handed to the visitor
  uint64_t implied = 0;  // of which implied
  uint64_t missing_content = 0;  // of which had a directory but no `content`
  uint64_t other_files = 0;      // files outside Burry's layout, ignored
  std::string first_other_file;
};

class BurryArchive {
 public:
  // Opens the ZIP file at `path` (`what` names it in messages: a path or URL) and checks
  // that it is a Burry backup. Errors:
  //   NotFound: no file at `path`;
  //   FailedPrecondition: not a ZIP file, or a ZIP without Burry's layout (no `content`
  //     file and no .burrymeta), or a Burry backup of another service (.burrymeta svc);
  //   DataLoss: a damaged or truncated ZIP, or a .burrymeta that is not JSON.
  static Result<std::unique_ptr<BurryArchive>> Open(const std::string& path, const std::string& what);
  ~BurryArchive();
  BurryArchive(const BurryArchive&) = delete;
  BurryArchive& operator=(const BurryArchive&) = delete;

  // The .burrymeta, if the archive has one.
  const std::optional<BurryMeta>& meta() const { return meta_; }
  // The top directory (Burry's snapshot id, "1483193387"), "" if the entries have none.
  const std::string& top_dir() const { return top_; }

  // Calls `visit` for every znode in pre-order, starting with "/". Ancestors the archive
  // does not hold (only paths below them) are handed over as implied, with empty data.
  // Stops at the first error `visit` returns. Errors: DataLoss for an entry whose data
  // fails its CRC or cannot be read, an entry name that is no valid znode path, or two
  // `content` files for one znode; FailedPrecondition for data over 1 GiB.
  using Visitor = std::function<Status(const ArchiveZnode&)>;
  Status ForEach(const Visitor& visit);

  const ArchiveStats& stats() const { return stats_; }

 private:
  struct Item {
    const char* name;  // libzip's, valid while the archive is open
    uint64_t index;    // in the ZIP
    uint32_t offset;   // of the escaped znode path within the name
    uint32_t length;
  };
  BurryArchive(::zip* zip, std::string what) : zip_(zip), what_(std::move(what)) {}
  Status Scan();
  std::string_view Escaped(const Item& item) const;
  bool IsData(const Item& item) const;
  Status ReadData(uint64_t index, Bytes* out) const;

  ::zip* zip_;
  std::string what_;
  std::string top_;
  std::optional<BurryMeta> meta_;
  std::vector<Item> items_;  // data and directory entries, sorted by ComparePaths
  ArchiveStats stats_;
};

}  // namespace strata::burry
