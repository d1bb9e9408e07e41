// Internal to the kafka module: Kafka's wire codes for the ACL fields of acl.h and their
// names, as the Kafka protocol defines them (ResourceType, PatternType, AclOperation,
// AclPermissionType). librdkafka's enums use the same numbers for the values it knows.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace strata::kafka::internal {

enum class AclField { kResourceType, kPatternType, kOperation, kPermissionType };

// The wire code of `name` ("TOPIC" -> 2), or nullopt if Kafka has no such name for
// `field`. Names are case-sensitive, as Kafka prints them.
std::optional<int> AclCode(AclField field, std::string_view name);

// The name of wire code `code` ("UNKNOWN" for a code Kafka does not define).
std::string_view AclName(AclField field, int code);

// "resource type", "pattern type", ... (for messages).
std::string_view AclFieldName(AclField field);

}  // namespace strata::kafka::internal
