#include "restore/zk_kafka_profile.h"

#include <gtest/gtest.h>

namespace strata::restore {
namespace {

TEST(KafkaProfileTest, SkipsRegistrationsQueuesAndPendingAdminWork) {
  EXPECT_EQ(ClassifyKafkaPath("/brokers/ids/0").rule, KafkaRule::kSkip);
  EXPECT_EQ(ClassifyKafkaPath("/brokers/ids").rule, KafkaRule::kRestore);
  EXPECT_EQ(ClassifyKafkaPath("/controller").rule, KafkaRule::kSkip);
  EXPECT_EQ(ClassifyKafkaPath("/config/changes/config_change_0000000003").rule, KafkaRule::kSkip);
  EXPECT_EQ(ClassifyKafkaPath("/config/changes").rule, KafkaRule::kRestore);
  EXPECT_EQ(ClassifyKafkaPath("/isr_change_notification/isr_change_0000000001").rule, KafkaRule::kSkip);
  EXPECT_EQ(ClassifyKafkaPath("/kafka-acl-changes/acl_changes_0000000001").rule, KafkaRule::kSkip);
  EXPECT_EQ(ClassifyKafkaPath("/kafka-acl/Topic/orders").rule, KafkaRule::kRestore);
  EXPECT_EQ(ClassifyKafkaPath("/admin/delete_topics/orders").rule, KafkaRule::kSkip);
  EXPECT_EQ(ClassifyKafkaPath("/admin/reassign_partitions").rule, KafkaRule::kSkip);
  EXPECT_EQ(ClassifyKafkaPath("/migration").rule, KafkaRule::kSkip);
  EXPECT_EQ(ClassifyKafkaPath("/brokers/topics/orders").rule, KafkaRule::kRestore);
  EXPECT_FALSE(ClassifyKafkaPath("/controller").reason.empty());
}

TEST(KafkaProfileTest, CountersAreAdjusted) {
  EXPECT_EQ(ClassifyKafkaPath("/controller_epoch").rule, KafkaRule::kControllerEpoch);
  EXPECT_EQ(ClassifyKafkaPath("/latest_producer_id_block").rule, KafkaRule::kProducerIdBlock);
  EXPECT_EQ(ClassifyKafkaPath("/brokers/seqid").rule, KafkaRule::kBrokerSeqid);
  EXPECT_EQ(ClassifyKafkaPath("/cluster/id").rule, KafkaRule::kClusterId);
}

TEST(KafkaProfileTest, PartitionStates) {
  EXPECT_TRUE(IsPartitionState("/brokers/topics/t/partitions/0/state"));
  EXPECT_FALSE(IsPartitionState("/brokers/topics/t/partitions/0"));
  EXPECT_FALSE(IsPartitionState("/brokers/topics/t"));
  EXPECT_EQ(PartitionStateControllerEpoch(R"({"controller_epoch":7,"leader":0,"version":1,"leader_epoch":3,"isr":[0]})"),
            7);
  EXPECT_FALSE(PartitionStateControllerEpoch("nope").has_value());
  EXPECT_EQ(ParseControllerEpoch("12"), 12);
  EXPECT_FALSE(ParseControllerEpoch("x").has_value());
}

TEST(KafkaProfileTest, ProducerIdBlockMovesAheadUnlessTargetIsLater) {
  std::string block = R"({"version":1,"broker":0,"block_start":"1000","block_end":"1999"})";
  auto bumped = BumpProducerIdBlock(block, std::nullopt, 1000000);
  ASSERT_TRUE(bumped.ok());
  ASSERT_TRUE(bumped->has_value());
  EXPECT_EQ(**bumped, R"({"version":1,"broker":0,"block_start":"1000","block_end":"1001999"})");
  std::string later = R"({"version":1,"broker":0,"block_start":"5000000","block_end":"5000999"})";
  auto kept = BumpProducerIdBlock(block, later, 1000000);
  ASSERT_TRUE(kept.ok());
  EXPECT_FALSE(kept->has_value());
  auto numeric = BumpProducerIdBlock(R"({"block_end":10})", std::nullopt, 5);
  EXPECT_EQ(**numeric, R"({"block_end":15})");
  EXPECT_EQ(BumpProducerIdBlock("", std::nullopt, 5).status().code(), StatusCode::kInvalidArgument);
}

TEST(KafkaProfileTest, ClusterId) {
  EXPECT_EQ(ClusterIdOf(R"({"version":"1","id":"abc"})"), "abc");
  EXPECT_EQ(ClusterIdOf("{}"), "");
}

}  // namespace
}  // namespace strata::restore
