#include "storage/memory/memory_store.h"

#include <gtest/gtest.h>

#include <string>

#include "storage/store_conformance.h"

namespace strata::storage {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, StoreConformanceTest,
                         ::testing::Values(StoreConformanceParam(
                             "memory", [] { return std::make_unique<MemoryStore>(); })),
                         StoreConformanceParamName);

TEST(MemoryStoreTest, RejectsNonPortableKeys) {
  MemoryStore store;
  for (const char* key : {"", "/abs", "a//b", "a/../b", "a/"}) {
    EXPECT_EQ(store.Put(ObjectKey(key), "x").code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store.Get(ObjectKey(key)).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store.NewWriter(ObjectKey(key)).status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(store.object_count(), 0u);
}

TEST(MemoryStoreTest, SharedByNameSeesSameObjects) {
  auto a = MemoryStore::Shared("memory_store_test_shared");
  auto b = MemoryStore::Shared("memory_store_test_shared");
  auto other = MemoryStore::Shared("memory_store_test_other");
  ASSERT_TRUE(a->Put(ObjectKey("k"), "v").ok());
  auto got = b->Get(ObjectKey("k"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "v");
  EXPECT_EQ(other->Get(ObjectKey("k")).status().code(), StatusCode::kNotFound);
  a.reset();
  b.reset();
  // Named stores outlive their handles.
  EXPECT_TRUE(MemoryStore::Shared("memory_store_test_shared")->Get(ObjectKey("k")).ok());
}

TEST(MemoryStoreTest, WriterOutlivesStoreHandle) {
  auto store = std::make_unique<MemoryStore>();
  auto writer = store->NewWriter(ObjectKey("k"));
  ASSERT_TRUE(writer.ok());
  store.reset();
  ASSERT_TRUE((*writer)->Append("data").ok());
  EXPECT_TRUE((*writer)->Commit().ok());
}

TEST(MemoryStoreTest, DescribeAndCounters) {
  MemoryStore store("dry-run");
  EXPECT_EQ(store.Describe(ObjectKey("a/b")), "mem://dry-run/a/b");
  ASSERT_TRUE(store.Put(ObjectKey("a"), "123").ok());
  ASSERT_TRUE(store.Put(ObjectKey("b"), "45").ok());
  EXPECT_EQ(store.object_count(), 2u);
  EXPECT_EQ(store.total_bytes(), 5u);
}

TEST(MemoryStoreTest, EqualContentHasEqualEtag) {
  MemoryStore store;
  ASSERT_TRUE(store.Put(ObjectKey("a"), "same").ok());
  ASSERT_TRUE(store.Put(ObjectKey("b"), "same").ok());
  ASSERT_TRUE(store.Put(ObjectKey("c"), "different").ok());
  auto a = store.Head(ObjectKey("a"));
  auto b = store.Head(ObjectKey("b"));
  auto c = store.Head(ObjectKey("c"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_FALSE(a->etag.empty());
  EXPECT_EQ(a->etag, b->etag);
  EXPECT_NE(a->etag, c->etag);
}

}  // namespace
}  // namespace strata::storage
