#include "kafka/acl_codes.h"

#include <array>
#include <span>

namespace strata::kafka::internal {

namespace {

// Indexed by wire code. Code 0 is UNKNOWN in every field; ANY (1) and MATCH (2, pattern
// type only) appear in filters, never in a stored binding.
constexpr std::array<std::string_view, 8> kResourceTypes = {
    "UNKNOWN", "ANY", "TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID", "DELEGATION_TOKEN", "USER"};
constexpr std::array<std::string_view, 5> kPatternTypes = {"UNKNOWN", "ANY", "MATCH", "LITERAL",
                                                           "PREFIXED"};
constexpr std::array<std::string_view, 15> kOperations = {
    "UNKNOWN", "ANY",      "ALL",            "READ",          "WRITE",
    "CREATE",  "DELETE",   "ALTER",          "DESCRIBE",      "CLUSTER_ACTION",
    "DESCRIBE_CONFIGS",    "ALTER_CONFIGS",  "IDEMPOTENT_WRITE", "CREATE_TOKENS",
    "DESCRIBE_TOKENS"};
constexpr std::array<std::string_view, 4> kPermissionTypes = {"UNKNOWN", "ANY", "DENY", "ALLOW"};

std::span<const std::string_view> Names(AclField field) {
  switch (field) {
    case AclField::kResourceType: return kResourceTypes;
    case AclField::kPatternType: return kPatternTypes;
    case AclField::kOperation: return kOperations;
    case AclField::kPermissionType: return kPermissionTypes;
  }
  return {};
}

}  // namespace

std::optional<int> AclCode(AclField field, std::string_view name) {
  auto names = Names(field);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

std::string_view AclName(AclField field, int code) {
  auto names = Names(field);
  if (code < 0 || static_cast<size_t>(code) >= names.size()) return names[0];
  return names[static_cast<size_t>(code)];
}

std::string_view AclFieldName(AclField field) {
  switch (field) {
    case AclField::kResourceType: return "resource type";
    case AclField::kPatternType: return "pattern type";
    case AclField::kOperation: return "operation";
    case AclField::kPermissionType: return "permission type";
  }
  return "ACL field";
}

}  // namespace strata::kafka::internal
