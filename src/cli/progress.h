// Progress output for long jobs: a redrawn line on a terminal, plain log lines (every
// 10 s) otherwise. Thread-compatible: the job's thread calls Update.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace strata::cli {

class Progress {
 public:
  // `enabled` false prints nothing (--no-progress, --quiet).
  explicit Progress(bool enabled);
  ~Progress();
  // done/total in `unit` (total 0 = unknown), plus bytes and records so far.
  void Update(const std::string& what, int64_t done, int64_t total, int64_t records, int64_t bytes);
  // Ends a redrawn line so that following output starts on a new line.
  void Close();
  // The callback ZooKeeper backups and imports report to (znodes and data bytes so far).
  std::function<void(uint64_t, uint64_t)> ZnodeCounter() {
    return [this](uint64_t znodes, uint64_t bytes) {
      Update("znodes", static_cast<int64_t>(znodes), 0, static_cast<int64_t>(znodes), static_cast<int64_t>(bytes));
    };
  }

 private:
  bool enabled_;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_log_;
};

// "1.5 GiB", "12 KiB", "512 B".
std::string HumanBytes(double bytes);

}  // namespace strata::cli
