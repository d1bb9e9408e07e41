// ServerSnapshotReader: reads ZooKeeper's own snapshot files (dataDir/version-2/
// snapshot.<zxid>, and what ZooKeeper 3.9's AdminServer `snapshot?streaming=true` sends:
// the same bytes) and yields their znodes as ZNode entries with exact types
// (TypeSource::kServerSnapshot), in pre-order, without the /zookeeper subtree.
//
// The file layout (jute encoding, big-endian), as ZooKeeper 3.5-3.9 writes it, is
// described in docs/format-zookeeper.md, "ZooKeeper's snapshot files": FileHeader, the
// session map, the ACL cache, the nodes in a depth-first walk from the root until the
// path "/", then one to three Adler-32 seals with the optional digest and last processed
// zxid between them. Only uncompressed snapshots are read (the default method); gzip and
// snappy ones are recognised and refused.
//
// Streaming: memory holds the ACL cache and one node, never the tree.
// Thread-compatible: one thread at a time. Not copyable.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "format/byte_stream.h"
#include "format/jute_input.h"
#include "format/znode.h"

namespace strata::format {

// The tree digest a 3.6+ server stores after the first seal (zookeeper.digest.enabled).
struct SnapshotDigest {
  int64_t zxid = 0;     // the zxid the digest is for; 0 when the server had none
  int32_t version = 0;  // digest algorithm version (2 since 3.6.0)
  int64_t value = 0;
};

// What the snapshot holds besides the nodes; complete once Next() has returned false.
struct ServerSnapshotInfo {
  int64_t dbid = 0;        // FileHeader.dbid (ZooKeeper writes -1)
  uint64_t sessions = 0;   // sessions in the file (ephemeral owners)
  uint64_t acl_lists = 0;  // entries of the ACL cache
  uint64_t nodes = 0;      // nodes in the file, the root and /zookeeper included
  uint64_t skipped = 0;    // nodes of the /zookeeper subtree, not returned
  std::optional<SnapshotDigest> digest;
  // Written by 3.9 with zookeeper.serializeLastProcessedZxid.enabled (the default).
  std::optional<int64_t> last_processed_zxid;
};

class ServerSnapshotReader {
 public:
  explicit ServerSnapshotReader(ByteSource source);
  ServerSnapshotReader(const ServerSnapshotReader&) = delete;
  ServerSnapshotReader& operator=(const ServerSnapshotReader&) = delete;

  // Reads the next znode into `node` (reusing its buffers): true with a node, the root
  // first as "/"; false once the end marker and every seal have been read and verified.
  // Each node's type comes from its stored ephemeralOwner (DecodeEphemeralOwner), its
  // stat.num_children is -1 (not stored) and its stat.data_length the data's length.
  // Errors:
  //   FailedPrecondition: not a snapshot (bad magic), a file version other than 2, a
  //     gzip- or snappy-compressed snapshot, or an ephemeralOwner of an unknown extended
  //     type (each message says which);
  //   DataLoss: truncation, a seal (Adler-32) mismatch, malformed or out-of-order nodes,
  //     an ACL reference missing from the cache, unexpected bytes at the end; the
  //     message names the node count and the last path read;
  //   the source's own error, unchanged.
  // After an error every further call returns the same error.
  Result<bool> Next(ZNode* node);

  const ServerSnapshotInfo& info() const { return info_; }

 private:
  Status ReadPreamble();
  Status ReadAclCache();
  // Reads one node record into `node`; *end = true at the end marker.
  Status ReadNode(ZNode* node, bool* end);
  Status ReadSeals();
  Status CheckSeal(ByteView tail, size_t at, uint32_t base);
  Status ParseTail(ByteView tail, uint32_t base);
  Status Fail(Status s);
  std::string Where() const;

  JuteInput in_;
  std::unordered_map<int64_t, std::vector<ZnodeAcl>> acls_;
  PreorderChecker order_;
  ServerSnapshotInfo info_;
  std::string path_;  // scratch for the raw path
  bool started_ = false;
  bool done_ = false;
  Status error_;
};

}  // namespace strata::format
