#include "storage/local/errno_status.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace strata::storage::local {
namespace {

TEST(FromErrnoTest, MapsCodes) {
  const struct {
    int err;
    StatusCode code;
  } cases[] = {
      {ENOENT, StatusCode::kNotFound},
      {EACCES, StatusCode::kPermissionDenied},
      {EPERM, StatusCode::kPermissionDenied},
      {ENOSPC, StatusCode::kResourceExhausted},
      {EDQUOT, StatusCode::kResourceExhausted},
      {ENOTDIR, StatusCode::kFailedPrecondition},
      {EISDIR, StatusCode::kFailedPrecondition},
      {EROFS, StatusCode::kFailedPrecondition},
      {EEXIST, StatusCode::kAlreadyExists},
      {EINTR, StatusCode::kUnavailable},
      {EAGAIN, StatusCode::kUnavailable},
      {ENAMETOOLONG, StatusCode::kInvalidArgument},
      {EBADF, StatusCode::kInternal},
      {EIO, StatusCode::kUnknown},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FromErrno(c.err, "op", "file:///p").code(), c.code) << "errno " << c.err;
  }
}

TEST(FromErrnoTest, MessageSaysWhatWhereAndWhy) {
  Status s = FromErrno(ENOSPC, "write", "file:///repo/key");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "write file:///repo/key: No space left on device (errno 28); disk full");
}

TEST(FromErrnoTest, NotADirectoryHasHint) {
  Status s = FromErrno(ENOTDIR, "mkdir", "file:///repo/a");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("Not a directory (errno 20); path is not a directory"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace strata::storage::local
