#include "storage/store_checks.h"

#include <string>

#include "core/retry.h"

namespace strata::storage {
namespace {

// The key as it is shown in messages: NUL bytes would cut the message short in C
// consumers and are invisible on a terminal, so show them as "\0".
std::string Quoted(std::string_view key) {
  std::string out = "\"";
  for (char c : key) {
    if (c == '\0') {
      out += "\\0";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

Status BadKey(std::string_view key, std::string_view why) {
  return InvalidArgumentError("invalid object key " + Quoted(key) + ": " + std::string(why));
}

}  // namespace

Status ValidateKey(std::string_view key) {
  if (key.empty()) return BadKey(key, "empty");
  if (key.find('\0') != std::string_view::npos) return BadKey(key, "contains a NUL byte");
  if (key.front() == '/') return BadKey(key, "must be relative (no leading '/')");
  size_t start = 0;
  while (true) {
    const size_t slash = key.find('/', start);
    const std::string_view segment =
        key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty()) return BadKey(key, "empty path segment (\"//\" or trailing '/')");
    if (segment == "." || segment == "..") {
      return BadKey(key, "path segments \".\" and \"..\" are not allowed");
    }
    if (slash == std::string_view::npos) return OkStatus();
    start = slash + 1;
  }
}

Status ValidateMaxKeys(int max_keys) {
  if (max_keys < 1) {
    return InvalidArgumentError("list: max_keys must be at least 1, got " +
                                std::to_string(max_keys));
  }
  return OkStatus();
}

Status CheckCall(const CallOptions& call) {
  return CheckDeadlineAndCancel(call.deadline, call.cancel);
}

}  // namespace strata::storage
