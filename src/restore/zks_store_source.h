// StoreSource: feeds a .zks object of the repository to format::ZksReader in ranged
// reads, so memory holds one chunk (4 MiB) whatever the snapshot's size. Used by the
// ZooKeeper restore and verify. One reader at a time; thread-compatible.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "backup/repository.h"
#include "format/zks_reader.h"

namespace strata::restore {

class StoreSource {
 public:
  static constexpr uint64_t kReadChunk = 4u << 20;

  // `size`: the object's size as listed; a shorter object is DataLoss.
  // REQUIRES: `repo` outlives this and the source it returns.
  StoreSource(const backup::Repository& repo, std::string key, uint64_t size)
      : repo_(repo), key_(std::move(key)), size_(size) {}
  format::ByteSource Source() {
    return [this]() -> Result<ByteView> {
      if (offset_ >= size_) return ByteView();
      STRATA_ASSIGN_OR_RETURN(buf_, repo_.store().GetRange(storage::ObjectKey(key_),
                                                           storage::ByteRange{offset_, kReadChunk}));
      if (buf_.empty()) return DataLossError(fmt::format("{}: shorter than listed", key_));
      offset_ += buf_.size();
      return ByteView(buf_);
    };
  }

 private:
  const backup::Repository& repo_;
  std::string key_;
  uint64_t size_;
  uint64_t offset_ = 0;
  Bytes buf_;
};

}  // namespace strata::restore
