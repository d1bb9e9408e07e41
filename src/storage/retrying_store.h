// RetryingStore: wraps another ObjectStore and retries its transient failures
// (Unavailable, DeadlineExceeded) with backoff and jitter (core/retry.h), within each
// call's deadline and cancellation. Other errors pass through unchanged.
//
// What is retried, and why it is safe:
//   * Get, GetRange, Head, List, Delete, NewWriter: repeating them has no extra effect
//     (deleting a missing key is OK; an abandoned NewWriter is aborted).
//   * Put: a replace is idempotent. A create-only put (if_absent) whose first attempt
//     landed but whose reply was lost would then see AlreadyExists; so when a retried
//     create-only put gets AlreadyExists, the object is read back, and if it holds
//     exactly our bytes the put counts as done.
//   * ObjectWriter::Append: ObjectWriter promises that a transient Append error took
//     none of the data, so the same Append is repeated.
//   * ObjectWriter::Commit is never retried: after Commit the writer accepts nothing
//     more, and whether a lost reply means "committed" is for the backend to settle.
// Retries are logged on the "storage" logger at warning level, at most one line every
// few seconds per store (the rest are counted in the next line).
//
// Thread-safe if the wrapped store is. Writers may outlive the RetryingStore.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/retry.h"
#include "storage/object_store.h"

namespace strata::storage {

class RetryingStore final : public ObjectStore {
 public:
  // Retries calls to `inner` by `policy`. `sleep` waits between attempts; empty means
  // really sleeping (tests pass one that returns at once).
  RetryingStore(std::unique_ptr<ObjectStore> inner, RetryPolicy policy, SleepFunction sleep = {});
  ~RetryingStore() override;

  // Each returns what the wrapped store returns for the first attempt that succeeds or
  // fails permanently. When retries run out it returns the last transient error, its
  // message prefixed with "gave up after N attempts"; DeadlineExceeded or Cancelled
  // when the call's deadline or cancellation stops retrying (see core/retry.h).
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
  // The wrapped store's description.
  std::string Describe(const ObjectKey& key) const override;

  ObjectStore& inner() { return *inner_; }

  // Shared with writers; defined in retrying_store.cc.
  class Retrier;

 private:
  std::unique_ptr<ObjectStore> inner_;
  // shared_ptr: writers keep using the retry settings and the log throttle after the
  // store that made them is gone.
  std::shared_ptr<Retrier> retrier_;
};

}  // namespace strata::storage
