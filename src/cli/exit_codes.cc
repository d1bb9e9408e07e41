#include "cli/exit_codes.h"

#include <cstdio>

namespace strata::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kNotFound: return kExitNothingMatched;
    case StatusCode::kDataLoss: return kExitVerifyFailed;
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated: return kExitAuth;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded: return kExitTempFail;
    case StatusCode::kCancelled: return kExitCancelled;
    default: return kExitFailed;
  }
}

int Fail(const Status& status) {
  std::fprintf(stderr, "strata: error: %s\n", status.message().c_str());
  return ExitCodeFor(status);
}

int FailOpeningRepository(const Status& status) {
  int rc = Fail(status);
  return status.code() == StatusCode::kNotFound ? kExitRepoMissing : rc;
}

std::string ExitCodeHelp() {
  return "Exit codes:\n"
         "  0 success           1 failed             2 usage/config error\n"
         "  3 partial backup    4 integrity mismatch 5 nothing matched\n"
         " 10 no repository    13 auth refused      14 restore refused\n"
         " 75 temporary failure, retry             130 cancelled";
}

}  // namespace strata::cli
