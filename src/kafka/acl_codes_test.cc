#include "kafka/acl_codes.h"

#include <gtest/gtest.h>

namespace strata::kafka::internal {
namespace {

TEST(AclCodesTest, NamesMapToKafkaWireCodes) {
  EXPECT_EQ(AclCode(AclField::kResourceType, "TOPIC"), 2);
  EXPECT_EQ(AclCode(AclField::kResourceType, "CLUSTER"), 4);
  EXPECT_EQ(AclCode(AclField::kResourceType, "USER"), 7);
  EXPECT_EQ(AclCode(AclField::kPatternType, "LITERAL"), 3);
  EXPECT_EQ(AclCode(AclField::kPatternType, "PREFIXED"), 4);
  EXPECT_EQ(AclCode(AclField::kOperation, "READ"), 3);
  EXPECT_EQ(AclCode(AclField::kOperation, "IDEMPOTENT_WRITE"), 12);
  EXPECT_EQ(AclCode(AclField::kOperation, "DESCRIBE_TOKENS"), 14);
  EXPECT_EQ(AclCode(AclField::kPermissionType, "DENY"), 2);
  EXPECT_EQ(AclCode(AclField::kPermissionType, "ALLOW"), 3);
}

TEST(AclCodesTest, UnknownNamesAreRejected) {
  EXPECT_EQ(AclCode(AclField::kResourceType, "topic"), std::nullopt);  // case matters
  EXPECT_EQ(AclCode(AclField::kOperation, "READ "), std::nullopt);
  EXPECT_EQ(AclCode(AclField::kPermissionType, ""), std::nullopt);
}

TEST(AclCodesTest, CodesRoundTrip) {
  for (AclField f : {AclField::kResourceType, AclField::kPatternType, AclField::kOperation,
                     AclField::kPermissionType}) {
    for (int code = 0; AclName(f, code) != "UNKNOWN" || code == 0; ++code) {
      EXPECT_EQ(AclCode(f, AclName(f, code)), code) << AclFieldName(f) << " " << code;
    }
  }
}

TEST(AclCodesTest, UnknownCodesAreUnknown) {
  EXPECT_EQ(AclName(AclField::kResourceType, 99), "UNKNOWN");
  EXPECT_EQ(AclName(AclField::kOperation, -1), "UNKNOWN");
  EXPECT_EQ(AclName(AclField::kPatternType, 5), "UNKNOWN");
}

}  // namespace
}  // namespace strata::kafka::internal
