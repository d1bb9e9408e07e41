// ObjectStore: the repository where backups live, seen as a flat set of immutable objects
// addressed by key (an object store, not a filesystem). Backends: local directory
// (storage/local), S3-compatible (storage/s3), memory (storage/memory, for tests and dry
// runs). Open one from a URL with OpenStore() (storage/open_store.h).
//
// Keys are relative to the repository root ("kafka/c1/snapshots/x.json"); a backend maps
// them onto its namespace (a directory, a bucket + prefix).
//
// Every implementation is safe for concurrent use from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/deadline.h"
#include "core/result.h"
#include "core/status.h"

namespace strata::storage {

// A key inside the repository. A strong type so keys and other strings do not mix.
class ObjectKey {
 public:
  explicit ObjectKey(std::string key) : key_(std::move(key)) {}
  const std::string& str() const { return key_; }
  friend bool operator==(const ObjectKey&, const ObjectKey&) = default;
  friend auto operator<=>(const ObjectKey&, const ObjectKey&) = default;

 private:
  std::string key_;
};

// Per-call controls. The default has no deadline and cannot be cancelled.
struct CallOptions {
  Deadline deadline = Deadline::Infinite();
  CancelToken cancel;
};

struct ObjectInfo {
  std::string key;          // relative to the repository root
  uint64_t size = 0;        // bytes
  std::string etag;         // backend's entity tag; "" where the backend has none
  int64_t mtime_unix_ms = 0;
};

struct ListPage {
  std::vector<ObjectInfo> objects;  // in lexicographic (byte) order of key
  bool truncated = false;           // more keys follow the last one returned
};

// [offset, offset + length) of an object; length unset means "to the end".
struct ByteRange {
  uint64_t offset = 0;
  std::optional<uint64_t> length;
};

// Streams one large object into the store. Nothing is visible under the key until
// Commit() returns OK. Destroying an uncommitted writer aborts it and leaves nothing behind.
// Not safe for concurrent use: one thread writes.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  // Appends bytes. May block while earlier parts upload (that is what bounds memory).
  // A transient error (IsTransient) means none of `data` was taken and the writer is still
  // usable, so the same Append may be repeated (RetryingStore relies on this; without it a
  // wrapper could not tell how much of a failed Append landed). After any other error the
  // writer is broken: Commit fails, and the caller should Abort.
  virtual Status Append(ByteView data) = 0;
  // Makes the object visible. AlreadyExists if the writer was create-only and the key
  // appeared meanwhile. After Commit (OK or not) the writer accepts nothing more.
  virtual Result<ObjectInfo> Commit() = 0;
  // Discards everything written; safe to call more than once.
  virtual void Abort() = 0;
};

struct WriteOptions {
  // Fail with AlreadyExists instead of replacing an existing object.
  bool if_absent = false;
  // The CRC-32C of the data, if the caller has it already (a segment's, computed as it
  // was built): a store that sends one with the data (S3) then skips a pass over it. The
  // server checks it, so a wrong value fails the write.
  std::optional<uint32_t> crc32c = std::nullopt;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Atomically creates or replaces `key`: readers see all of the new bytes or none.
  // With options.if_absent, returns AlreadyExists if the key exists (and writes nothing).
  virtual Status Put(const ObjectKey& key, ByteView data, const WriteOptions& options = {},
                     const CallOptions& call = {}) = 0;

  // The whole object. NotFound if `key` does not exist.
  virtual Result<Bytes> Get(const ObjectKey& key, const CallOptions& call = {}) = 0;

  // Part of an object. NotFound if missing; OutOfRange if range.offset > size. A range
  // that runs past the end is cut at the end.
  virtual Result<Bytes> GetRange(const ObjectKey& key, ByteRange range,
                                 const CallOptions& call = {}) = 0;

  // Size and tag of an object. NotFound if missing.
  virtual Result<ObjectInfo> Head(const ObjectKey& key, const CallOptions& call = {}) = 0;

  // Up to `max_keys` keys that start with `prefix` and sort after `start_after`, in
  // lexicographic byte order. Page on with start_after = last key returned.
  // InvalidArgument if max_keys < 1 (a page of nothing could never make progress).
  virtual Result<ListPage> List(std::string_view prefix, std::string_view start_after,
                                int max_keys = 1000, const CallOptions& call = {}) = 0;

  // Removes `key`. Deleting a missing key is OK.
  virtual Status Delete(const ObjectKey& key, const CallOptions& call = {}) = 0;

  // A streaming writer for a large object (multipart upload on S3).
  virtual Result<std::unique_ptr<ObjectWriter>> NewWriter(const ObjectKey& key,
                                                          const WriteOptions& options = {},
                                                          const CallOptions& call = {}) = 0;

  // Where `key` lives, for messages: "s3://bucket/prefix/key", "file:///dir/key".
  virtual std::string Describe(const ObjectKey& key) const = 0;
};

// Lists every key under `prefix` (all pages). Meant for small listings (manifests).
Result<std::vector<ObjectInfo>> ListAll(ObjectStore& store, std::string_view prefix,
                                        const CallOptions& call = {});

}  // namespace strata::storage
