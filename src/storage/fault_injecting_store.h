// FaultInjectingStore: wraps another ObjectStore and makes chosen calls fail, for tests
// of retry logic and of code that must survive a store misbehaving: the Nth call, the
// next N calls, or a random fraction of calls of one operation fail with a given Status;
// and a Put can be cut off after K bytes (a connection lost mid-upload) without the
// partial object becoming visible.
//
// A fault either stops the call before it reaches the wrapped store (kBeforeCall: the
// store is unchanged), or lets the call run and then replaces its result (kAfterCall:
// the reply was lost, as when a server applied a request but the connection died).
// Calls that do not fail are passed through unchanged.
//
// Thread-safe if the wrapped store is; faults may be added while other threads call.
// Writers may outlive the FaultInjectingStore.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "storage/object_store.h"

namespace strata::storage {

// The calls a fault can target. kAppend and kCommit are the writer's methods.
enum class StoreOp {
  kAny,
  kPut,
  kGet,
  kGetRange,
  kHead,
  kList,
  kDelete,
  kNewWriter,
  kAppend,
  kCommit,
};

enum class FaultTiming { kBeforeCall, kAfterCall };

class FaultInjectingStore final : public ObjectStore {
 public:
  explicit FaultInjectingStore(std::unique_ptr<ObjectStore> inner);
  ~FaultInjectingStore() override;

  // Fails the `n`th call of `op` (1-based, counted from now; kAny counts every call)
  // with `status`, once. REQUIRES: n >= 1; !status.ok(); not (op == kAppend and timing
  // == kAfterCall), which would break ObjectWriter's promise that a failed Append took
  // nothing (for the same reason a kAny fault with kAfterCall skips Appends).
  void FailNth(StoreOp op, int n, Status status, FaultTiming timing = FaultTiming::kBeforeCall);
  // Fails the next `count` calls of `op` with `status`. REQUIRES as for FailNth.
  void FailNext(StoreOp op, int count, Status status,
                FaultTiming timing = FaultTiming::kBeforeCall);
  // Fails each call of `op` with probability `fraction` (0..1) from a generator seeded
  // with `seed`, so a single-threaded test sees the same failures every run.
  // REQUIRES as for FailNth.
  void FailFraction(StoreOp op, double fraction, Status status, uint64_t seed = 1,
                    FaultTiming timing = FaultTiming::kBeforeCall);
  // The next Put sends only the first `bytes` bytes to the wrapped store, through a
  // writer that is then aborted, and returns `status`. Nothing becomes visible; this
  // checks that the wrapped store cleans up after a partial upload.
  void TruncateNextPut(uint64_t bytes, Status status);
  // Removes every fault (counts are kept).
  void ClearFaults();

  // Calls of `op` made so far, failed or not; kAny: all calls.
  int calls(StoreOp op) const;

  ObjectStore& inner() { return *inner_; }

  // Each method returns the injected status when a fault fires, else what the wrapped
  // store returns.
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
  std::string Describe(const ObjectKey& key) const override;

  // The fault rules and counters; defined in fault_injecting_store.cc.
  class Faults;

 private:
  std::unique_ptr<ObjectStore> inner_;
  // shared_ptr: writers consult the same rules and counters, and may outlive the store.
  std::shared_ptr<Faults> faults_;
};

}  // namespace strata::storage
