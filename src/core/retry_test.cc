#include "core/retry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <utility>
#include <vector>

namespace strata {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// Records the waits Retry asks for and returns at once.
struct FakeSleep {
  std::vector<nanoseconds> waits;
  SleepFunction Function() {
    return [this](nanoseconds d, const CancelToken&) { waits.push_back(d); };
  }
};

RetryContext Context(SleepFunction sleep, Deadline deadline = Deadline::Infinite(),
                     CancelToken cancel = CancelToken()) {
  RetryContext c;
  c.deadline = deadline;
  c.cancel = std::move(cancel);
  c.sleep = std::move(sleep);
  return c;
}

RetryPolicy FastPolicy(int attempts) {
  RetryPolicy p;
  p.max_attempts = attempts;
  p.initial_backoff = milliseconds(100);
  p.max_backoff = milliseconds(1000);
  p.multiplier = 2.0;
  return p;
}

TEST(RetryTest, OkFirstTimeCallsOnce) {
  FakeSleep sleep;
  int calls = 0;
  Status s = Retry(FastPolicy(5), Context(sleep.Function()), [&] {
    ++calls;
    return OkStatus();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(sleep.waits.empty());
}

TEST(RetryTest, RetriesTransientUntilSuccess) {
  FakeSleep sleep;
  int calls = 0;
  std::vector<int> events;
  Status s = Retry(
      FastPolicy(5), Context(sleep.Function()),
      [&] { return ++calls < 3 ? UnavailableError("503") : OkStatus(); },
      [&](const RetryEvent& e) {
        events.push_back(e.attempt);
        EXPECT_EQ(e.max_attempts, 5);
        EXPECT_EQ(e.status.code(), StatusCode::kUnavailable);
      });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(events, (std::vector<int>{1, 2}));
  EXPECT_EQ(sleep.waits.size(), 2u);
}

TEST(RetryTest, DoesNotRetryPermanentErrors) {
  int calls = 0;
  FakeSleep sleep;
  Status s = Retry(FastPolicy(5), Context(sleep.Function()), [&] {
    ++calls;
    return PermissionDeniedError("403");
  });
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "403");
  EXPECT_EQ(calls, 1);
}

TEST(RetryTest, GivesUpAfterMaxAttemptsKeepingCode) {
  int calls = 0;
  FakeSleep sleep;
  Status s = Retry(FastPolicy(4), Context(sleep.Function()), [&] {
    ++calls;
    return DeadlineExceededError("read timeout");
  });
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(s.message(), "gave up after 4 attempts: read timeout");
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(sleep.waits.size(), 3u);
}

TEST(RetryTest, MaxAttemptsBelowOneMeansOneAttempt) {
  int calls = 0;
  FakeSleep sleep;
  Status s = Retry(FastPolicy(0), Context(sleep.Function()), [&] {
    ++calls;
    return UnavailableError("x");
  });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(calls, 1);
}

TEST(RetryTest, BackoffCapGrowsAndIsBounded) {
  RetryPolicy p = FastPolicy(10);
  EXPECT_EQ(p.BackoffCap(1), milliseconds(100));
  EXPECT_EQ(p.BackoffCap(2), milliseconds(200));
  EXPECT_EQ(p.BackoffCap(4), milliseconds(800));
  EXPECT_EQ(p.BackoffCap(5), milliseconds(1000));
  EXPECT_EQ(p.BackoffCap(5000), milliseconds(1000));
  p.multiplier = 0.5;  // treated as 1
  EXPECT_EQ(p.BackoffCap(7), milliseconds(100));
}

TEST(RetryTest, FullJitterStaysWithinCapAndVaries) {
  FakeSleep sleep;
  RetryPolicy p = FastPolicy(200);
  Status s = Retry(p, Context(sleep.Function()), [] { return UnavailableError("x"); });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  ASSERT_EQ(sleep.waits.size(), 199u);
  bool varied = false;
  for (size_t i = 0; i < sleep.waits.size(); ++i) {
    EXPECT_GE(sleep.waits[i].count(), 0);
    EXPECT_LE(sleep.waits[i], p.BackoffCap(static_cast<int>(i) + 1));
    if (i > 0 && sleep.waits[i] != sleep.waits[i - 1]) varied = true;
  }
  EXPECT_TRUE(varied);
}

TEST(RetryTest, ExpiredDeadlineStopsBeforeFirstAttempt) {
  int calls = 0;
  Status s = Retry(FastPolicy(5), Context({}, Deadline::After(-milliseconds(1))), [&] {
    ++calls;
    return OkStatus();
  });
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(calls, 0);
}

TEST(RetryTest, StopsWhenWaitWouldPassDeadline) {
  RetryPolicy p = FastPolicy(1000);
  p.initial_backoff = milliseconds(10'000);
  p.max_backoff = milliseconds(10'000);
  int calls = 0;
  FakeSleep sleep;
  // Full jitter may draw a short wait now and then, so allow a few attempts; with a 10s
  // bound and 50ms left, the loop must end long before 1000 attempts.
  Status s = Retry(p, Context(sleep.Function(), Deadline::After(milliseconds(50))),
                   [&] {
                     ++calls;
                     return UnavailableError("503 SlowDown");
                   });
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(s.message().find("last error: Unavailable: 503 SlowDown"), std::string::npos)
      << s.message();
  EXPECT_LT(calls, 1000);
}

TEST(RetryTest, CancelStopsRetrying) {
  CancelToken cancel;
  int calls = 0;
  SleepFunction cancel_on_sleep = [&](nanoseconds, const CancelToken&) { cancel.Cancel(); };
  Status s = Retry(FastPolicy(5), Context(cancel_on_sleep, Deadline::Infinite(), cancel), [&] {
    ++calls;
    return UnavailableError("503");
  });
  EXPECT_EQ(s.code(), StatusCode::kCancelled);
  EXPECT_EQ(s.message(), "operation cancelled after 1 attempt; last error: Unavailable: 503");
  EXPECT_EQ(calls, 1);
}

TEST(RetryTest, RealSleepWakesOnCancel) {
  CancelToken cancel;
  cancel.Cancel();
  const auto start = std::chrono::steady_clock::now();
  SleepUnlessCancelled(std::chrono::seconds(30), cancel);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(RetryTest, RealSleepWaits) {
  CancelToken cancel;
  const auto start = std::chrono::steady_clock::now();
  SleepUnlessCancelled(milliseconds(30), cancel);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(30));
}

TEST(RetryTest, CheckDeadlineAndCancel) {
  CancelToken cancel;
  EXPECT_TRUE(CheckDeadlineAndCancel(Deadline::Infinite(), cancel).ok());
  EXPECT_EQ(CheckDeadlineAndCancel(Deadline::After(-milliseconds(1)), cancel).code(),
            StatusCode::kDeadlineExceeded);
  cancel.Cancel();
  EXPECT_EQ(CheckDeadlineAndCancel(Deadline::After(-milliseconds(1)), cancel).code(),
            StatusCode::kCancelled);
}

}  // namespace
}  // namespace strata
