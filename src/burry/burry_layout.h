// The layout of a Burry backup (mhausenblas/burry.sh 0.x, docs/import-burry.md): how the
// entry names of its ZIP archive map to znodes, and its `.burrymeta` file.
//
// Burry writes the data of znode /a/b to `<snapshotid>/a/b/content` (the root's to
// `<snapshotid>/content`), with every ":" in a name written as "BURRY_ESC_COLON", and its
// metadata to `<snapshotid>/.burrymeta`. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"

namespace strata::burry {

inline constexpr std::string_view kContentFile = "content";
inline constexpr std::string_view kMetaFile = ".burrymeta";
inline constexpr std::string_view kColonEscape = "BURRY_ESC_COLON";

enum class EntryKind {
  kData,       // a `content` file: the data of the znode `escaped`
  kDirectory,  // a directory entry: the znode `escaped` (its data may be missing)
  kMeta,       // the top-level .burrymeta
  kOther,      // a file that is not part of Burry's layout
};

struct EntryRole {
  EntryKind kind = EntryKind::kOther;
  // The znode's path as stored (escaped), relative, without a leading "/": "" is the
  // root, "a/b" is /a/b. Points into the name given to ClassifyEntry.
  std::string_view escaped;
};

// What the entry `name` (below the top directory, see TopDirDetector) is. A file named
// `content` is always data (of its directory); a child znode named "content" is the
// directory `content/` and its data the file `content/content`.
EntryRole ClassifyEntry(std::string_view name);

// Finds Burry's top directory `<snapshotid>/`: the first path component shared by every
// entry, when it is all digits or holds `.burrymeta`. Archives re-zipped without it
// (entries `content`, `a/content`, `.burrymeta`) have none. A shared first component with
// another name and no .burrymeta is taken as a znode, so no level of the tree is lost.
class TopDirDetector {
 public:
  void Add(std::string_view name);
  // "" (no top directory) or the directory's name, without the "/".
  std::string Result() const;

 private:
  std::string candidate_;
  bool started_ = false;
  bool shared_ = true;
  bool marked_ = false;  // <candidate>/.burrymeta seen
};

// The znode path of an escaped relative path: "/" + escaped with every
// "BURRY_ESC_COLON" turned back into ":". InvalidArgument if the result is not a valid
// znode path (an empty, "." or ".." component).
Result<std::string> ZnodePath(std::string_view escaped);

// Orders escaped paths so that a parent comes before its children and every subtree is
// contiguous (a pre-order): bytes compared as unsigned, with "/" below every other byte.
// Returns <0, 0 or >0.
int ComparePaths(std::string_view a, std::string_view b);

// The fields of `.burrymeta` (Burry's ArchMeta); empty when absent.
struct BurryMeta {
  std::string snapshot_date;  // RFC 3339, e.g. "2017-07-24T10:00:00+02:00"
  std::string svc;            // "zk" for ZooKeeper ("etcd", "consul" for the others)
  std::string svc_endpoint;   // the server Burry read, "host:port"
  std::string target;         // "local", "s3", ...
  std::string target_endpoint;
};

// Parses `.burrymeta`. DataLoss if it is not a JSON object or a field is not a string.
Result<BurryMeta> ParseBurryMeta(ByteView json);

// An RFC 3339 time (Burry writes Go's time.RFC3339, in the zone of the machine) as
// milliseconds since the Unix epoch. InvalidArgument if malformed.
Result<int64_t> Rfc3339ToUnixMillis(std::string_view text);

}  // namespace strata::burry
