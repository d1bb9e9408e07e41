// strata restore kafka against the real KRaft broker: every kind of topic of the backup
// tests (nulls and empties, binary keys, headers with duplicates and nulls, old
// timestamps, LogAppendTime, records over 1 MiB, transactions, compaction gaps,
// retention gaps, empty partitions) is backed up, restored under another name, and
// compared record by record with the source; consumer groups resume where they were.
#include <gtest/gtest.h>

#include <thread>

#include "backup/kafka_backup.h"
#include "backup/repository.h"
#include "restore/kafka_restore.h"
#include "restore/kafka_target.h"
#include "restore/verify.h"
#include "storage/open_store.h"
#include "tests/integration/restore_test_util.h"

namespace strata::restore {
namespace {

using namespace restore_testing;

class KafkaRestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto admin = kafka::Admin::Open(Client());
    ASSERT_TRUE(admin.ok());
    admin_ = std::move(*admin);
    storage::StoreOptions so;
    so.create_if_missing = true;
    auto store = storage::OpenStore(dir_.path.string(), so);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    auto repo = backup::Repository::Open(*store_, dir_.path.string(), backup::OpenMode::kCreateIfMissing);
    ASSERT_TRUE(repo.ok());
    repo_ = std::make_unique<backup::Repository>(std::move(*repo));
    auto target = OpenKafkaTarget({Client(), {{"linger.ms", "5"}}});
    ASSERT_TRUE(target.ok());
    target_ = std::move(*target);
  }

  std::string CreateTopic(int32_t partitions, std::map<std::string, std::string> configs = {}) {
    std::string name = UniqueName("rs");
    EXPECT_TRUE(admin_->CreateTopic({name, partitions, 1, std::move(configs)}, Deadline::After(30s)).ok());
    return name;
  }

  void Backup(const std::string& topic, kafka::Isolation isolation = kafka::Isolation::kReadCommitted) {
    backup::KafkaBackupOptions o;
    o.client = Client();
    o.topics = {topic};
    o.cluster = "src";
    o.isolation = isolation;
    o.segment_bytes = 256 << 10;
    auto r = backup::RunKafkaBackup(*repo_, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  Result<KafkaRestoreResult> Restore(const std::string& topic, const std::string& as,
                                     const std::function<void(KafkaRestoreOptions&)>& adjust = {}) {
    KafkaRestoreOptions o;
    o.plan.topics = {topic};
    o.plan.renames = {{topic, as}};
    o.checkpoint_interval = 100ms;
    if (adjust) adjust(o);
    return RunKafkaRestore(*repo_, target_.get(), o);
  }

  // Restores `topic` as a new topic and compares it with the source.
  void RestoreAndCompare(const std::string& topic, int32_t partitions, bool timestamps = true) {
    std::string as = topic + "-r";
    auto r = Restore(topic, as);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ExpectSameRecords(ReadTopic(topic, partitions), ReadTopic(as, partitions), timestamps);
    CompareOptions co;
    co.topics = {topic};
    co.renames = {{topic, as}};
    auto cmp = CompareWithKafka(*repo_, *target_, co);
    ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
    for (const auto& c : *cmp) EXPECT_TRUE(c.match()) << c.partition << ": " << c.first_difference;
  }

  TempDir dir_;
  std::unique_ptr<kafka::Admin> admin_;
  std::unique_ptr<storage::ObjectStore> store_;
  std::unique_ptr<backup::Repository> repo_;
  std::unique_ptr<Target> target_;
};

TEST_F(KafkaRestoreTest, EdgeCaseRecordsRoundTrip) {
  std::string topic = CreateTopic(3, {{"retention.ms", "-1"}, {"cleanup.policy", "delete"}});
  auto producer = kafka::Producer::Open(Client(), {});
  ASSERT_TRUE(producer.ok());
  for (int i = 0; i < 1500; ++i) {
    kafka::Record r;
    r.topic = topic;
    r.partition = i % 3;
    switch (i % 5) {
      case 0: break;  // null key, null value
      case 1: r.key = Bytes(); r.value = Bytes(); break;
      case 2: r.key = Bytes("k\0\xff", 3); r.value = Bytes(std::string(3000 + i, 'v')); break;
      case 3: r.value = Bytes("v"); r.headers = {{"dup", Bytes("1")}, {"dup", Bytes("2")}, {"nul", std::nullopt}}; break;
      default: r.key = Bytes("key"); r.headers = {{"", Bytes()}, {"h\xc3\xa9", Bytes("\x00", 1)}}; break;
    }
    r.timestamp_ms = 1'500'000'000'000 + i * 1000;  // 2017: old, kept by retention.ms=-1
    ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
  }
  ASSERT_TRUE((*producer)->Flush(Deadline::After(30s)).ok());
  Backup(topic);
  RestoreAndCompare(topic, 3);
  auto configs = admin_->DescribeTopicConfigs(topic + "-r", Deadline::After(30s));
  ASSERT_TRUE(configs.ok());
  EXPECT_EQ(configs->values.at("retention.ms"), "-1");
}

TEST_F(KafkaRestoreTest, LogAppendTimeAndLargeRecords) {
  std::string topic = CreateTopic(1, {{"message.timestamp.type", "LogAppendTime"}, {"max.message.bytes", "6000000"}});
  Produce(topic, 1, 3, 3 << 20);
  Backup(topic);
  auto r = Restore(topic, topic + "-r");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->topics.size(), 1u);
  EXPECT_TRUE(r->topics[0].log_append_time);
  bool warned = false;
  for (const auto& w : r->warnings) warned = warned || w.find("LogAppendTime") != std::string::npos;
  EXPECT_TRUE(warned);
  auto restored = ReadTopic(topic + "-r", 1);
  ExpectSameRecords(ReadTopic(topic, 1), restored, /*timestamps=*/false);
  EXPECT_EQ(restored[0][0].timestamp_type, format::TimestampType::kLogAppendTime);
}

TEST_F(KafkaRestoreTest, OnlyCommittedTransactionsAreRestored) {
  std::string topic = CreateTopic(1);
  kafka::ProducerOptions po;
  po.transactional_id = UniqueName("txn");
  auto producer = kafka::Producer::Open(Client(), po);
  ASSERT_TRUE(producer.ok());
  ASSERT_TRUE((*producer)->InitTransactions(Deadline::After(30s)).ok());
  for (int t = 0; t < 4; ++t) {
    ASSERT_TRUE((*producer)->BeginTransaction().ok());
    for (int i = 0; i < 5; ++i) {
      kafka::Record r;
      r.topic = topic;
      r.partition = 0;
      r.value = Bytes("t" + std::to_string(t) + "-" + std::to_string(i));
      ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
    }
    ASSERT_TRUE((*producer)->Flush(Deadline::After(30s)).ok());
    Status s = t % 2 == 0 ? (*producer)->CommitTransaction(Deadline::After(30s))
                          : (*producer)->AbortTransaction(Deadline::After(30s));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  Backup(topic);
  RestoreAndCompare(topic, 1);
  EXPECT_EQ(ReadTopic(topic + "-r", 1, kafka::Isolation::kReadUncommitted)[0].size(), 10u);
}

// Deletes records below `offset` with Kafka's own tool.
void DeleteRecordsBefore(const std::string& topic, int32_t partition, int64_t offset) {
  std::string json = std::filesystem::temp_directory_path() / UniqueName("delete.json");
  FILE* f = std::fopen(json.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fprintf(f, "{\"partitions\":[{\"topic\":\"%s\",\"partition\":%d,\"offset\":%lld}],\"version\":1}", topic.c_str(),
               partition, static_cast<long long>(offset));
  std::fclose(f);
  auto [rc, out] = Shell("java -cp '" + StackEnv::Get().Require("KAFKA_LIB") +
                         "/*' org.apache.kafka.tools.DeleteRecordsCommand --bootstrap-server " +
                         StackEnv::Get().Require("KAFKA_BOOTSTRAP") + " --offset-json-file " + json);
  ASSERT_EQ(rc, 0) << out;
  std::filesystem::remove(json);
}

TEST_F(KafkaRestoreTest, RetentionGapsAndEmptyPartitions) {
  std::string topic = CreateTopic(3);
  auto producer = kafka::Producer::Open(Client(), {});
  for (int i = 0; i < 200; ++i) {
    kafka::Record r{topic, 0, -1, Bytes("k"), Bytes(std::to_string(i)), {}, -1, kafka::TimestampType::kCreateTime};
    ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
  }
  ASSERT_TRUE((*producer)->Flush(Deadline::After(30s)).ok());
  DeleteRecordsBefore(topic, 0, 120);
  Backup(topic);
  RestoreAndCompare(topic, 3);
  auto restored = ReadTopic(topic + "-r", 3);
  EXPECT_EQ(restored[0].size(), 80u);
  EXPECT_EQ(restored[0].front().offset, 0);  // a new log starts at 0
  EXPECT_TRUE(restored[1].empty());
  auto info = admin_->DescribeTopic(topic + "-r", Deadline::After(30s));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->partition_count(), 3);
}

TEST_F(KafkaRestoreTest, ConsumerGroupOnCompactedTopicResumesAtFirstUnprocessedRecord) {
  std::string topic = CreateTopic(1, {{"cleanup.policy", "compact"},
                                      {"segment.ms", "100"},
                                      {"min.cleanable.dirty.ratio", "0.001"},
                                      {"min.compaction.lag.ms", "0"},
                                      {"delete.retention.ms", "100"}});
  auto producer = kafka::Producer::Open(Client(), {});
  // Each round rewrites six keys and adds one key of its own: the cleaner keeps the
  // latter, so gaps open between them.
  for (int round = 0; round < 12; ++round) {
    for (int k = 0; k < 7; ++k) {
      std::string key = k < 6 ? "key" + std::to_string(k) : "own" + std::to_string(round);
      kafka::Record r{topic, 0, -1, Bytes(key), Bytes("round" + std::to_string(round)),
                      {}, -1, kafka::TimestampType::kCreateTime};
      ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
    }
    ASSERT_TRUE((*producer)->Flush(Deadline::After(30s)).ok());
    std::this_thread::sleep_for(150ms);
  }
  std::vector<format::KafkaRecord> source;
  for (int i = 0; i < 60; ++i) {
    std::this_thread::sleep_for(500ms);
    source = ReadTopic(topic, 1)[0];
    if (source.size() < 84) break;
  }
  ASSERT_LT(source.size(), 84u) << "the log cleaner did not compact the topic in time";
  // The group processed the records before a compaction gap and committed the position
  // after the last one: an offset the cleaner removed.
  size_t processed = 1;
  while (processed < source.size() && source[processed].offset == source[processed - 1].offset + 1) ++processed;
  ASSERT_LT(processed, source.size()) << "no gap between records";
  std::string group = UniqueName("app");
  int64_t committed = source[processed - 1].offset + 1;
  ASSERT_TRUE(admin_->CommitGroupOffsets(group, {{topic, 0, committed, ""}}, Deadline::After(30s)).ok());
  Backup(topic);
  auto r = Restore(topic, topic + "-r", [&](KafkaRestoreOptions& o) { o.plan.groups_regex = group; });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->groups.size(), 1u);
  EXPECT_TRUE(r->groups[0].status.ok()) << r->groups[0].status.ToString();
  auto offsets = admin_->ListGroupOffsets(group, {topic + "-r"}, Deadline::After(30s));
  ASSERT_TRUE(offsets.ok());
  ASSERT_EQ(offsets->size(), 1u);
  EXPECT_EQ((*offsets)[0].offset, static_cast<int64_t>(processed));
  // Reading from the restored group offset gives exactly the first unprocessed record.
  kafka::ConsumerOptions co;
  co.group_id = group;
  auto consumer = kafka::Consumer::Open(Client(), co);
  ASSERT_TRUE((*consumer)->Assign({{topic + "-r", 0, (*offsets)[0].offset}}).ok());
  std::optional<kafka::Record> first;
  for (int i = 0; i < 40 && !first; ++i) {
    auto ev = (*consumer)->Poll(Deadline::After(500ms));
    ASSERT_TRUE(ev.ok());
    first = ev->record;
  }
  ASSERT_TRUE(first);
  EXPECT_EQ(first->key, source[processed].key);
  EXPECT_EQ(first->value, source[processed].value);
}

}  // namespace
}  // namespace strata::restore
