// PrefixStore: presents the objects under "<prefix>/" in another store as a store of its
// own, so that several repositories can share one bucket (s3://bucket/team-a) or one
// named memory store. Key "k" is stored as "<prefix>/k"; List and Describe translate
// both ways, and keys outside the prefix are never seen. Keys must be portable
// (store_checks.h; InvalidArgument otherwise), so that none can reach outside the prefix
// ("../other/k") whatever the wrapped store makes of such names.
//
// Thread-safe if the wrapped store is. Writers may outlive the PrefixStore.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/object_store.h"

namespace strata::storage {

class PrefixStore final : public ObjectStore {
 public:
  // Wraps `inner` under `prefix` ("team-a", "backups/prod"; one trailing '/' is
  // ignored). InvalidArgument if the prefix is empty or not a portable key (see
  // store_checks.h).
  static Result<std::unique_ptr<PrefixStore>> Create(std::unique_ptr<ObjectStore> inner,
                                                     std::string_view prefix);

  // Each returns what the wrapped store returns for the prefixed key, with keys in
  // results (ObjectInfo::key, listed keys) relative to the prefix again.
  Status Put(const ObjectKey& key, ByteView data, const WriteOptions& options = {},
             const CallOptions& call = {}) override;
  Result<Bytes> Get(const ObjectKey& key, const CallOptions& call = {}) override;
  Result<Bytes> GetRange(const ObjectKey& key, ByteRange range,
                         const CallOptions& call = {}) override;
  Result<ObjectInfo> Head(const ObjectKey& key, const CallOptions& call = {}) override;
  Result<ListPage> List(std::string_view prefix, std::string_view start_after,
                        int max_keys = 1000, const CallOptions& call = {}) override;
  Status Delete(const ObjectKey& key, const CallOptions& call = {}) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(const ObjectKey& key,
                                                  const WriteOptions& options = {},
                                                  const CallOptions& call = {}) override;
  // The wrapped store's description of the prefixed key: "s3://bucket/team-a/k".
  std::string Describe(const ObjectKey& key) const override;

  // The prefix, with its trailing '/': "team-a/".
  const std::string& prefix() const { return prefix_; }

 private:
  PrefixStore(std::unique_ptr<ObjectStore> inner, std::string prefix);
  ObjectKey Inner(const ObjectKey& key) const { return ObjectKey(prefix_ + key.str()); }

  std::unique_ptr<ObjectStore> inner_;
  const std::string prefix_;  // ends in '/'
};

}  // namespace strata::storage
