// FromErrno: the one place where LocalStore turns a POSIX errno into a Status. The code
// says what the caller should do (see core/status.h); the message says what we were
// doing, where, and what the OS said:
//   "write file:///repo/key: No space left on device (errno 28)"
// Pure function; thread-safe.
#pragma once

#include <string_view>

#include "core/status.h"

namespace strata::storage::local {

// Returns the Status for `err` (an errno value, not 0) raised by `operation` ("write",
// "rename", ...) on `path` (a file:// URL):
//   ENOENT                   NotFound
//   EACCES, EPERM            PermissionDenied
//   EROFS                    FailedPrecondition (read-only file system)
//   ENOSPC, EDQUOT           ResourceExhausted (disk or quota full)
//   EMFILE, ENFILE, ENOMEM   ResourceExhausted
//   ENOTDIR, EISDIR          FailedPrecondition (a path is, or is not, a directory)
//   ENOTEMPTY                FailedPrecondition
//   EEXIST                   AlreadyExists
//   ENAMETOOLONG, ELOOP      InvalidArgument (the key cannot be a path here)
//   EINTR, EAGAIN, EBUSY     Unavailable (retry)
//   EBADF, EFAULT, EINVAL    Internal (we passed something wrong: a bug)
//   anything else            Unknown (EIO and the like: the OS gave no guidance)
Status FromErrno(int err, std::string_view operation, std::string_view path);

}  // namespace strata::storage::local
