// ZksObjectSink: writes one ZooKeeper snapshot stream (.zks) into the repository through
// the store's streaming writer, and tallies what the manifest says about it (counts by
// type, sizes, digests). Used by every way `strata backup zookeeper` takes a snapshot
// (client walk, snapshot file, AdminServer stream). Nothing is visible under the key
// until Commit(); an uncommitted sink aborts its object when destroyed.
// Thread-compatible: one thread adds.
#pragma once

#include <memory>
#include <string>

#include "backup/repository.h"
#include "core/result.h"
#include "format/sha256.h"
#include "format/zk_manifest.h"
#include "format/znode.h"
#include "format/zks_writer.h"
#include "storage/object_store.h"

namespace strata::backup {

class ZksObjectSink {
 public:
  // Opens a create-only writer for `key`. The store's errors (AlreadyExists if the key
  // is taken), or the ZksWriter's for a bad zstd level.
  static Result<std::unique_ptr<ZksObjectSink>> Open(const Repository& repo, const std::string& key, int zstd_level);
  ~ZksObjectSink();

  // Appends one znode (pre-order). The ZksWriter's errors (InvalidArgument for an entry
  // out of order or of a type its source cannot see) or the store's.
  Status Add(const format::ZNode& node);
  // Ends the stream and makes the object visible; fills the manifest's key, bytes,
  // digests, counts and sizes. The store's errors; AlreadyExists if the key appeared.
  Status Commit(format::ZkManifest* manifest);

  const format::ZkCounts& counts() const { return counts_; }
  uint64_t data_bytes() const { return data_bytes_; }
  // Whether the last znode added had a digest ACL id redacted to "user:x".
  static bool HasRedactedAcl(const format::ZNode& node);

 private:
  ZksObjectSink(const Repository& repo, std::string key) : repo_(repo), key_(std::move(key)) {}
  Status Write(ByteView chunk);

  const Repository& repo_;
  std::string key_;
  std::unique_ptr<storage::ObjectWriter> object_;
  std::unique_ptr<format::ZksWriter> zks_;
  format::Sha256 sha_;
  uint64_t object_bytes_ = 0;
  uint64_t data_bytes_ = 0;
  format::ZkCounts counts_;
  uint64_t largest_ = 0;
  std::string largest_path_;
  uint64_t max_children_ = 0;
  std::string max_children_path_;
  bool committed_ = false;
};

}  // namespace strata::backup
