// Retry: runs an operation again after transient failures (IsTransient(): kUnavailable,
// kDeadlineExceeded), waiting between attempts with capped exponential backoff and "full
// jitter" (each wait is drawn uniformly from [0, cap]), so that many clients failing at
// once do not retry in lockstep. Every other status, and OK, is returned at once.
//
// Retry() is thread-safe: it keeps no state between calls. RetryPolicy and RetryContext
// are plain values; the functions they hold must be safe to call from the retrying thread.
#pragma once

#include <chrono>
#include <functional>

#include "core/deadline.h"
#include "core/status.h"

namespace strata {

// How often and how patiently to retry. Plain configuration; copy freely.
struct RetryPolicy {
  // Attempts in total, the first included; 1 means "never retry". Values below 1 count as
  // 1. More attempts ride out longer outages but delay the report of a real one.
  int max_attempts = 5;
  // Upper bound of the first wait. Smaller values recover faster from a blip but put
  // more load on a struggling server.
  std::chrono::milliseconds initial_backoff{200};
  // No wait is longer than this, however many attempts failed.
  std::chrono::milliseconds max_backoff{20'000};
  // Growth of the bound per attempt: bound(n) = initial_backoff * multiplier^(n-1),
  // capped at max_backoff. Values below 1 count as 1 (a constant bound).
  double multiplier = 2.0;

  // The upper bound of the wait after failed attempt `attempt` (1-based).
  std::chrono::nanoseconds BackoffCap(int attempt) const;
};

// Pauses the calling thread for `duration`, or less if `cancel` is cancelled meanwhile.
// Tests inject one that records the requested waits and returns at once.
using SleepFunction = std::function<void(std::chrono::nanoseconds duration,
                                         const CancelToken& cancel)>;

// The real sleep: waits on the steady clock, checking `cancel` every few milliseconds.
void SleepUnlessCancelled(std::chrono::nanoseconds duration, const CancelToken& cancel);

// The limits of one retried operation.
struct RetryContext {
  // No attempt starts after this; no wait is begun that would end after it.
  Deadline deadline = Deadline::Infinite();
  // Checked before every attempt and during waits.
  CancelToken cancel;
  // Empty means SleepUnlessCancelled.
  SleepFunction sleep;
};

// What on_retry is told before each wait.
struct RetryEvent {
  int attempt = 0;                   // 1-based number of the attempt that failed
  int max_attempts = 0;              // the policy's limit
  Status status;                     // its transient error
  std::chrono::nanoseconds backoff{0};  // the wait that follows
};

using RetryCallback = std::function<void(const RetryEvent&)>;

// Returns OK if work may go on; Cancelled if `cancel` is cancelled; DeadlineExceeded if
// `deadline` has passed. Cancellation wins when both hold.
Status CheckDeadlineAndCancel(const Deadline& deadline, const CancelToken& cancel);

// Calls `op` until it returns OK or a non-transient status (returned as is), or a limit
// is reached:
//   * attempts used up: the last transient status, its code kept, with the attempt count
//     prepended to its message;
//   * deadline passed, or the next wait would end after it: DeadlineExceeded, naming the
//     last error;
//   * context.cancel cancelled: Cancelled, naming the last error.
// Before the first attempt the deadline and cancellation are checked too (returning
// DeadlineExceeded / Cancelled without calling `op`). `on_retry` (may be empty) is called
// before each wait, on the calling thread.
Status Retry(const RetryPolicy& policy, const RetryContext& context,
             const std::function<Status()>& op, const RetryCallback& on_retry = {});

}  // namespace strata
