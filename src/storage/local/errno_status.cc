#include "storage/local/errno_status.h"

#include <cerrno>
#include <string>
#include <system_error>

namespace strata::storage::local {
namespace {

StatusCode CodeFor(int err) {
  switch (err) {
    case ENOENT:
      return StatusCode::kNotFound;
    case EACCES:
    case EPERM:
      return StatusCode::kPermissionDenied;
    case ENOSPC:
    case EDQUOT:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
      return StatusCode::kResourceExhausted;
    case EROFS:
    case ENOTDIR:
    case EISDIR:
    case ENOTEMPTY:
      return StatusCode::kFailedPrecondition;
    case EEXIST:
      return StatusCode::kAlreadyExists;
    case ENAMETOOLONG:
    case ELOOP:
      return StatusCode::kInvalidArgument;
    case EINTR:
    case EAGAIN:
    case EBUSY:
      return StatusCode::kUnavailable;
    case EBADF:
    case EFAULT:
    case EINVAL:
      return StatusCode::kInternal;
    default:
      return StatusCode::kUnknown;
  }
}

// What the user can do about it, where the OS text alone does not say.
std::string_view HintFor(int err) {
  switch (err) {
    case ENOTDIR:
    case EISDIR:
      return "; path is not a directory as the key needs (in a file:// repository a key "
             "cannot also be the directory of other keys)";
    case ENOSPC:
      return "; disk full";
    case EDQUOT:
      return "; disk quota exceeded";
    default:
      return "";
  }
}

}  // namespace

Status FromErrno(int err, std::string_view operation, std::string_view path) {
  std::string message(operation);
  message += ' ';
  message += path;
  message += ": ";
  // std::generic_category().message() is strerror's text without strerror's shared buffer.
  message += std::generic_category().message(err);
  message += " (errno " + std::to_string(err) + ")";
  message += HintFor(err);
  return Status(CodeFor(err), std::move(message));
}

}  // namespace strata::storage::local
