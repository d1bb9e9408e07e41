// Reading a partition to its end, on the real brokers of the local stack (KRaft and
// ZooKeeper mode), when the log ends in transaction markers and aborted records: a
// committed and an aborted transaction written with the transactional Producer, read back
// with read_committed and read_uncommitted; Position and CommitOffsets after the end.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "tests/integration/stack_env.h"

namespace strata::kafka {
namespace {

using namespace std::chrono_literals;
using testing::StackEnv;
using testing::UniqueName;

Deadline Soon() { return Deadline::After(30s); }

struct ReadResult {
  std::vector<Record> records;
  std::optional<PartitionEnd> end;
};

// Polls until the first end-of-partition event (or the deadline).
ReadResult ReadToEnd(Consumer& consumer, Deadline deadline) {
  ReadResult result;
  while (!deadline.Expired()) {
    auto event = consumer.Poll(Deadline::After(1s));
    EXPECT_TRUE(event.ok()) << event.status().ToString();
    if (!event.ok()) break;
    EXPECT_FALSE(event->record && event->end);
    if (event->record) result.records.push_back(std::move(*event->record));
    if (event->end) {
      result.end = std::move(event->end);
      break;
    }
  }
  return result;
}

Record ValueRecord(const std::string& topic, const std::string& value) {
  Record r;
  r.topic = topic;
  r.partition = 0;
  r.value = value;
  return r;
}

std::vector<std::string> Values(const std::vector<Record>& records) {
  std::vector<std::string> v;
  for (const auto& r : records) v.push_back(r.value.value_or("<null>"));
  return v;
}

class KafkaPartitionEndTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    auto admin = Admin::Open(Client());
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_ = std::move(*admin);
    topic_ = UniqueName("partition-end");
    Status s = admin_->CreateTopic({topic_, 1, 1, {}}, Soon());
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void TearDown() override { admin_->DeleteTopic(topic_, Soon()).IgnoreError(); }

  ClientOptions Client() { return ClientOptions{StackEnv::Get().Require(GetParam()), {}}; }

  // Offsets 0-2: committed records "c0".."c2"; 3: commit marker; 4-5: aborted records
  // "a0", "a1"; 6: abort marker. High watermark 7.
  void WriteCommittedThenAborted() {
    ProducerOptions options;
    options.transactional_id = UniqueName("strata-test-txn");
    auto producer = Producer::Open(Client(), options);
    ASSERT_TRUE(producer.ok()) << producer.status().ToString();
    Producer& p = **producer;
    Status s = p.InitTransactions(Soon());
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(p.BeginTransaction().ok());
    for (const char* v : {"c0", "c1", "c2"}) ASSERT_TRUE(p.Send(ValueRecord(topic_, v), Soon()).ok());
    s = p.CommitTransaction(Soon());
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(p.BeginTransaction().ok());
    for (const char* v : {"a0", "a1"}) ASSERT_TRUE(p.Send(ValueRecord(topic_, v), Soon()).ok());
    // Make sure the aborted records are in the log before the abort marker.
    ASSERT_TRUE(p.Flush(Soon()).ok());
    s = p.AbortTransaction(Soon());
    ASSERT_TRUE(s.ok()) << s.ToString();
    // The transaction coordinator writes the markers after EndTxn has answered: wait
    // until the abort marker is in, so every test starts from the same log.
    auto consumer = Consumer::Open(Client(), {});
    ASSERT_TRUE(consumer.ok()) << consumer.status().ToString();
    int64_t high = -1;
    for (Deadline d = Soon(); !d.Expired() && high < 7;) {
      auto wm = (*consumer)->QueryWatermarks(topic_, 0, Soon());
      if (wm.ok()) high = wm->high;
      if (high < 7) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(high, 7) << "the abort marker did not arrive";
  }

  std::unique_ptr<Consumer> OpenConsumer(Isolation isolation, bool report_end, std::optional<std::string> group = {}) {
    ConsumerOptions options;
    options.isolation = isolation;
    options.report_partition_end = report_end;
    options.group_id = std::move(group);
    auto consumer = Consumer::Open(Client(), options);
    EXPECT_TRUE(consumer.ok()) << consumer.status().ToString();
    return consumer.ok() ? std::move(*consumer) : nullptr;
  }

  std::unique_ptr<Admin> admin_;
  std::string topic_;
};

TEST_P(KafkaPartitionEndTest, ReadCommittedEndsAtTheHighWatermarkPastMarkersAndAbortedRecords) {
  ASSERT_NO_FATAL_FAILURE(WriteCommittedThenAborted());
  std::string group = UniqueName("end-group");
  auto consumer = OpenConsumer(Isolation::kReadCommitted, true, group);
  ASSERT_NE(consumer, nullptr);
  auto wm = consumer->QueryWatermarks(topic_, 0, Soon());
  ASSERT_TRUE(wm.ok()) << wm.status().ToString();
  EXPECT_EQ(wm->high, 7);

  ASSERT_TRUE(consumer->Assign({{topic_, 0, 0}}).ok());
  ReadResult read = ReadToEnd(*consumer, Soon());
  EXPECT_EQ(Values(read.records), (std::vector<std::string>{"c0", "c1", "c2"}));
  ASSERT_TRUE(read.end.has_value()) << "no end of partition event";
  EXPECT_EQ(*read.end, (PartitionEnd{topic_, 0, wm->high}));

  // The position moved past the commit marker, the aborted records and the abort marker.
  auto position = consumer->Position(topic_, 0);
  ASSERT_TRUE(position.ok()) << position.status().ToString();
  EXPECT_EQ(*position, wm->high);

  Status committed = consumer->CommitOffsets({{topic_, 0, *position}}, Soon());
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  auto offsets = admin_->ListGroupOffsets(group, {topic_}, Soon());
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  EXPECT_EQ(*offsets, (std::vector<GroupOffset>{{topic_, 0, 7, ""}}));
}

TEST_P(KafkaPartitionEndTest, ReadUncommittedSeesAbortedRecordsAndEndsAtTheSameOffset) {
  ASSERT_NO_FATAL_FAILURE(WriteCommittedThenAborted());
  auto consumer = OpenConsumer(Isolation::kReadUncommitted, true);
  ASSERT_NE(consumer, nullptr);
  ASSERT_TRUE(consumer->Assign({{topic_, 0, 0}}).ok());
  ReadResult read = ReadToEnd(*consumer, Soon());
  EXPECT_EQ(Values(read.records), (std::vector<std::string>{"c0", "c1", "c2", "a0", "a1"}));
  std::vector<int64_t> offsets;
  for (const auto& r : read.records) offsets.push_back(r.offset);
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 1, 2, 4, 5}));
  ASSERT_TRUE(read.end.has_value());
  EXPECT_EQ(read.end->offset, 7);
  auto position = consumer->Position(topic_, 0);
  ASSERT_TRUE(position.ok()) << position.status().ToString();
  EXPECT_EQ(*position, 7);
}

TEST_P(KafkaPartitionEndTest, EndIsReportedForAnEmptyPartitionAndAgainAfterNewRecords) {
  auto consumer = OpenConsumer(Isolation::kReadCommitted, true);
  ASSERT_NE(consumer, nullptr);
  ASSERT_TRUE(consumer->Assign({{topic_, 0, 0}}).ok());
  auto before = consumer->Position(topic_, 0);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(*before, 0);  // the assigned start
  ReadResult empty = ReadToEnd(*consumer, Soon());
  EXPECT_TRUE(empty.records.empty());
  ASSERT_TRUE(empty.end.has_value());
  EXPECT_EQ(empty.end->offset, 0);

  auto producer = Producer::Open(Client(), {});
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  ASSERT_TRUE((*producer)->Send(ValueRecord(topic_, "late"), Soon()).ok());
  ASSERT_TRUE((*producer)->Flush(Soon()).ok());
  ReadResult more = ReadToEnd(*consumer, Soon());
  EXPECT_EQ(Values(more.records), (std::vector<std::string>{"late"}));
  ASSERT_TRUE(more.end.has_value());
  EXPECT_EQ(more.end->offset, 1);
}

TEST_P(KafkaPartitionEndTest, NoEndEventsUnlessAskedFor) {
  auto consumer = OpenConsumer(Isolation::kReadCommitted, false);
  ASSERT_NE(consumer, nullptr);
  ASSERT_TRUE(consumer->Assign({{topic_, 0, 0}}).ok());
  Deadline deadline = Deadline::After(3s);
  while (!deadline.Expired()) {
    auto event = consumer->Poll(Deadline::After(500ms));
    ASSERT_TRUE(event.ok()) << event.status().ToString();
    EXPECT_TRUE(event->empty());
  }
}

TEST_P(KafkaPartitionEndTest, MisuseIsReportedWithClearCodes) {
  auto consumer = OpenConsumer(Isolation::kReadCommitted, true);
  ASSERT_NE(consumer, nullptr);
  EXPECT_EQ(consumer->Position(topic_, 0).status().code(), StatusCode::kNotFound);  // not assigned
  Status no_group = consumer->CommitOffsets({{topic_, 0, 0}}, Soon());
  EXPECT_EQ(no_group.code(), StatusCode::kFailedPrecondition) << no_group.ToString();

  auto producer = Producer::Open(Client(), {});  // no transactional id
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  Status s = (*producer)->BeginTransaction();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(Brokers, KafkaPartitionEndTest, ::testing::Values("KAFKA_BOOTSTRAP", "KAFKA39_BOOTSTRAP"));

}  // namespace
}  // namespace strata::kafka
