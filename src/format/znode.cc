#include "format/znode.h"

#include <cstdio>

namespace strata::format {
namespace {

// The ephemeralOwner encodings of ZooKeeper's server/EphemeralType (3.5.3+): containers
// store Long.MIN_VALUE; extended types set the high byte to 0xFF, the next two bytes
// select the type (0 = TTL) and the low 40 bits carry its value (the TTL in ms).
constexpr uint64_t kContainerOwner = 0x8000000000000000ULL;
constexpr uint64_t kExtendedMask = 0xFF00000000000000ULL;
constexpr uint64_t kExtendedTypeMask = 0x00FFFF0000000000ULL;
constexpr uint64_t kExtendedValueMask = 0x000000FFFFFFFFFFULL;
constexpr size_t kSequenceDigits = 10;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// True if `a` is `b` or an ancestor of `b` (both valid paths).
bool IsAncestorOrSelf(std::string_view a, std::string_view b) {
  if (a.size() > b.size() || b.compare(0, a.size(), a) != 0) return false;
  return a.size() == b.size() || a == "/" || b[a.size()] == '/';
}

std::string_view Parent(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? std::string_view("/") : path.substr(0, slash);
}

std::string Hex(uint64_t v) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string_view NodeTypeName(NodeType type) {
  switch (type) {
    case NodeType::kPersistentOrExtended:
      return "persistent-or-extended";
    case NodeType::kPersistent:
      return "persistent";
    case NodeType::kEphemeral:
      return "ephemeral";
    case NodeType::kContainer:
      return "container";
    case NodeType::kTtl:
      return "ttl";
  }
  return "unknown";
}

std::string_view TypeSourceName(TypeSource source) {
  switch (source) {
    case TypeSource::kClientWalk:
      return "client-walk";
    case TypeSource::kServerSnapshot:
      return "server-snapshot";
  }
  return "unknown";
}

bool HasSequentialSuffix(std::string_view path) {
  std::string_view name = path.substr(path.rfind('/') + 1);
  if (name.size() < kSequenceDigits) return false;
  for (char c : name.substr(name.size() - kSequenceDigits)) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

Result<DecodedOwner> DecodeEphemeralOwner(int64_t ephemeral_owner) {
  auto owner = static_cast<uint64_t>(ephemeral_owner);
  if (owner == 0) return DecodedOwner{NodeType::kPersistent, 0};
  if (owner == kContainerOwner) return DecodedOwner{NodeType::kContainer, 0};
  if ((owner & kExtendedMask) != kExtendedMask) return DecodedOwner{NodeType::kEphemeral, 0};
  if ((owner & kExtendedTypeMask) != 0) {
    return FailedPreconditionError("ephemeralOwner " + Hex(owner) +
                                   " encodes an extended znode type strata does not know "
                                   "(it knows TTL only); a newer ZooKeeper wrote it?");
  }
  auto ttl = static_cast<int64_t>(owner & kExtendedValueMask);
  if (ttl == 0) {
    return FailedPreconditionError("ephemeralOwner " + Hex(owner) + " encodes a TTL of 0");
  }
  return DecodedOwner{NodeType::kTtl, ttl};
}

Status ValidateZnodePath(std::string_view path) {
  if (path.empty() || path[0] != '/') {
    return InvalidArgumentError("znode path \"" + std::string(path) + "\" does not start with '/'");
  }
  if (path.size() == 1) return OkStatus();
  if (path.back() == '/') {
    return InvalidArgumentError("znode path \"" + std::string(path) + "\" ends with '/'");
  }
  if (path.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("znode path \"" + std::string(path) + "\" contains a NUL byte");
  }
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return InvalidArgumentError("znode path \"" + std::string(path) +
                                  "\" has an empty, \".\" or \"..\" component");
    }
    start = end + 1;
  }
  return OkStatus();
}

Status PreorderChecker::Add(std::string_view path) {
  STRATA_RETURN_IF_ERROR(ValidateZnodePath(path));
  if (!started_) {
    root_.assign(path);
    last_.assign(path);
    started_ = true;
    return OkStatus();
  }
  if (IsAncestorOrSelf(path, last_)) {
    return InvalidArgumentError(
        "znode " + std::string(path) +
        " repeats the previous entry or one of its ancestors (previous: " + last_ + ")");
  }
  std::string_view parent = Parent(path);
  if (!IsAncestorOrSelf(root_, parent)) {
    return InvalidArgumentError("znode " + std::string(path) + " is not below the first entry " +
                                root_);
  }
  if (!IsAncestorOrSelf(parent, last_)) {
    return InvalidArgumentError("znode " + std::string(path) +
                                " is out of pre-order: its parent is neither the previous entry (" +
                                last_ + ") nor an ancestor of it");
  }
  last_.assign(path);
  return OkStatus();
}

}  // namespace strata::format
