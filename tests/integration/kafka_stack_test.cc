// The Kafka brokers of the local stack are real and reachable through strata's kafka
// module: a record with every field that a restore must keep goes in and comes back
// unchanged, on the KRaft broker and on the ZooKeeper-mode broker.
#include <gtest/gtest.h>

#include <chrono>

#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "tests/integration/stack_env.h"

namespace strata::kafka {
namespace {

using namespace std::chrono_literals;
using testing::StackEnv;
using testing::UniqueName;

class KafkaStackTest : public ::testing::TestWithParam<const char*> {
 protected:
  ClientOptions Client() { return ClientOptions{StackEnv::Get().Require(GetParam()), {}}; }
};

std::vector<Record> SampleRecords(const std::string& topic) {
  Record full;
  full.topic = topic;
  full.partition = 1;
  full.key = Bytes("k\0ey", 4);
  full.value = Bytes("hello world");
  full.headers = {{"h", Bytes("1")}, {"h", Bytes("2")}, {"null-valued", std::nullopt}, {"empty", Bytes()}};
  full.timestamp_ms = 1700000000123;
  Record nulls;
  nulls.topic = topic;
  nulls.partition = 1;
  nulls.timestamp_ms = 1700000000124;  // null key, null value (tombstone)
  Record empties = nulls;
  empties.key = Bytes();
  empties.value = Bytes();
  empties.timestamp_ms = 1700000000125;
  return {full, nulls, empties};
}

TEST_P(KafkaStackTest, ProduceAndConsumeKeepsEveryField) {
  auto admin = Admin::Open(Client());
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  auto cluster = (*admin)->DescribeCluster(Deadline::After(30s));
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  ASSERT_EQ(cluster->brokers.size(), 1u);

  std::string topic = UniqueName("stack-probe");
  ASSERT_TRUE((*admin)->CreateTopic({topic, 2, 1, {}}, Deadline::After(30s)).ok());
  Status again = (*admin)->CreateTopic({topic, 2, 1, {}}, Deadline::After(30s));
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.ToString();

  auto producer = Producer::Open(Client(), {});
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  std::vector<Record> sent = SampleRecords(topic);
  for (const auto& r : sent) ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
  Status flushed = (*producer)->Flush(Deadline::After(30s));
  ASSERT_TRUE(flushed.ok()) << flushed.ToString();

  auto consumer = Consumer::Open(Client(), {});
  ASSERT_TRUE(consumer.ok()) << consumer.status().ToString();
  auto wm = (*consumer)->QueryWatermarks(topic, 1, Deadline::After(30s));
  ASSERT_TRUE(wm.ok()) << wm.status().ToString();
  EXPECT_EQ(wm->low, 0);
  EXPECT_EQ(wm->high, 3);
  ASSERT_TRUE((*consumer)->Assign({{topic, 1, 0}}).ok());
  std::vector<Record> got;
  Deadline deadline = Deadline::After(30s);
  while (got.size() < sent.size() && !deadline.Expired()) {
    auto r = (*consumer)->Poll(Deadline::After(1s));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (r->record) got.push_back(std::move(*r->record));
  }
  ASSERT_EQ(got.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    Record want = sent[i];
    want.offset = static_cast<int64_t>(i);
    EXPECT_EQ(got[i], want) << "record " << i;
  }
  EXPECT_TRUE((*admin)->DeleteTopic(topic, Deadline::After(30s)).ok());
}

INSTANTIATE_TEST_SUITE_P(Brokers, KafkaStackTest, ::testing::Values("KAFKA_BOOTSTRAP", "KAFKA39_BOOTSTRAP"));

TEST(KafkaUnreachableTest, MetadataTimesOutAndSaysWhy) {
  auto admin = Admin::Open(ClientOptions{"127.0.0.1:1", {}});
  ASSERT_TRUE(admin.ok());
  auto cluster = (*admin)->DescribeCluster(Deadline::After(3s));
  ASSERT_FALSE(cluster.ok());
  EXPECT_TRUE(IsTransient(cluster.status())) << cluster.status().ToString();
  EXPECT_NE(cluster.status().message().find("127.0.0.1:1"), std::string::npos) << cluster.status().ToString();
}

}  // namespace
}  // namespace strata::kafka
