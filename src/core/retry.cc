#include "core/retry.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <thread>

namespace strata {
namespace {

// How often a waiting thread looks at its cancel token: short enough that Ctrl-C feels
// immediate, long enough to cost nothing.
constexpr std::chrono::milliseconds kCancelPollInterval{20};

// A uniform draw from [0, 1). Each thread has its own generator, so no lock is needed;
// seeding from the clock and thread id is enough to decorrelate clients (this is load
// spreading, not cryptography).
double UniformUnit() {
  thread_local std::mt19937_64 generator(
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
      std::hash<std::thread::id>{}(std::this_thread::get_id()));
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

std::string AttemptsText(int attempts) {
  return std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
}

}  // namespace

std::chrono::nanoseconds RetryPolicy::BackoffCap(int attempt) const {
  const double growth = std::max(1.0, multiplier);
  const double max_ns = static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(max_backoff).count());
  double cap_ns = static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(initial_backoff).count());
  cap_ns *= std::pow(growth, std::max(0, attempt - 1));
  // pow() may overflow to infinity after many attempts; clamp() keeps it finite.
  cap_ns = std::clamp(cap_ns, 0.0, std::max(0.0, max_ns));
  return std::chrono::nanoseconds(static_cast<int64_t>(cap_ns));
}

void SleepUnlessCancelled(std::chrono::nanoseconds duration, const CancelToken& cancel) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!cancel.cancelled()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(until - now, kCancelPollInterval));
  }
}

Status CheckDeadlineAndCancel(const Deadline& deadline, const CancelToken& cancel) {
  if (cancel.cancelled()) return CancelledError("operation cancelled");
  if (deadline.Expired()) return DeadlineExceededError("deadline exceeded");
  return OkStatus();
}

Status Retry(const RetryPolicy& policy, const RetryContext& context,
             const std::function<Status()>& op, const RetryCallback& on_retry) {
  const int max_attempts = std::max(1, policy.max_attempts);
  Status last;
  for (int attempt = 1;; ++attempt) {
    Status stop = CheckDeadlineAndCancel(context.deadline, context.cancel);
    if (!stop.ok()) {
      if (attempt == 1) return stop;
      return Status(stop.code(), stop.message() + " after " + AttemptsText(attempt - 1) +
                                     "; last error: " + last.ToString());
    }
    last = op();
    if (last.ok() || !IsTransient(last)) return last;
    if (attempt >= max_attempts) {
      return last.WithContext("gave up after " + AttemptsText(attempt));
    }

    const auto cap = policy.BackoffCap(attempt);
    const auto backoff = std::chrono::nanoseconds(
        static_cast<int64_t>(static_cast<double>(cap.count()) * UniformUnit()));
    // An attempt that would start after the deadline is useless: report now rather than
    // sleep until the deadline only to give up then.
    if (!context.deadline.infinite() && context.deadline.Remaining() <= backoff) {
      return DeadlineExceededError("deadline would pass before attempt " +
                                   std::to_string(attempt + 1) +
                                   "; last error: " + last.ToString());
    }
    if (on_retry) on_retry(RetryEvent{attempt, max_attempts, last, backoff});
    if (context.sleep) {
      context.sleep(backoff, context.cancel);
    } else {
      SleepUnlessCancelled(backoff, context.cancel);
    }
  }
}

}  // namespace strata
