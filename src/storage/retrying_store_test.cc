#include "storage/retrying_store.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>

#include "storage/fault_injecting_store.h"
#include "storage/log.h"
#include "storage/memory/memory_store.h"
#include "storage/store_conformance.h"

namespace strata::storage {
namespace {

void NoSleep(std::chrono::nanoseconds, const CancelToken&) {}

RetryPolicy Patient() {
  RetryPolicy p;
  p.max_attempts = 30;
  p.initial_backoff = std::chrono::milliseconds(1);
  p.max_backoff = std::chrono::milliseconds(10);
  return p;
}

// A store where a fifth of all calls fail transiently, before or after reaching the
// store, wrapped in retries, must behave exactly like a healthy store.
std::unique_ptr<ObjectStore> FlakyButRetried() {
  auto flaky = std::make_unique<FaultInjectingStore>(std::make_unique<MemoryStore>());
  uint64_t seed = 1;
  for (StoreOp op : {StoreOp::kPut, StoreOp::kGet, StoreOp::kGetRange, StoreOp::kHead,
                     StoreOp::kList, StoreOp::kDelete, StoreOp::kNewWriter}) {
    flaky->FailFraction(op, 0.1, UnavailableError("503 SlowDown"), seed++);
    flaky->FailFraction(op, 0.1, DeadlineExceededError("reply lost"), seed++,
                        FaultTiming::kAfterCall);
  }
  flaky->FailFraction(StoreOp::kAppend, 0.2, UnavailableError("part upload failed"), seed++);
  return std::make_unique<RetryingStore>(std::move(flaky), Patient(), NoSleep);
}

INSTANTIATE_TEST_SUITE_P(RetryingOverFlaky, StoreConformanceTest,
                         ::testing::Values(StoreConformanceParam("memory", FlakyButRetried)),
                         StoreConformanceParamName);

class RetryingStoreTest : public ::testing::Test {
 protected:
  RetryingStoreTest() {
    auto memory = std::make_unique<MemoryStore>();
    memory_ = memory.get();
    auto faults = std::make_unique<FaultInjectingStore>(std::move(memory));
    faults_ = faults.get();
    RetryPolicy policy = Patient();
    policy.max_attempts = 4;
    store_ = std::make_unique<RetryingStore>(std::move(faults), policy, NoSleep);
  }
  MemoryStore* memory_;          // owned through store_
  FaultInjectingStore* faults_;  // owned by store_
  std::unique_ptr<RetryingStore> store_;
};

TEST_F(RetryingStoreTest, RetriesTransientFailures) {
  faults_->FailNext(StoreOp::kPut, 3, UnavailableError("503"));
  EXPECT_TRUE(store_->Put(ObjectKey("k"), "v").ok());
  EXPECT_EQ(faults_->calls(StoreOp::kPut), 4);
  faults_->FailNext(StoreOp::kGet, 2, DeadlineExceededError("timeout"));
  auto got = store_->Get(ObjectKey("k"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "v");
}

TEST_F(RetryingStoreTest, GivesUpAfterMaxAttempts) {
  faults_->FailNext(StoreOp::kHead, 100, UnavailableError("503"));
  Status s = store_->Head(ObjectKey("k")).status();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "gave up after 4 attempts: 503");
  EXPECT_EQ(faults_->calls(StoreOp::kHead), 4);
}

TEST_F(RetryingStoreTest, DoesNotRetryPermanentErrors) {
  faults_->FailNext(StoreOp::kDelete, 100, PermissionDeniedError("403"));
  EXPECT_EQ(store_->Delete(ObjectKey("k")).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(faults_->calls(StoreOp::kDelete), 1);
  EXPECT_EQ(store_->Get(ObjectKey("missing")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(faults_->calls(StoreOp::kGet), 1);
}

TEST_F(RetryingStoreTest, CreateOnlyPutWhoseReplyWasLostSucceeds) {
  faults_->FailNth(StoreOp::kPut, 1, UnavailableError("reply lost"), FaultTiming::kAfterCall);
  WriteOptions once;
  once.if_absent = true;
  EXPECT_TRUE(store_->Put(ObjectKey("lock"), "mine", once).ok());
  EXPECT_EQ(faults_->calls(StoreOp::kPut), 2);
}

TEST_F(RetryingStoreTest, CreateOnlyPutStillLosesToOtherContent) {
  ASSERT_TRUE(memory_->Put(ObjectKey("lock"), "theirs").ok());
  faults_->FailNth(StoreOp::kPut, 1, UnavailableError("503"));
  WriteOptions once;
  once.if_absent = true;
  EXPECT_EQ(store_->Put(ObjectKey("lock"), "mine", once).code(), StatusCode::kAlreadyExists);
  // On the first attempt AlreadyExists is final: no read-back.
  ASSERT_TRUE(memory_->Put(ObjectKey("lock2"), "theirs").ok());
  EXPECT_EQ(store_->Put(ObjectKey("lock2"), "theirs", once).code(), StatusCode::kAlreadyExists);
}

TEST_F(RetryingStoreTest, WriterAppendIsRetriedCommitIsNot) {
  faults_->FailNext(StoreOp::kAppend, 2, UnavailableError("part 503"));
  auto writer = store_->NewWriter(ObjectKey("w"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("abc").ok());
  EXPECT_EQ(faults_->calls(StoreOp::kAppend), 3);
  faults_->FailNth(StoreOp::kCommit, 1, UnavailableError("complete 503"));
  EXPECT_EQ((*writer)->Commit().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(faults_->calls(StoreOp::kCommit), 1);
}

TEST_F(RetryingStoreTest, CancelStopsRetries) {
  CallOptions call;
  RetryPolicy policy = Patient();
  int sleeps = 0;
  RetryingStore store(std::make_unique<FaultInjectingStore>(std::make_unique<MemoryStore>()),
                      policy, [&](std::chrono::nanoseconds, const CancelToken&) {
                        if (++sleeps == 2) call.cancel.Cancel();
                      });
  auto& inner = static_cast<FaultInjectingStore&>(store.inner());
  inner.FailNext(StoreOp::kList, 100, UnavailableError("503"));
  EXPECT_EQ(store.List("", "", 10, call).status().code(), StatusCode::kCancelled);
  EXPECT_EQ(inner.calls(StoreOp::kList), 2);
}

TEST_F(RetryingStoreTest, RetryLogIsRateLimited) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  Log().sinks().push_back(sink);
  faults_->FailNext(StoreOp::kGet, 20, UnavailableError("503"));
  for (int i = 0; i < 10; ++i) store_->Get(ObjectKey("k")).status().IgnoreError();
  Log().sinks().pop_back();
  const std::string logged = out.str();
  EXPECT_EQ(std::count(logged.begin(), logged.end(), '\n'), 1) << logged;
  EXPECT_NE(logged.find("GET mem://memory/k: Unavailable: 503 (attempt 1 of 4)"),
            std::string::npos)
      << logged;
}

TEST_F(RetryingStoreTest, DescribeIsTheInnerStores) {
  EXPECT_EQ(store_->Describe(ObjectKey("a")), memory_->Describe(ObjectKey("a")));
}

}  // namespace
}  // namespace strata::storage
