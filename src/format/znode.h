// ZNode: one znode as strata's ZooKeeper formats carry it (the .zks snapshot stream and
// the reader of ZooKeeper's own snapshot files): path, data (null distinct from empty),
// ACL list, the full Stat, and the node type together with where that type came from.
// This module does not depend on the zk/ client module; zk/ converts its own types.
//
// Node types and what each source can see (docs/format-zookeeper.md, "Node types"):
// a client walk sees ephemeralOwner 0 for persistent, container and TTL znodes alike
// (ZooKeeper hides the owner encodings of the extended types from clients), so a walk
// records kPersistentOrExtended; only a server snapshot tells them apart. No source ever
// claims a type it did not see.
//
// Plain values and pure functions; PreorderChecker is thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/status.h"

namespace strata::format {

// The byte values are part of the .zks format (docs/format-zookeeper.md).
enum class NodeType : uint8_t {
  // Persistent, or a container or TTL znode that a client cannot tell from persistent.
  kPersistentOrExtended = 0,
  kPersistent = 1,  // known to be plain persistent (seen by the server)
  kEphemeral = 2,   // owned by the session in stat.ephemeral_owner
  kContainer = 3,
  kTtl = 4,  // ZNode::ttl_ms holds the TTL
};

enum class TypeSource : uint8_t {
  kClientWalk = 1,      // read through the client API (getData/getACL)
  kServerSnapshot = 2,  // read from a server snapshot (dataDir file or admin stream)
};

std::string_view NodeTypeName(NodeType type);
std::string_view TypeSourceName(TypeSource source);

struct ZnodeAcl {
  int32_t perms = 0;  // bit set: read 1, write 2, create 4, delete 8, admin 16
  std::string scheme;
  std::string id;
  friend bool operator==(const ZnodeAcl&, const ZnodeAcl&) = default;
};

// The znode Stat as ZooKeeper defines it. ephemeral_owner is the raw value the source
// reported: a client sees 0 for containers and TTL znodes, a server snapshot holds their
// encodings. num_children is -1 when the source does not record it (server snapshots
// do not: count the node's child entries instead).
struct ZnodeStat {
  int64_t czxid = 0, mzxid = 0, pzxid = 0;
  int64_t ctime = 0, mtime = 0;  // milliseconds since the epoch
  int32_t version = 0, cversion = 0, aversion = 0;
  int64_t ephemeral_owner = 0;
  int32_t data_length = 0;
  int32_t num_children = 0;
  friend bool operator==(const ZnodeStat&, const ZnodeStat&) = default;
};

struct ZNode {
  std::string path;           // absolute, e.g. "/a/b"; the root is "/"
  std::optional<Bytes> data;  // nullopt: the znode's data is null (distinct from empty)
  std::vector<ZnodeAcl> acl;
  ZnodeStat stat;
  NodeType type = NodeType::kPersistentOrExtended;
  TypeSource type_source = TypeSource::kClientWalk;
  int64_t ttl_ms = 0;  // > 0 for kTtl, 0 for every other type
  // Whether the last path component ends in a sequence suffix (HasSequentialSuffix).
  // Readers set it; writers derive it from the path and ignore this field.
  bool sequential = false;
  friend bool operator==(const ZNode&, const ZNode&) = default;
};

// True if the last component of `path` ends in ten decimal digits, the suffix ZooKeeper
// appends to sequential znodes ("%010d" of the parent's cversion). This describes the
// name only: a znode created non-sequentially with such a name matches too, and a suffix
// written after the counter overflowed ("-" and nine digits) does not.
bool HasSequentialSuffix(std::string_view path);

// The type ZooKeeper encodes in a stored ephemeralOwner (server snapshot), with the TTL
// in milliseconds for kTtl. 0 -> kPersistent; 0x8000000000000000 -> kContainer; high
// byte 0xFF with type bits 0 and a non-zero TTL -> kTtl; any other value -> kEphemeral
// (a session id). Returns FailedPrecondition for high byte 0xFF with other type bits
// (an extended type strata does not know) or a zero TTL.
struct DecodedOwner {
  NodeType type = NodeType::kPersistent;
  int64_t ttl_ms = 0;
};
Result<DecodedOwner> DecodeEphemeralOwner(int64_t ephemeral_owner);

// OK if `path` is an absolute znode path: "/" or "/" followed by non-empty components
// separated by single '/', none "." or "..", no NUL byte, no trailing '/'. Otherwise
// InvalidArgument naming the problem.
Status ValidateZnodePath(std::string_view path);

// Checks that paths arrive in pre-order below the first one (parents before children,
// each subtree contiguous). Memory: one path, whatever the tree size.
class PreorderChecker {
 public:
  // Returns InvalidArgument if `path` is not a valid path, is not below the first path
  // given (the first may be any valid path), repeats the previous path or one of its
  // ancestors, or its parent is neither the previous path nor an ancestor of it.
  // Siblings that repeat an earlier, finished subtree are not detected (that would need
  // memory proportional to the tree).
  Status Add(std::string_view path);
  // The last path accepted ("" before the first).
  const std::string& last() const { return last_; }

 private:
  std::string root_;
  std::string last_;
  bool started_ = false;
};

}  // namespace strata::format
