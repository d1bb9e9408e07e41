// ChunkedReader: reads one object front to back in ranged GETs of a fixed size, so
// memory holds one chunk whatever the object's size. Used wherever a whole object is
// streamed (ZooKeeper snapshots in restore and verify, imported Spredfast objects,
// Burry archives). Thread-compatible; one reader per object.
#pragma once

#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "storage/object_store.h"

namespace strata::storage {

class ChunkedReader {
 public:
  // `size`: the object's size as listed or from Head; the reader asks for no byte past
  // it. `chunk` > 0. REQUIRES: `store` outlives the reader.
  ChunkedReader(ObjectStore& store, ObjectKey key, uint64_t size, uint64_t chunk);

  // The next piece (at most `chunk` bytes, valid until the next call), or an empty view
  // at the end. DataLoss naming the object if it ends before `size`; the store's errors
  // (NotFound if it was deleted meanwhile) as they are.
  Result<ByteView> Next();

  uint64_t offset() const { return offset_; }
  uint64_t size() const { return size_; }

 private:
  ObjectStore& store_;
  ObjectKey key_;
  uint64_t size_;
  uint64_t chunk_;
  uint64_t offset_ = 0;
  Bytes buf_;
};

// Copies the object `key` of `store` into a new file in directory `dir` (8 MiB ranges,
// so memory stays bounded) and returns the file's path; the caller deletes it. NotFound
// if the object is missing; the store's errors; FailedPrecondition if the file cannot be
// written. Used where a library needs a local file (libzip, zlib's gz reader).
Result<std::string> DownloadToTempFile(ObjectStore& store, const ObjectKey& key, const std::string& dir);

}  // namespace strata::storage
