// ZkManifest: the commit point of a ZooKeeper backup (docs/format.md, "ZooKeeper
// manifest"): which .zks object holds the snapshot, where it came from, the zxid range it
// is consistent within, counts by type, sizes, excluded paths, quotas and warnings.
// Pure data plus JSON encoding and validating decoding. Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace strata::format {

inline constexpr std::string_view kZkManifestFormat = "strata-zookeeper-manifest";
inline constexpr int kZkManifestVersion = 1;

// How the snapshot was taken.
inline constexpr std::string_view kZkMethodWalk = "walk";                      // client reads
inline constexpr std::string_view kZkMethodSnapshotFile = "snapshot-file";     // dataDir file
inline constexpr std::string_view kZkMethodAdminSnapshot = "admin-snapshot";   // 3.9 AdminServer

struct ZkQuota {
  std::string path;    // relative to the backup's root, like the snapshot's paths
  std::string limits;  // the zookeeper_limits data as stored, e.g. "count=10,bytes=-1"
  friend bool operator==(const ZkQuota&, const ZkQuota&) = default;
};

struct ZkConsistency {
  // Every znode in the snapshot is as it was at some zxid in [zxid_start, zxid_end].
  // nullopt: not known (see zxid_source).
  std::optional<int64_t> zxid_start;
  std::optional<int64_t> zxid_end;
  // "srvr" (the server's own zxid, read before and after the walk), "stat" (srvr refused:
  // only znode Stats are known), "snapshot" (from ZooKeeper's snapshot file).
  std::string zxid_source;
  int64_t max_zxid_seen = 0;  // largest czxid, mzxid or pzxid in the snapshot
  // True when the snapshot is exactly the state at zxid_start: no transaction happened
  // during the walk (zxid_start == zxid_end) and every znode read was stable.
  bool exact = false;
  uint64_t changed = 0;                  // znodes with a zxid above zxid_start
  std::vector<std::string> changed_sample;  // up to 100 of their paths
  uint64_t vanished = 0;   // listed, then deleted before they were read
  uint64_t reread = 0;     // read again because they changed between their replies
  uint64_t unstable = 0;   // still changing after every re-read
  friend bool operator==(const ZkConsistency&, const ZkConsistency&) = default;
};

struct ZkCounts {
  uint64_t znodes = 0;
  uint64_t persistent = 0;              // known persistent (server snapshot)
  uint64_t persistent_or_extended = 0;  // client walk: persistent, container or TTL
  uint64_t ephemeral = 0;
  uint64_t container = 0;
  uint64_t ttl = 0;
  uint64_t sequential = 0;    // names with a sequence suffix
  uint64_t acl_redacted = 0;  // znodes with a digest id redacted to "user:x"
  friend bool operator==(const ZkCounts&, const ZkCounts&) = default;
};

// Set when the snapshot was converted from another tool's backup (`strata import`), not
// read from ZooKeeper by strata: what the source recorded and what it lost. An optional
// field of version 1: older readers ignore it, and the snapshot itself is a normal .zks.
struct ZkImport {
  std::string tool;           // "burry", "zoocreeper"
  std::string archive;        // where it was read: a path or URL
  std::string source_id;      // the tool's own snapshot id, e.g. Burry's "1483193387"
  std::string source_date;    // the tool's snapshot time as it recorded it, "" if unknown
  std::string acl;            // the ACL every imported znode got, e.g. "world:anyone:cdrwa"; "" if kept
  std::vector<std::string> not_recorded;  // e.g. "acl", "stat", "type", "zxid"
  uint64_t implied = 0;       // znodes the archive implied (a path below them) but did not hold
  uint64_t skipped = 0;       // znodes left out (/zookeeper)
  friend bool operator==(const ZkImport&, const ZkImport&) = default;
};

struct ZkManifest {
  std::string id;        // "<time>-<zxid as 16 hex digits>", the keys' stem
  std::string ensemble;  // the repository's name for the ensemble
  std::string created;   // ISO 8601 UTC
  std::string strata_version;
  // Source.
  std::string method;          // kZkMethod*
  std::string connect;         // server list, without chroot or credentials
  std::string chroot;          // "" or "/kafka": the snapshot's "/" is this path
  std::string server;          // the server read from ("host:port") or the admin URL
  std::string server_version;  // as the server reported it, "" if unknown
  std::string snapshot_file;   // method snapshot-file: the file read
  // The snapshot object.
  std::string key;
  uint64_t bytes = 0;        // object size
  uint64_t entry_bytes = 0;  // uncompressed entry records (the trailer's)
  uint64_t data_bytes = 0;   // znode data (the trailer's)
  uint32_t crc32c = 0;       // the trailer's CRC-32C
  std::string sha256;        // of the whole object, lowercase hex
  ZkConsistency consistency;
  ZkCounts counts;
  uint64_t largest_znode_bytes = 0;
  std::string largest_znode;
  uint64_t max_children = 0;  // walk only (server snapshots do not store child counts)
  std::string max_children_znode;
  std::vector<std::string> excluded;  // subtrees left out, relative to the root
  std::vector<ZkQuota> quotas;        // quota limits under the root, as intent
  std::vector<std::string> warnings;
  std::optional<ZkImport> imported;  // JSON "import"; absent for strata's own backups
  friend bool operator==(const ZkManifest&, const ZkManifest&) = default;
};

// Pretty-printed JSON with the fields in a fixed order; zxids as "0x" + 16 hex digits.
std::string ZkManifestToJson(const ZkManifest& manifest);

// Parses and validates. `where` names the object in messages. FailedPrecondition for
// another format or a version other than kZkManifestVersion; DataLoss for invalid JSON,
// missing or mistyped fields, or values out of range (a key not ending in .zks, a zxid
// that is not hex, zxid_start after zxid_end). Unknown fields are ignored.
Result<ZkManifest> ParseZkManifest(ByteView json, std::string_view where);

// "0x" + 16 lowercase hex digits, and back (InvalidArgument if malformed).
std::string ZxidHex(int64_t zxid);
Result<int64_t> ParseZxidHex(std::string_view text);

}  // namespace strata::format
