#include "storage/chunked_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace strata::storage {

ChunkedReader::ChunkedReader(ObjectStore& store, ObjectKey key, uint64_t size, uint64_t chunk)
    : store_(store), key_(std::move(key)), size_(size), chunk_(std::max<uint64_t>(chunk, 1)) {}

Result<ByteView> ChunkedReader::Next() {
  if (offset_ >= size_) return ByteView();
  STRATA_ASSIGN_OR_RETURN(buf_, store_.GetRange(key_, ByteRange{offset_, std::min(chunk_, size_ - offset_)}));
  if (buf_.empty()) {
    return DataLossError(fmt::format("{} ends at byte {}, before its size of {} bytes", store_.Describe(key_),
                                     offset_, size_));
  }
  offset_ += buf_.size();
  return ByteView(buf_);
}

}  // namespace strata::storage
