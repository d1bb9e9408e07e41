// StoreSource: feeds a .zks object of the repository to format::ZksReader in ranged
// reads (storage::ChunkedReader), so memory holds one chunk (4 MiB) whatever the
// snapshot's size. Used by the ZooKeeper restore and verify. One reader at a time;
// thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "backup/repository.h"
#include "format/zks_reader.h"
#include "storage/chunked_reader.h"

namespace strata::restore {

class StoreSource {
 public:
  static constexpr uint64_t kReadChunk = 4u << 20;

  // `size`: the object's size as listed; a shorter object is DataLoss.
  // REQUIRES: `repo` outlives this and the source it returns.
  StoreSource(const backup::Repository& repo, std::string key, uint64_t size)
      : reader_(repo.store(), storage::ObjectKey(std::move(key)), size, kReadChunk) {}
  format::ByteSource Source() {
    return [this]() { return reader_.Next(); };
  }

 private:
  storage::ChunkedReader reader_;
};

}  // namespace strata::restore
