#include "storage/fault_injecting_store.h"

#include <gtest/gtest.h>

#include <memory>

#include "storage/memory/memory_store.h"
#include "storage/store_conformance.h"

namespace strata::storage {
namespace {

// Without faults the wrapper must be invisible.
INSTANTIATE_TEST_SUITE_P(FaultInjectingPassThrough, StoreConformanceTest,
                         ::testing::Values(StoreConformanceParam("memory", [] {
                           return std::make_unique<FaultInjectingStore>(
                               std::make_unique<MemoryStore>());
                         })),
                         StoreConformanceParamName);

class FaultInjectingStoreTest : public ::testing::Test {
 protected:
  FaultInjectingStoreTest() {
    auto memory = std::make_unique<MemoryStore>();
    memory_ = memory.get();
    store_ = std::make_unique<FaultInjectingStore>(std::move(memory));
  }
  MemoryStore* memory_;  // owned by store_
  std::unique_ptr<FaultInjectingStore> store_;
};

TEST_F(FaultInjectingStoreTest, FailsNthCallOnly) {
  store_->FailNth(StoreOp::kPut, 2, UnavailableError("injected"));
  EXPECT_TRUE(store_->Put(ObjectKey("a"), "1").ok());
  Status second = store_->Put(ObjectKey("b"), "2");
  EXPECT_EQ(second.code(), StatusCode::kUnavailable);
  EXPECT_EQ(second.message(), "injected");
  EXPECT_TRUE(store_->Put(ObjectKey("c"), "3").ok());
  EXPECT_EQ(memory_->object_count(), 2u);  // the failed put never reached the store
  EXPECT_EQ(store_->calls(StoreOp::kPut), 3);
  EXPECT_EQ(store_->calls(StoreOp::kAny), 3);
}

TEST_F(FaultInjectingStoreTest, FailNextAndAnyOperation) {
  store_->FailNext(StoreOp::kAny, 2, PermissionDeniedError("nope"));
  EXPECT_EQ(store_->Put(ObjectKey("a"), "1").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->Get(ObjectKey("a")).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->Get(ObjectKey("a")).status().code(), StatusCode::kNotFound);
}

TEST_F(FaultInjectingStoreTest, AfterCallFaultAppliesTheCall) {
  store_->FailNth(StoreOp::kPut, 1, UnavailableError("reply lost"), FaultTiming::kAfterCall);
  EXPECT_EQ(store_->Put(ObjectKey("a"), "1").code(), StatusCode::kUnavailable);
  EXPECT_TRUE(memory_->Get(ObjectKey("a")).ok());
}

TEST_F(FaultInjectingStoreTest, FractionIsRepeatableAndRoughlyRight) {
  auto count_failures = [this](uint64_t seed) {
    store_->ClearFaults();
    store_->FailFraction(StoreOp::kHead, 0.25, UnavailableError("x"), seed);
    int failures = 0;
    for (int i = 0; i < 1000; ++i) {
      if (store_->Head(ObjectKey("k")).status().code() == StatusCode::kUnavailable) ++failures;
    }
    return failures;
  };
  const int first = count_failures(7);
  EXPECT_EQ(count_failures(7), first);
  EXPECT_GT(first, 150);
  EXPECT_LT(first, 350);
}

TEST_F(FaultInjectingStoreTest, WriterCallsCanFail) {
  store_->FailNth(StoreOp::kAppend, 2, UnavailableError("append"));
  store_->FailNth(StoreOp::kCommit, 1, DeadlineExceededError("commit"));
  auto writer = store_->NewWriter(ObjectKey("w"));
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->Append("a").ok());
  EXPECT_EQ((*writer)->Append("b").code(), StatusCode::kUnavailable);
  EXPECT_EQ((*writer)->Commit().status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(memory_->object_count(), 0u);
}

TEST_F(FaultInjectingStoreTest, TruncatedPutLeavesNothing) {
  ASSERT_TRUE(store_->Put(ObjectKey("keep"), "old").ok());
  store_->TruncateNextPut(3, UnavailableError("connection reset"));
  EXPECT_EQ(store_->Put(ObjectKey("keep"), "new contents").code(), StatusCode::kUnavailable);
  EXPECT_EQ(store_->Put(ObjectKey("other"), "x").code(), StatusCode::kOk);  // one-shot
  auto kept = memory_->Get(ObjectKey("keep"));
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, "old");
  EXPECT_EQ(memory_->object_count(), 2u);
}

TEST(FaultInjectingStoreDeathTest, AppendAfterCallIsRefused) {
  FaultInjectingStore store(std::make_unique<MemoryStore>());
  EXPECT_DEATH(store.FailNth(StoreOp::kAppend, 1, UnavailableError("x"), FaultTiming::kAfterCall),
               "ObjectWriter's contract");
}

}  // namespace
}  // namespace strata::storage
