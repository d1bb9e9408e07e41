#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "core/log.h"

namespace strata::cli {

constexpr auto kLogEvery = std::chrono::seconds(10);

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} {}", bytes, units[u]) : fmt::format("{:.1f} {}", bytes, units[u]);
}

Progress::Progress(bool enabled)
    : enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()), last_log_(start_) {}

Progress::~Progress() { Close(); }

void Progress::Update(const std::string& what, int64_t done, int64_t total, int64_t records, int64_t bytes) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(bytes) / secs : 0;
  std::string eta = "?";
  if (total > 0 && done > 0 && done < total) {
    double left = secs * static_cast<double>(total - done) / static_cast<double>(done);
    eta = fmt::format("{}:{:02}", static_cast<int>(left) / 60, static_cast<int>(left) % 60);
  } else if (total > 0 && done >= total) {
    eta = "0:00";
  }
  double pct = total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
  std::string line = fmt::format("{} {:5.1f}%  {} records  {}  {}/s  ETA {}", what, pct, records,
                                 HumanBytes(static_cast<double>(bytes)), HumanBytes(rate), eta);
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
  } else if (now - last_log_ >= kLogEvery) {
    last_log_ = now;
    log::Get("cli").info("progress: {}", line);
  }
}

void Progress::Close() {
  if (drawn_) {
    std::fputc('\n', stderr);
    drawn_ = false;
  }
}

}  // namespace strata::cli
