#include "daemon/shutdown.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

namespace strata::daemon {
namespace {

TEST(ShutdownTest, SigtermCancelsTheToken) {
  CancelToken token = InstallShutdownHandlers();
  EXPECT_FALSE(token.cancelled());
  EXPECT_EQ(ShutdownSignal(), 0);
  std::raise(SIGTERM);
  for (int i = 0; i < 100 && !token.cancelled(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(token.cancelled());
  EXPECT_EQ(ShutdownSignal(), SIGTERM);
  EXPECT_TRUE(InstallShutdownHandlers().cancelled());  // same token
}

}  // namespace
}  // namespace strata::daemon
