#include "cli/exit_codes.h"

#include <gtest/gtest.h>

namespace strata::cli {
namespace {

TEST(ExitCodesTest, MapsStatusCodes) {
  EXPECT_EQ(ExitCodeFor(OkStatus()), kExitOk);
  EXPECT_EQ(ExitCodeFor(InvalidArgumentError("x")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(DataLossError("x")), kExitVerifyFailed);
  EXPECT_EQ(ExitCodeFor(PermissionDeniedError("x")), kExitAuth);
  EXPECT_EQ(ExitCodeFor(UnauthenticatedError("x")), kExitAuth);
  EXPECT_EQ(ExitCodeFor(UnavailableError("x")), kExitTempFail);
  EXPECT_EQ(ExitCodeFor(InternalError("x")), kExitFailed);
}

}  // namespace
}  // namespace strata::cli
