#include "backup/segment_uploader.h"

#include <gtest/gtest.h>

#include "core/crc32c.h"
#include "storage/memory/memory_store.h"

namespace strata::backup {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

Bytes Filled(size_t size) {
  Bytes b;
  b.reserve(size);
  b.assign(size, 'x');
  return b;
}

TEST(BufferRecyclerTest, ReusesTheStorageOfAGivenBuffer) {
  BufferRecycler recycler(8 * kMiB);
  Bytes b = Filled(2 * kMiB);
  const char* storage = b.data();
  recycler.Give(std::move(b));
  Bytes again = recycler.Take(kMiB);
  EXPECT_EQ(again.data(), storage);
  EXPECT_TRUE(again.empty());
  EXPECT_GE(again.capacity(), 2 * kMiB);
}

TEST(BufferRecyclerTest, GrowsATooSmallBufferAndMakesNewOnesWhenEmpty) {
  BufferRecycler recycler(8 * kMiB);
  EXPECT_GE(recycler.Take(3 * kMiB).capacity(), 3 * kMiB);
  recycler.Give(Filled(kMiB + 1));
  Bytes b = recycler.Take(4 * kMiB);
  EXPECT_TRUE(b.empty());
  EXPECT_GE(b.capacity(), 4 * kMiB);
}

TEST(BufferRecyclerTest, KeepsNoMoreThanItsLimit) {
  BufferRecycler recycler(3 * kMiB);
  Bytes first = Filled(2 * kMiB);
  const char* first_storage = first.data();
  recycler.Give(std::move(first));
  recycler.Give(Filled(2 * kMiB));  // over the limit: freed
  Bytes got = recycler.Take(kMiB);
  EXPECT_EQ(got.data(), first_storage);
  // Nothing else was kept: a new buffer of just the size asked for.
  EXPECT_LT(recycler.Take(kMiB).capacity(), 2 * kMiB);
}

TEST(SegmentUploaderTest, UploadsAndHandsTheBuffersBack) {
  storage::MemoryStore store;
  BufferRecycler recycler(64 * kMiB);
  {
    SegmentUploader uploader(store, 2, 16 * kMiB, CancelToken(), &recycler);
    Bytes data = Filled(2 * kMiB);
    uint32_t crc = Crc32c(data);
    std::vector<UploadItem> items;
    items.push_back({"a/segment.log", std::move(data), crc});
    items.push_back({"a/segment.log.idx", "index", std::nullopt});
    ASSERT_TRUE(uploader.Submit(std::move(items), nullptr).ok());
    ASSERT_TRUE(uploader.Finish().ok());
    EXPECT_EQ(uploader.uploaded_bytes(), 2 * kMiB + 5);
  }
  auto stored = store.Get(storage::ObjectKey("a/segment.log"));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), 2 * kMiB);
  EXPECT_GE(recycler.Take(kMiB).capacity(), 2 * kMiB);
}

}  // namespace
}  // namespace strata::backup
