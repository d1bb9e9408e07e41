#include "daemon/shutdown.h"

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>

namespace strata::daemon {
namespace {

// A signal handler may only touch lock-free atomics; a watcher thread turns the flag into
// a token cancellation.
std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free);

void OnSignal(int sig) {
  int expected = 0;
  if (!received.compare_exchange_strong(expected, sig)) {
    // Second signal: give the user the default behaviour back.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

CancelToken InstallShutdownHandlers() {
  static std::once_flag once;
  static CancelToken token;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::thread([] {
      while (received.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      token.Cancel();
    }).detach();
  });
  return token;
}

int ShutdownSignal() { return received.load(); }

}  // namespace strata::daemon
