#include "storage/chunked_reader.h"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace strata::storage {
namespace {

constexpr uint64_t kDownloadChunk = 8u << 20;

}  // namespace

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

Result<std::string> DownloadToTempFile(ObjectStore& store, const ObjectKey& key,
                                       const std::string& dir) {
  STRATA_ASSIGN_OR_RETURN(ObjectInfo info, store.Head(key));
  std::string path = dir + "/strata-import-XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0) return FailedPreconditionError(fmt::format("create a temporary file in {}: {}", dir, std::strerror(errno)));
  FILE* f = ::fdopen(fd, "wb");
  auto fail = [&](Status s) {
    if (f != nullptr) std::fclose(f);
    std::remove(path.c_str());
    return s;
  };
  ChunkedReader object(store, key, info.size, kDownloadChunk);
  for (;;) {
    auto chunk = object.Next();
    if (!chunk.ok()) return fail(chunk.status());
    if (chunk->empty()) break;
    if (std::fwrite(chunk->data(), 1, chunk->size(), f) != chunk->size()) {
      return fail(FailedPreconditionError(fmt::format("write {}: {}", path, std::strerror(errno))));
    }
  }
  if (std::fclose(f) != 0) {
    f = nullptr;
    return fail(FailedPreconditionError(fmt::format("write {}: {}", path, std::strerror(errno))));
  }
  return path;
}

}  // namespace strata::storage
