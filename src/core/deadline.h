// Deadline: a point on the monotonic clock by which an operation must finish, and
// CancelToken: a flag another thread sets to ask running work to stop.
// Deadline is a value type. CancelToken is safe for concurrent use.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

namespace strata {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  static Deadline Infinite() { return Deadline(Clock::time_point::max()); }
  static Deadline After(Clock::duration d) { return Deadline(Clock::now() + d); }
  static Deadline At(Clock::time_point t) { return Deadline(t); }

  bool infinite() const { return at_ == Clock::time_point::max(); }
  bool Expired() const { return !infinite() && Clock::now() >= at_; }
  // Time left, zero once expired; a very large duration when infinite.
  Clock::duration Remaining() const {
    if (infinite()) return Clock::duration::max();
    auto now = Clock::now();
    return now >= at_ ? Clock::duration::zero() : at_ - now;
  }
  // Remaining() in whole milliseconds, capped at `cap` (for C APIs that take an int).
  int RemainingMillis(int cap = 1 << 30) const {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Remaining()).count();
    return ms > cap ? cap : static_cast<int>(ms);
  }
  // The earlier of two deadlines.
  static Deadline Min(Deadline a, Deadline b) { return a.at_ < b.at_ ? a : b; }

 private:
  explicit Deadline(Clock::time_point at) : at_(at) {}
  Clock::time_point at_;
};

// Shared by the party that cancels and the workers that check it; copies share one flag.
class CancelToken {
 public:
  CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  void Cancel() const { flag_->store(true, std::memory_order_release); }
  bool cancelled() const { return flag_->load(std::memory_order_acquire); }

 private:
  // shared_ptr: copies of a token given to several workers must observe one flag.
  std::shared_ptr<std::atomic<bool>> flag_;
};

}  // namespace strata
