#include "storage/prefix_store.h"

#include <gtest/gtest.h>

#include <memory>

#include "storage/memory/memory_store.h"
#include "storage/store_conformance.h"

namespace strata::storage {
namespace {

std::unique_ptr<ObjectStore> PrefixedMemory() {
  auto inner = std::make_unique<MemoryStore>("shared");
  // Neighbours that must never show through the prefix.
  for (const char* k : {"team", "team-a", "team0/y", "teamx/z", "a"}) {
    if (!inner->Put(ObjectKey(k), "neighbour").ok()) return nullptr;
  }
  auto store = PrefixStore::Create(std::move(inner), "team/");
  return store.ok() ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Prefix, StoreConformanceTest,
                         ::testing::Values(StoreConformanceParam("memory", PrefixedMemory)),
                         StoreConformanceParamName);

TEST(PrefixStoreTest, MapsKeysUnderPrefix) {
  auto memory = std::make_unique<MemoryStore>("m");
  MemoryStore* inner = memory.get();
  auto store = PrefixStore::Create(std::move(memory), "backups/prod");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->prefix(), "backups/prod/");
  ASSERT_TRUE((*store)->Put(ObjectKey("k/1"), "v").ok());
  EXPECT_TRUE(inner->Get(ObjectKey("backups/prod/k/1")).ok());
  EXPECT_EQ((*store)->Describe(ObjectKey("k/1")), "mem://m/backups/prod/k/1");
  auto head = (*store)->Head(ObjectKey("k/1"));
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->key, "k/1");
  auto writer = (*store)->NewWriter(ObjectKey("w"));
  ASSERT_TRUE(writer.ok());
  auto info = (*writer)->Commit();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->key, "w");
}

TEST(PrefixStoreTest, RejectsBadPrefixesAndEscapingKeys) {
  for (const char* bad : {"", "/", "/abs", "a//b", "../x", "a/.."}) {
    EXPECT_EQ(PrefixStore::Create(std::make_unique<MemoryStore>(), bad).status().code(),
              StatusCode::kInvalidArgument)
        << bad;
  }
  auto store = PrefixStore::Create(std::make_unique<MemoryStore>(), "p");
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Put(ObjectKey("../q/x"), "v").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*store)->Get(ObjectKey("")).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::storage
