// The admin operations a backup reads and a restore writes, against the real brokers of
// the local stack (KRaft and ZooKeeper mode): cluster id, topic metadata and configs,
// consumer groups and their offsets, and ACLs on brokers without an authorizer.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "kafka/rd_util.h"
#include "tests/integration/stack_env.h"

namespace strata::kafka {
namespace {

using namespace std::chrono_literals;
using testing::StackEnv;
using testing::UniqueName;

Deadline Soon() { return Deadline::After(30s); }

class KafkaAdminTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    auto admin = Admin::Open(Client());
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_ = std::move(*admin);
  }

  ClientOptions Client() { return ClientOptions{StackEnv::Get().Require(GetParam()), {}}; }

  // Creates a topic that is deleted at the end of the test.
  std::string NewTopic(const std::string& prefix, int32_t partitions,
                       std::map<std::string, std::string> configs = {}) {
    std::string name = UniqueName(prefix);
    Status s = admin_->CreateTopic({name, partitions, 1, std::move(configs)}, Soon());
    EXPECT_TRUE(s.ok()) << s.ToString();
    topics_.push_back(name);
    return name;
  }

  void TearDown() override {
    for (const auto& t : topics_) admin_->DeleteTopic(t, Soon()).IgnoreError();
  }

  std::unique_ptr<Admin> admin_;
  std::vector<std::string> topics_;
};

TEST_P(KafkaAdminTest, ClusterIdAndTopicMetadata) {
  auto id = admin_->ClusterId(Soon());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->size(), 22u) << *id;  // base64 of a 16-byte UUID, unpadded

  std::string topic = NewTopic("describe", 3);
  auto info = admin_->DescribeTopic(topic, Soon());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->name, topic);
  EXPECT_EQ(info->partition_count(), 3);
  EXPECT_EQ(info->replication_factor(), 1);
  for (int32_t p = 0; p < 3; ++p) EXPECT_EQ(info->partitions[p].id, p);

  auto missing = admin_->DescribeTopic(UniqueName("no-such-topic"), Soon());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
}

TEST_P(KafkaAdminTest, TopicConfigsSetAtCreationAreTheNonDefaultOnes) {
  std::map<std::string, std::string> set = {
      {"cleanup.policy", "compact"}, {"retention.ms", "3600000"}, {"segment.bytes", "1048576"}};
  std::string topic = NewTopic("configs", 1, set);

  auto configs = admin_->DescribeTopicConfigs(topic, Soon());
  ASSERT_TRUE(configs.ok()) << configs.status().ToString();
  EXPECT_EQ(configs->values, set);
  EXPECT_TRUE(configs->sensitive.empty());

  // Everything: the broker's settings (min.insync.replicas=1 in the stack's
  // server.properties) and built-in defaults come along, ours win for our keys.
  auto all = admin_->DescribeTopicConfigs(topic, Soon(), /*non_default_only=*/false);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_GT(all->values.size(), set.size() + 10);
  for (const auto& [k, v] : set) EXPECT_EQ(all->values[k], v) << k;
  EXPECT_EQ(all->values["min.insync.replicas"], "1");
  EXPECT_TRUE(all->values.contains("max.message.bytes"));

  auto missing = admin_->DescribeTopicConfigs(UniqueName("no-such-topic"), Soon());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
}

TEST_P(KafkaAdminTest, OffsetsCommittedByAConsumerAreListed) {
  std::string topic = NewTopic("group-offsets", 2);
  std::string other = NewTopic("group-offsets-other", 1);
  std::string group = UniqueName("group");
  auto consumer = Consumer::Open(Client(), {.group_id = group});
  ASSERT_TRUE(consumer.ok()) << consumer.status().ToString();
  Status committed = (*consumer)->CommitOffsets({{topic, 0, 3}, {topic, 1, 0}, {other, 0, 5}}, Soon());
  ASSERT_TRUE(committed.ok()) << committed.ToString();

  auto groups = admin_->ListGroups(Soon());
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  auto it = std::find_if(groups->begin(), groups->end(), [&](const GroupInfo& g) { return g.name == group; });
  ASSERT_NE(it, groups->end()) << group << " not listed";
  // A group whose consumer assigns partitions itself has no members and no protocol.
  EXPECT_EQ(it->state, "Empty");
  EXPECT_EQ(it->member_count, 0);
  EXPECT_EQ(it->protocol_type, "");

  auto described = admin_->DescribeGroup(group, Soon());
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->name, group);
  EXPECT_EQ(described->state, "Empty");
  EXPECT_EQ(described->member_count, 0);

  auto offsets = admin_->ListGroupOffsets(group, {}, Soon());
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  std::vector<GroupOffset> want = {{topic, 0, 3, ""}, {topic, 1, 0, ""}, {other, 0, 5, ""}};
  std::sort(want.begin(), want.end(), [](const GroupOffset& a, const GroupOffset& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  });
  EXPECT_EQ(*offsets, want);
  auto filtered = admin_->ListGroupOffsets(group, {other}, Soon());
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  EXPECT_EQ(*filtered, (std::vector<GroupOffset>{{other, 0, 5, ""}}));

  std::string nobody = UniqueName("no-such-group");
  EXPECT_EQ(admin_->DescribeGroup(nobody, Soon()).status().code(), StatusCode::kNotFound);
  auto none = admin_->ListGroupOffsets(nobody, {}, Soon());
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
}

TEST_P(KafkaAdminTest, AdminCommitsOffsetsForAGroupWithoutMembers) {
  std::string topic = NewTopic("restore-offsets", 2);
  std::string group = UniqueName("restored-group");
  Status s = admin_->CommitGroupOffsets(group, {{topic, 0, 2, "restored by strata"}, {topic, 1, 7, ""}}, Soon());
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto offsets = admin_->ListGroupOffsets(group, {topic}, Soon());
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  EXPECT_EQ(*offsets, (std::vector<GroupOffset>{{topic, 0, 2, "restored by strata"}, {topic, 1, 7, ""}}));

  // The group exists now (Empty); committing again moves the offset.
  s = admin_->CommitGroupOffsets(group, {{topic, 0, 4, ""}}, Soon());
  ASSERT_TRUE(s.ok()) << s.ToString();
  offsets = admin_->ListGroupOffsets(group, {topic}, Soon());
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  EXPECT_EQ(*offsets, (std::vector<GroupOffset>{{topic, 0, 4, ""}, {topic, 1, 7, ""}}));

  EXPECT_EQ(admin_->CommitGroupOffsets(group, {{topic, 0, -1, ""}}, Soon()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(admin_->CommitGroupOffsets(group, {{topic, 0, 1, ""}, {topic, 0, 2, ""}}, Soon()).code(),
            StatusCode::kInvalidArgument);
  Status unknown = admin_->CommitGroupOffsets(group, {{UniqueName("no-such-topic"), 0, 1, ""}}, Soon());
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound) << unknown.ToString();
}

// A consumer that joins `group` through librdkafka's subscribe, as an application would;
// it stays a member until destroyed.
class GroupMember {
 public:
  GroupMember(const ClientOptions& client, const std::string& group, const std::string& topic) {
    auto h = internal::NewHandle(RD_KAFKA_CONSUMER, client, {{"group.id", group}, {"enable.auto.commit", "false"}});
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    if (!h.ok()) return;
    handle_ = std::move(*h);
    rd_kafka_t* rk = handle_.rk.get();
    rd_kafka_poll_set_consumer(rk);
    internal::PartitionListPtr topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
    EXPECT_EQ(rd_kafka_subscribe(rk, topics.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ~GroupMember() {
    if (handle_.rk) rd_kafka_consumer_close(handle_.rk.get());
  }

  // Polls until the group has given this member its partitions.
  bool WaitForAssignment(Deadline deadline) {
    while (!deadline.Expired()) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(handle_.rk.get(), 100);
      if (m != nullptr) rd_kafka_message_destroy(m);
      rd_kafka_topic_partition_list_t* assigned = nullptr;
      if (rd_kafka_assignment(handle_.rk.get(), &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      bool has = assigned->cnt > 0;
      rd_kafka_topic_partition_list_destroy(assigned);
      if (has) return true;
    }
    return false;
  }

 private:
  internal::Handle handle_;
};

TEST_P(KafkaAdminTest, CommitWhileAMemberIsActiveIsRefusedNamingTheGroup) {
  std::string topic = NewTopic("active-group", 1);
  std::string group = UniqueName("active-group");
  GroupMember member(Client(), group, topic);
  ASSERT_TRUE(member.WaitForAssignment(Soon()));

  auto described = admin_->DescribeGroup(group, Soon());
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->state, "Stable");
  EXPECT_EQ(described->member_count, 1);
  EXPECT_EQ(described->protocol_type, "consumer");

  Status s = admin_->CommitGroupOffsets(group, {{topic, 0, 1, ""}}, Soon());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("\"" + group + "\""), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("1 active member"), std::string::npos) << s.ToString();

  // The broker itself refuses a commit from outside the group.
  auto outsider = Consumer::Open(Client(), {.group_id = group});
  ASSERT_TRUE(outsider.ok()) << outsider.status().ToString();
  Status direct = (*outsider)->CommitOffsets({{topic, 0, 1}}, Soon());
  EXPECT_EQ(direct.code(), StatusCode::kFailedPrecondition) << direct.ToString();
  EXPECT_NE(direct.message().find(group), std::string::npos) << direct.ToString();
}

TEST_P(KafkaAdminTest, AclsOnAClusterWithoutAuthorizerAreReportedNotFailed) {
  std::string topic = NewTopic("acls", 1);
  for (const AclFilter& filter : {AclFilter::All(), AclFilter::ForTopic(topic)}) {
    auto acls = admin_->DescribeAcls(filter, Soon());
    ASSERT_TRUE(acls.ok()) << acls.status().ToString();
    EXPECT_FALSE(acls->authorizer_enabled);
    EXPECT_TRUE(acls->bindings.empty());
    EXPECT_NE(acls->note.find("ACLs not captured: the cluster has no authorizer"), std::string::npos) << acls->note;
  }
  AclBinding read{"TOPIC", topic, "LITERAL", "User:alice", "*", "READ", "ALLOW"};
  Status created = admin_->CreateAcls({read}, Soon());
  EXPECT_EQ(created.code(), StatusCode::kFailedPrecondition) << created.ToString();
  EXPECT_NE(created.message().find("no authorizer"), std::string::npos) << created.ToString();
}

TEST_P(KafkaAdminTest, AclNamesAreCheckedBeforeAnythingIsSent) {
  AclFilter bad_filter;
  bad_filter.resource_type = "TOPICS";
  EXPECT_EQ(admin_->DescribeAcls(bad_filter, Soon()).status().code(), StatusCode::kInvalidArgument);
  AclBinding binding{"TOPIC", "t", "LITERAL", "User:alice", "*", "READ", "ALLOW"};
  AclBinding match = binding;
  match.pattern_type = "MATCH";  // only in filters
  EXPECT_EQ(admin_->CreateAcls({match}, Soon()).code(), StatusCode::kInvalidArgument);
  AclBinding any = binding;
  any.operation = "ANY";
  EXPECT_EQ(admin_->CreateAcls({any}, Soon()).code(), StatusCode::kInvalidArgument);
  AclBinding txn = binding;
  txn.resource_type = "TRANSACTIONAL_ID";  // Kafka's, but newer than librdkafka 2.0.2
  Status s = admin_->CreateAcls({txn}, Soon());
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(Brokers, KafkaAdminTest, ::testing::Values("KAFKA_BOOTSTRAP", "KAFKA39_BOOTSTRAP"));

}  // namespace
}  // namespace strata::kafka
