// MemoryStore: an ObjectStore that keeps objects in process memory. Used by unit tests
// and by --dry-run (mem:// repositories). It follows the ObjectStore contract exactly,
// including the portable key rules of storage/store_checks.h, so code that works against
// it also works against the real backends.
//
// Stores opened by name with Shared() live until the process exits; a store made with
// the constructor lives while a handle to it (or one of its writers) does.
//
// Thread-safe: all methods may be called concurrently. Writers follow ObjectWriter's rule
// (one thread per writer).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/object_store.h"

namespace strata::storage {

class MemoryStore final : public ObjectStore {
 public:
  // A new, empty store. `name` only appears in Describe(): "mem://<name>/<key>".
  explicit MemoryStore(std::string name = "memory");

  // A handle on the process-wide store called `name`, created empty on first use. Every
  // handle with the same name sees the same objects.
  static std::unique_ptr<MemoryStore> Shared(std::string_view name);

  // Errors of all methods: InvalidArgument for a key that is not portable; Cancelled or
  // DeadlineExceeded if `call` says so before the work starts. Beyond those:
  //   Put: AlreadyExists with if_absent when the key exists.
  //   Get, Head: NotFound.
  //   GetRange: NotFound; OutOfRange if range.offset > size.
  //   List: InvalidArgument if max_keys < 1.
  //   NewWriter: none; the writer's Commit returns AlreadyExists (if_absent) or
  //   FailedPrecondition if it was already committed or aborted.
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
  // "mem://<name>/<key>".
  std::string Describe(const ObjectKey& key) const override;

  // The objects held, and their total size in bytes (for tests and dry-run reports).
  size_t object_count() const;
  uint64_t total_bytes() const;

  struct State;  // defined in memory_store.cc

 private:
  explicit MemoryStore(std::shared_ptr<State> state);

  // shared_ptr: handles opened by the same name share one State, and a writer keeps the
  // State alive so that it stays valid after the handle that created it is destroyed.
  std::shared_ptr<State> state_;
};

}  // namespace strata::storage
