// strata backup kafka against the real KRaft broker: topics full of edge cases go into a
// repository, and reading the segments back gives exactly what a read_committed (or
// read_uncommitted) consumer reads from the topic: offsets, keys, values (null vs empty),
// headers (order, duplicates, nulls), timestamps and their type.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

#include "backup/kafka_backup.h"
#include "backup/repository.h"
#include "format/record_batch.h"
#include "format/segment_reader.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "storage/open_store.h"
#include "tests/integration/stack_env.h"

namespace strata::backup {
namespace {

using namespace std::chrono_literals;
using testing::StackEnv;
using testing::UniqueName;

kafka::ClientOptions Client() {
  // Large records need a larger producer request size than librdkafka's default.
  return kafka::ClientOptions{StackEnv::Get().Require("KAFKA_BOOTSTRAP"), {{"message.max.bytes", "8000000"}}};
}

storage::StoreOptions CreateDir() {
  storage::StoreOptions o;
  o.create_if_missing = true;
  return o;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() : path(std::filesystem::temp_directory_path() / UniqueName("strata-repo")) {}
  ~TempDir() { std::filesystem::remove_all(path); }
};

// Everything a read of `topic` returns, per partition, as format records.
std::map<int32_t, std::vector<format::KafkaRecord>> ReadTopic(const std::string& topic, int32_t partitions,
                                                              kafka::Isolation isolation) {
  std::map<int32_t, std::vector<format::KafkaRecord>> out;
  kafka::ConsumerOptions o;
  o.isolation = isolation;
  o.report_partition_end = true;
  auto consumer = kafka::Consumer::Open(Client(), o);
  EXPECT_TRUE(consumer.ok());
  std::vector<kafka::PartitionStart> starts;
  std::map<int32_t, int64_t> high;
  for (int32_t p = 0; p < partitions; ++p) {
    auto wm = (*consumer)->QueryWatermarks(topic, p, Deadline::After(30s));
    EXPECT_TRUE(wm.ok());
    high[p] = wm->high;
    if (wm->high > wm->low) starts.push_back({topic, p, wm->low});
  }
  EXPECT_TRUE((*consumer)->Assign(starts).ok());
  size_t ended = 0;
  Deadline deadline = Deadline::After(60s);
  std::map<int32_t, bool> done;
  while (ended < starts.size() && !deadline.Expired()) {
    auto ev = (*consumer)->Poll(Deadline::After(500ms));
    EXPECT_TRUE(ev.ok()) << ev.status().ToString();
    if (!ev.ok()) break;
    if (ev->record) {
      const auto& r = *ev->record;
      format::KafkaRecord f;
      f.offset = r.offset;
      f.timestamp_ms = r.timestamp_ms;
      f.timestamp_type = r.timestamp_type == kafka::TimestampType::kLogAppendTime ? format::TimestampType::kLogAppendTime
                                                                                   : format::TimestampType::kCreateTime;
      f.key = r.key;
      f.value = r.value;
      for (const auto& h : r.headers) f.headers.push_back({h.key, h.value});
      out[r.partition].push_back(std::move(f));
    } else if (ev->end && ev->end->offset >= high[ev->end->partition] && !done[ev->end->partition]) {
      done[ev->end->partition] = true;
      ++ended;
    }
  }
  EXPECT_EQ(ended, starts.size()) << "topic " << topic << " not read to its end";
  return out;
}

// Every record of the latest backup of `topic`, per partition, decoded from the segments.
std::map<int32_t, std::vector<format::KafkaRecord>> ReadBackup(const Repository& repo, const std::string& cluster,
                                                               const std::string& topic) {
  std::map<int32_t, std::vector<format::KafkaRecord>> out;
  auto state = repo.LatestKafkaState(cluster);
  EXPECT_TRUE(state.ok()) << state.status().ToString();
  const auto& t = state->topics.at(topic);
  for (const auto& p : t.partitions) {
    for (const auto& s : p.segments) {
      auto bytes = repo.store().Get(storage::ObjectKey(s.key));
      EXPECT_TRUE(bytes.ok()) << s.key;
      auto records = format::DecodeSegment(*bytes);
      EXPECT_TRUE(records.ok()) << records.status().ToString();
      EXPECT_EQ(static_cast<int64_t>(records->size()), s.records);
      for (auto& r : *records) out[p.partition].push_back(std::move(r));
    }
  }
  return out;
}

// Every test runs with each reader (docs/kafka-backup.md, "Readers").
std::string ReaderFlag(KafkaReader r) {
  return r == KafkaReader::kRaw ? " --reader raw" : " --reader librdkafka";
}

class KafkaBackupTest : public ::testing::TestWithParam<KafkaReader> {
 protected:
  void SetUp() override {
    auto admin = kafka::Admin::Open(Client());
    ASSERT_TRUE(admin.ok());
    admin_ = std::move(*admin);
    auto store = storage::OpenStore(dir_.path.string(), CreateDir());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    auto repo = Repository::Open(*store_, dir_.path.string(), OpenMode::kCreateIfMissing);
    ASSERT_TRUE(repo.ok());
    repo_ = std::make_unique<Repository>(std::move(*repo));
  }

  std::string CreateTopic(int32_t partitions, std::map<std::string, std::string> configs = {}) {
    std::string name = UniqueName("bk");
    EXPECT_TRUE(admin_->CreateTopic({name, partitions, 1, std::move(configs)}, Deadline::After(30s)).ok());
    return name;
  }

  Result<KafkaBackupResult> Backup(const std::string& topic,
                                   kafka::Isolation isolation = kafka::Isolation::kReadCommitted) {
    KafkaBackupOptions o;
    o.reader = GetParam();
    o.client = Client();
    o.topics = {topic};
    o.cluster = "test";
    o.isolation = isolation;
    o.segment_bytes = 256 << 10;  // several segments per partition
    return RunKafkaBackup(*repo_, o);
  }

  void ExpectBackupEqualsTopic(const std::string& topic, int32_t partitions,
                               kafka::Isolation isolation = kafka::Isolation::kReadCommitted) {
    auto want = ReadTopic(topic, partitions, isolation);
    auto got = ReadBackup(*repo_, "test", topic);
    ASSERT_EQ(got.size(), want.size());
    for (const auto& [p, records] : want) {
      ASSERT_EQ(got[p].size(), records.size()) << "partition " << p;
      for (size_t i = 0; i < records.size(); ++i) ASSERT_EQ(got[p][i], records[i]) << "partition " << p << " #" << i;
    }
  }

  TempDir dir_;
  std::unique_ptr<kafka::Admin> admin_;
  std::unique_ptr<storage::ObjectStore> store_;
  std::unique_ptr<Repository> repo_;
};

TEST_P(KafkaBackupTest, EdgeCaseRecordsAcrossPartitionsRoundTrip) {
  // Old timestamps below: without retention.ms=-1 the broker would delete them at once.
  std::string topic = CreateTopic(3, {{"retention.ms", "-1"}});
  auto producer = kafka::Producer::Open(Client(), {});
  ASSERT_TRUE(producer.ok());
  for (int i = 0; i < 3000; ++i) {
    kafka::Record r;
    r.topic = topic;
    r.partition = i % 3;
    switch (i % 6) {
      case 0: break;  // null key, null value
      case 1: r.key = Bytes(); r.value = Bytes(); break;
      case 2: r.key = Bytes("k\0\xff", 3); r.value = Bytes(std::string(2000 + i, 'v')); break;
      case 3: r.value = Bytes("value-only"); r.headers = {{"dup", Bytes("1")}, {"dup", Bytes("2")}, {"nul", std::nullopt}}; break;
      case 4: r.key = Bytes("key"); r.headers = {{"", Bytes()}, {"h\xc3\xa9", Bytes("\x00", 1)}}; break;
      default: r.key = Bytes("k" + std::to_string(i)); r.value = Bytes("v"); r.timestamp_ms = 0; break;
    }
    if (i % 6 != 5) r.timestamp_ms = 1600000000000 + i;
    ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
  }
  ASSERT_TRUE((*producer)->Flush(Deadline::After(30s)).ok());
  auto result = Backup(topic);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->complete);
  EXPECT_EQ(result->records, 3000);
  EXPECT_GT(result->segments_written, 3);
  ExpectBackupEqualsTopic(topic, 3);

  // An incremental run stores only the new records and references the old segments.
  kafka::Record more;
  more.topic = topic;
  more.partition = 1;
  more.value = Bytes("late");
  ASSERT_TRUE((*producer)->Send(more, Deadline::After(30s)).ok());
  ASSERT_TRUE((*producer)->Flush(Deadline::After(30s)).ok());
  auto second = Backup(topic);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->records, 1);
  EXPECT_EQ(second->segments_written, 1);
  ExpectBackupEqualsTopic(topic, 3);
}

TEST_P(KafkaBackupTest, EmptyTopicAndPartitionsAreRecorded) {
  std::string topic = CreateTopic(2);
  auto result = Backup(topic);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->complete);
  auto manifest = repo_->ReadKafkaManifest(result->manifest_key);
  ASSERT_TRUE(manifest.ok());
  const auto* t = manifest->FindTopic(topic);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->partition_count, 2);
  EXPECT_EQ(t->partitions.size(), 2u);
}

TEST_P(KafkaBackupTest, LogAppendTimeAndLargeRecords) {
  std::string topic = CreateTopic(1, {{"message.timestamp.type", "LogAppendTime"}, {"max.message.bytes", "6000000"}});
  auto producer = kafka::Producer::Open(Client(), {});
  ASSERT_TRUE(producer.ok());
  for (int i = 0; i < 4; ++i) {
    kafka::Record r;
    r.topic = topic;
    r.partition = 0;
    r.key = Bytes("big" + std::to_string(i));
    r.value = Bytes(std::string((3 << 20) / (i + 1), static_cast<char>('a' + i)));
    r.timestamp_ms = 1000 + i;  // the broker replaces it
    ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
  }
  ASSERT_TRUE((*producer)->Flush(Deadline::After(60s)).ok());
  auto result = Backup(topic);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ExpectBackupEqualsTopic(topic, 1);
  auto got = ReadBackup(*repo_, "test", topic);
  ASSERT_EQ(got[0].size(), 4u);
  EXPECT_EQ(got[0][0].timestamp_type, format::TimestampType::kLogAppendTime);
  EXPECT_GT(got[0][0].timestamp_ms, 1000000);
  auto manifest = repo_->ReadKafkaManifest(result->manifest_key);
  EXPECT_EQ(manifest->FindTopic(topic)->configs.at("message.timestamp.type"), "LogAppendTime");
}

TEST_P(KafkaBackupTest, TransactionsCommittedOnlyOrEverything) {
  std::string topic = CreateTopic(1);
  kafka::ProducerOptions po;
  po.transactional_id = UniqueName("txn");
  auto producer = kafka::Producer::Open(Client(), po);
  ASSERT_TRUE(producer.ok());
  ASSERT_TRUE((*producer)->InitTransactions(Deadline::After(30s)).ok());
  auto txn = [&](int n, bool commit) {
    ASSERT_TRUE((*producer)->BeginTransaction().ok());
    for (int i = 0; i < n; ++i) {
      kafka::Record r;
      r.topic = topic;
      r.partition = 0;
      r.value = Bytes((commit ? "c" : "a") + std::to_string(i));
      ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
    }
    // Aborting purges records not yet sent; flush so the aborted ones reach the log.
    ASSERT_TRUE((*producer)->Flush(Deadline::After(30s)).ok());
    Status s = commit ? (*producer)->CommitTransaction(Deadline::After(30s))
                      : (*producer)->AbortTransaction(Deadline::After(30s));
    ASSERT_TRUE(s.ok()) << s.ToString();
  };
  txn(3, true);
  txn(2, false);
  txn(1, true);  // the log ends with a commit marker
  auto committed = Backup(topic);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_TRUE(committed->complete);
  EXPECT_EQ(committed->records, 4);
  ExpectBackupEqualsTopic(topic, 1);
  // Offsets of markers and aborted records are gaps in the segments.
  auto got = ReadBackup(*repo_, "test", topic);
  ASSERT_EQ(got[0].size(), 4u);
  EXPECT_EQ(got[0][3].offset, 7);  // 3 records + marker, 2 aborted + marker, then this one

  TempDir other;
  auto store = storage::OpenStore(other.path.string(), CreateDir());
  auto repo = Repository::Open(**store, other.path.string(), OpenMode::kCreateIfMissing);
  KafkaBackupOptions o;
  o.reader = GetParam();
  o.client = Client();
  o.topics = {topic};
  o.cluster = "test";
  o.isolation = kafka::Isolation::kReadUncommitted;
  auto everything = RunKafkaBackup(*repo, o);
  ASSERT_TRUE(everything.ok()) << everything.status().ToString();
  EXPECT_EQ(everything->records, 6);
}

// Deletes records below `offset` with Kafka's own tool (librdkafka 2.0.2 can too, but
// the project's kafka module does not need it outside tests).
void DeleteRecordsBefore(const std::string& topic, int32_t partition, int64_t offset) {
  std::string json = std::filesystem::temp_directory_path() / UniqueName("delete.json");
  std::ofstream(json) << "{\"partitions\":[{\"topic\":\"" << topic << "\",\"partition\":" << partition
                      << ",\"offset\":" << offset << "}],\"version\":1}";
  std::string cmd = "java -cp '" + StackEnv::Get().Require("KAFKA_LIB") +
                    "/*' org.apache.kafka.tools.DeleteRecordsCommand --bootstrap-server " +
                    StackEnv::Get().Require("KAFKA_BOOTSTRAP") + " --offset-json-file " + json + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::filesystem::remove(json);
}

TEST_P(KafkaBackupTest, RecordsDeletedByRetentionBecomeGaps) {
  std::string topic = CreateTopic(1);
  auto producer = kafka::Producer::Open(Client(), {});
  auto produce = [&](int n) {
    for (int i = 0; i < n; ++i) {
      kafka::Record r;
      r.topic = topic;
      r.partition = 0;
      r.value = Bytes("r" + std::to_string(i));
      ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
    }
    ASSERT_TRUE((*producer)->Flush(Deadline::After(30s)).ok());
  };
  produce(100);
  DeleteRecordsBefore(topic, 0, 40);  // the first backup starts at the log start
  auto first = Backup(topic);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->records, 60);
  produce(100);                        // offsets 100..199
  DeleteRecordsBefore(topic, 0, 150);  // 100..149 are gone before the next backup reads them
  auto second = Backup(topic);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->records, 50);
  ASSERT_EQ(second->gaps.size(), 1u);
  auto manifest = repo_->ReadKafkaManifest(second->manifest_key);
  const auto& p = manifest->FindTopic(topic)->partitions[0];
  ASSERT_EQ(p.gaps.size(), 1u);
  EXPECT_EQ(p.gaps[0], (format::OffsetGap{100, 149, "retention"}));
  EXPECT_EQ(p.log_start_offset, 150);
  EXPECT_EQ(p.records, 110);
  // The topic now holds 150..199; the backup 40..99 and 150..199.
  auto topic_now = ReadTopic(topic, 1, kafka::Isolation::kReadCommitted)[0];
  auto backup = ReadBackup(*repo_, "test", topic)[0];
  ASSERT_EQ(backup.size(), 110u);
  EXPECT_EQ(backup.front().offset, 40);
  EXPECT_EQ(backup[59].offset, 99);
  EXPECT_EQ(std::vector<format::KafkaRecord>(backup.begin() + 60, backup.end()), topic_now);
}

TEST_P(KafkaBackupTest, CompactedTopicKeepsItsOffsetGaps) {
  std::string topic = CreateTopic(1, {{"cleanup.policy", "compact"},
                                      {"segment.ms", "100"},
                                      {"min.cleanable.dirty.ratio", "0.001"},
                                      {"min.compaction.lag.ms", "0"},
                                      {"delete.retention.ms", "100"}});
  auto producer = kafka::Producer::Open(Client(), {});
  // Rewrite a few keys many times, with pauses so that segments roll and can be cleaned.
  for (int round = 0; round < 10; ++round) {
    for (int k = 0; k < 5; ++k) {
      kafka::Record r;
      r.topic = topic;
      r.partition = 0;
      r.key = Bytes("key" + std::to_string(k));
      r.value = Bytes("round" + std::to_string(round));
      ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
    }
    ASSERT_TRUE((*producer)->Flush(Deadline::After(30s)).ok());
    std::this_thread::sleep_for(150ms);
  }
  // Wait (bounded) until the cleaner has removed some records.
  size_t seen = 50;
  for (int i = 0; i < 60 && seen == 50; ++i) {
    std::this_thread::sleep_for(500ms);
    seen = ReadTopic(topic, 1, kafka::Isolation::kReadCommitted)[0].size();
  }
  ASSERT_LT(seen, 50u) << "the log cleaner did not compact the topic in time";
  auto result = Backup(topic);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ExpectBackupEqualsTopic(topic, 1);
  auto got = ReadBackup(*repo_, "test", topic);
  bool has_gap = false;
  for (size_t i = 1; i < got[0].size(); ++i) has_gap = has_gap || got[0][i].offset != got[0][i - 1].offset + 1;
  EXPECT_TRUE(has_gap || got[0].front().offset > 0);
}

TEST_P(KafkaBackupTest, ConsumerGroupOffsetsAreCaptured) {
  std::string topic = CreateTopic(2);
  std::string group = UniqueName("app");
  ASSERT_TRUE(admin_->CommitGroupOffsets(group, {{topic, 0, 0, ""}, {topic, 1, 0, "m"}}, Deadline::After(30s)).ok());
  auto result = Backup(topic);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  auto manifest = repo_->ReadKafkaManifest(result->manifest_key);
  bool found = false;
  for (const auto& g : manifest->consumer_groups) {
    if (g.group != group) continue;
    found = true;
    ASSERT_EQ(g.offsets.size(), 2u);
    EXPECT_EQ(g.offsets[1].metadata, "m");
  }
  EXPECT_TRUE(found) << "group " << group << " not in the manifest";
}

// Kafka's DumpLogSegments --deep-iteration over a segment: its output.
std::string DumpLog(ByteView segment) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / UniqueName("strata-dump");
  std::filesystem::create_directories(dir);
  std::filesystem::path file = dir / "00000000000000000000.log";
  std::ofstream(file, std::ios::binary).write(segment.data(), static_cast<std::streamsize>(segment.size()));
  std::string cmd = "java -cp '" + StackEnv::Get().Require("KAFKA_LIB") +
                    "/*' kafka.tools.DumpLogSegments --deep-iteration --files '" + file.string() + "' 2>&1";
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  char buf[4096];
  for (size_t n; pipe != nullptr && (n = fread(buf, 1, sizeof(buf), pipe)) > 0;) out.append(buf, n);
  if (pipe != nullptr) pclose(pipe);
  std::filesystem::remove_all(dir);
  return out;
}

// --reader auto starts raw and, at the first batch the raw reader cannot keep (gzip),
// reads the rest of the run through librdkafka: the backup is complete and exact.
TEST_P(KafkaBackupTest, AutoReaderFallsBackAtGzipBatches) {
  std::string topic = CreateTopic(1);
  for (std::string codec : {"lz4", "gzip"}) {
    kafka::ClientOptions client = Client();
    client.properties.push_back({"compression.type", codec});
    auto producer = kafka::Producer::Open(client, {});
    ASSERT_TRUE(producer.ok());
    for (int i = 0; i < 200; ++i) {
      kafka::Record r;
      r.topic = topic;
      r.key = Bytes(codec + std::to_string(i));
      r.value = Bytes(200, static_cast<char>('a' + i % 26));
      ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
    }
    ASSERT_TRUE((*producer)->Flush(Deadline::After(30s)).ok());
  }
  KafkaBackupOptions o;
  // Raw: auto, which starts raw and falls back; librdkafka reads gzip itself.
  o.reader = GetParam() == KafkaReader::kRaw ? KafkaReader::kAuto : KafkaReader::kLibrdkafka;
  o.client = Client();
  o.topics = {topic};
  o.cluster = "test";
  auto result = RunKafkaBackup(*repo_, o);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->records, 400);
  ExpectBackupEqualsTopic(topic, 1);
}

// The raw reader keeps the source's lz4, zstd and uncompressed batches as they are (and
// Kafka's own tool still reads them); it refuses gzip and snappy, which the librdkafka
// reader re-encodes.
TEST_P(KafkaBackupTest, SourceCodecs) {
  for (std::string codec : {"none", "lz4", "zstd", "gzip", "snappy"}) {
    SCOPED_TRACE(codec);
    std::string topic = CreateTopic(1);
    kafka::ClientOptions client = Client();
    client.properties.push_back({"compression.type", codec});
    client.properties.push_back({"linger.ms", "20"});
    auto producer = kafka::Producer::Open(client, {});
    ASSERT_TRUE(producer.ok());
    for (int i = 0; i < 300; ++i) {
      kafka::Record r;
      r.topic = topic;
      r.key = Bytes("k" + std::to_string(i));
      r.value = Bytes(100 + i, static_cast<char>('a' + i % 26));
      ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
    }
    ASSERT_TRUE((*producer)->Flush(Deadline::After(30s)).ok());
    auto result = Backup(topic);
    bool refused = GetParam() == KafkaReader::kRaw && (codec == "gzip" || codec == "snappy");
    if (refused) {
      EXPECT_EQ(result.status().code(), StatusCode::kUnimplemented) << result.status().ToString();
      EXPECT_NE(result.status().message().find("--reader librdkafka"), std::string::npos) << result.status().ToString();
      EXPECT_NE(result.status().message().find(topic + "/0"), std::string::npos) << result.status().ToString();
      continue;
    }
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->records, 300);
    ExpectBackupEqualsTopic(topic, 1);
    auto state = repo_->LatestKafkaState("test");
    ASSERT_TRUE(state.ok());
    const auto& segment = state->topics.at(topic).partitions.at(0).segments.at(0);
    auto bytes = repo_->store().Get(storage::ObjectKey(segment.key));
    ASSERT_TRUE(bytes.ok());
    auto header = format::ReadBatchHeader(*bytes, 0);
    ASSERT_TRUE(header.ok());
    if (GetParam() == KafkaReader::kRaw) {
      const std::map<std::string, format::Compression> ids{
          {"none", format::Compression::kNone}, {"lz4", format::Compression::kLz4}, {"zstd", format::Compression::kZstd}};
      EXPECT_EQ(header->compression(), ids.at(codec));
      EXPECT_GE(header->producer_id, 0) << "the source's producer id is kept";
    }
    std::string dump = DumpLog(*bytes);
    EXPECT_EQ(dump.find("Exception"), std::string::npos) << dump;
    EXPECT_NE(dump.find("baseOffset: 0 "), std::string::npos) << dump;
    EXPECT_NE(dump.find("| offset: 299 "), std::string::npos) << dump;
  }
}

TEST_P(KafkaBackupTest, UnknownTopicIsNotFoundAndWritesNothing) {
  KafkaBackupOptions o;
  o.reader = GetParam();
  o.client = Client();
  o.topics = {"no-such-topic-" + UniqueName("x")};
  auto result = RunKafkaBackup(*repo_, o);
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  auto manifests = repo_->ListKafkaManifests("test");
  ASSERT_TRUE(manifests.ok());
  EXPECT_TRUE(manifests->empty());
}

}  // namespace
}  // namespace strata::backup

namespace strata::backup {
namespace {

void ProduceN(const std::string& topic, int32_t partitions, int n, size_t value_size) {
  auto producer = kafka::Producer::Open(Client(), {});
  ASSERT_TRUE(producer.ok());
  for (int i = 0; i < n; ++i) {
    kafka::Record r;
    r.topic = topic;
    r.partition = i % partitions;
    r.key = Bytes("k" + std::to_string(i));
    r.value = Bytes(value_size, static_cast<char>('a' + i % 26));
    ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
  }
  ASSERT_TRUE((*producer)->Flush(Deadline::After(60s)).ok());
}

TEST_P(KafkaBackupTest, FollowModeCheckpointsAndStopsCleanly) {
  std::string topic = CreateTopic(2);
  ProduceN(topic, 2, 100, 100);
  KafkaBackupOptions o;
  o.reader = GetParam();
  o.client = Client();
  o.topics = {topic};
  o.cluster = "test";
  o.follow = true;
  o.checkpoint_interval = 300ms;
  Result<KafkaBackupResult> result = InternalError("not run");
  std::thread runner([&] { result = RunKafkaBackup(*repo_, o); });
  std::this_thread::sleep_for(2s);
  ProduceN(topic, 2, 100, 100);
  std::this_thread::sleep_for(2s);
  o.cancel.Cancel();  // what SIGTERM does
  runner.join();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_GE(result->manifests_written, 3);
  EXPECT_EQ(result->records, 200);
  EXPECT_TRUE(result->complete);
  ExpectBackupEqualsTopic(topic, 2);
}

TEST_P(KafkaBackupTest, KilledRunLeavesNoGapOrDuplicateAfterRerun) {
  std::string topic = CreateTopic(4);
  ProduceN(topic, 4, 20000, 200);
  ASSERT_TRUE(Backup(topic).ok());
  ProduceN(topic, 4, 200000, 200);  // about 40 MB more
  std::string cmd = std::string(STRATA_BINARY) + " backup kafka --no-progress --log-level error -b " +
                    StackEnv::Get().Require("KAFKA_BOOTSTRAP") + " -t " + topic + " --cluster test --to " +
                    dir_.path.string() + " --segment-size 1 --memory 16 --zstd-level 19" + ReaderFlag(GetParam()) + " & echo $! > " +
                    dir_.path.string() + ".pid; wait";
  // Segment objects written so far; the run is killed as soon as it has added one (it
  // is then part-way: 40 MB in 1 MiB segments), whatever the reader's speed.
  auto segments = [&] {
    size_t n = 0;
    std::error_code ec;
    for (std::filesystem::recursive_directory_iterator it(dir_.path / "kafka/test/segments", ec), end;
         !ec && it != end; it.increment(ec)) {
      n += it->path().extension() == ".log" ? 1 : 0;
    }
    return n;
  };
  const size_t before = segments();
  std::thread runner([&] { (void)std::system(cmd.c_str()); });
  for (auto until = std::chrono::steady_clock::now() + 60s;
       segments() == before && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(2ms);
  }
  std::string kill = "kill -9 $(cat " + dir_.path.string() + ".pid)";
  int killed = std::system(kill.c_str());
  runner.join();
  ASSERT_EQ(killed, 0) << "the run ended before it could be killed";
  std::filesystem::remove(dir_.path.string() + ".pid");
  auto manifests = repo_->ListKafkaManifests("test");
  ASSERT_TRUE(manifests.ok());
  ASSERT_EQ(manifests->size(), 1u) << "the killed run must not have committed";
  auto rerun = Backup(topic);
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  EXPECT_EQ(rerun->records, 200000);
  ExpectBackupEqualsTopic(topic, 4);
}

// Scale-out: two `--follow` instances in one group share the partitions; one is killed
// with SIGKILL, the other takes its partitions over from the newest manifest, and the
// backup ends up holding every record exactly once.
TEST_P(KafkaBackupTest, TwoFollowInstancesShareTheGroupAndSurviveAKill) {
  // With --reader raw, scale-out mode still reads with librdkafka (the group's consumer).
  const int32_t partitions = 6;
  std::string topic = CreateTopic(partitions);
  ProduceN(topic, partitions, 6000, 200);
  std::string group = UniqueName("strata-scale");
  std::string base = dir_.path.string();
  auto start = [&](const std::string& name) {
    std::string cmd = std::string(STRATA_BINARY) + " backup kafka --no-progress --log-level info -b " +
                      StackEnv::Get().Require("KAFKA_BOOTSTRAP") + " -t " + topic + " --cluster test --to " + base +
                      " --follow --checkpoint-interval 1 --group-id " + group + ReaderFlag(GetParam()) +
                      " -X session.timeout.ms=6000 -X heartbeat.interval.ms=500 > " + base + "." + name +
                      ".log 2>&1 & echo $! > " + base + "." + name + ".pid";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  };
  auto pid = [&](const std::string& name) {
    std::ifstream in(base + "." + name + ".pid");
    std::string p;
    in >> p;
    return p;
  };
  auto log = [&](const std::string& name) {
    std::ifstream in(base + "." + name + ".log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  auto wait_for = [&](const std::function<bool()>& done, std::chrono::seconds limit) {
    for (auto until = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < until;) {
      if (done()) return true;
      std::this_thread::sleep_for(250ms);
    }
    return done();
  };
  auto caught_up = [&] {
    auto consumer = kafka::Consumer::Open(Client(), {});
    auto state = repo_->LatestKafkaState("test");
    if (!consumer.ok() || !state.ok() || !state->topics.count(topic)) return false;
    const auto& t = state->topics.at(topic);
    if (t.partitions.size() != static_cast<size_t>(partitions)) return false;
    for (const auto& p : t.partitions) {
      auto wm = (*consumer)->QueryWatermarks(topic, p.partition, Deadline::After(10s));
      if (!wm.ok() || p.next_offset < wm->high) return false;
    }
    return true;
  };
  auto gets_partitions = [&](const std::string& name) {
    return [&, name] {
      std::string l = log(name);
      return l.find("the group gives this member") != std::string::npos &&
             l.find("the group gives this member 0 partitions") == std::string::npos;
    };
  };

  start("a");
  ASSERT_TRUE(wait_for(caught_up, 60s)) << log("a");
  start("b");
  // B joining makes A save and give up part of the partitions.
  ASSERT_TRUE(wait_for(gets_partitions("b"), 60s)) << log("b");
  ProduceN(topic, partitions, 6000, 200);
  ASSERT_TRUE(wait_for(caught_up, 60s)) << log("a") << log("b");
  ASSERT_EQ(std::system(("kill -9 " + pid("a")).c_str()), 0);
  ProduceN(topic, partitions, 6000, 200);
  // B gets A's partitions once A's session times out (6 s), from the newest manifest.
  ASSERT_TRUE(wait_for(caught_up, 90s)) << log("b");
  ASSERT_EQ(std::system(("kill -TERM " + pid("b")).c_str()), 0);
  ASSERT_TRUE(wait_for([&] { return std::system(("kill -0 " + pid("b") + " 2>/dev/null").c_str()) != 0; }, 60s));
  EXPECT_EQ(log("b").find("error"), std::string::npos) << log("b");
  for (const char* f : {".a.log", ".a.pid", ".b.log", ".b.pid"}) std::filesystem::remove(base + f);
  ExpectBackupEqualsTopic(topic, partitions);
}

}  // namespace
}  // namespace strata::backup

namespace strata::backup {
namespace {

using testing::Shell;

TEST_P(KafkaBackupTest, CliBacksUpToS3AndRefusesWrongCredentials) {
  const auto& env = StackEnv::Get();
  std::string topic = CreateTopic(2);
  ProduceN(topic, 2, 500, 100);
  std::string url = "s3://" + env.Require("S3_BUCKET") + "/" + UniqueName("cli-repo");
  std::string base = "AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=" + env.Require("S3_ACCESS_KEY") +
                     " AWS_REGION=" + env.Require("S3_REGION") + " ";
  std::string args = std::string(" ") + STRATA_BINARY + " backup kafka --no-progress --log-level error -b " +
                     env.Require("KAFKA_BOOTSTRAP") + " -t " + topic + " --to " + url + " --s3-endpoint " +
                     env.Require("S3_ENDPOINT") + ReaderFlag(GetParam());
  auto [rc, out] = Shell(base + "AWS_SECRET_ACCESS_KEY=" + env.Require("S3_SECRET_KEY") + args);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("backup complete: 2 partitions, 500 records"), std::string::npos) << out;
  auto [rc2, out2] = Shell(base + "AWS_SECRET_ACCESS_KEY=" + env.Require("S3_SECRET_KEY") + args);
  EXPECT_EQ(rc2, 0) << out2;
  EXPECT_NE(out2.find("0 records"), std::string::npos) << out2;  // incremental: nothing new
  auto [rc3, out3] = Shell(base + "AWS_SECRET_ACCESS_KEY=not-the-secret" + args);
  EXPECT_EQ(rc3, 13) << out3;
  EXPECT_NE(out3.find("SignatureDoesNotMatch"), std::string::npos) << out3;
  EXPECT_EQ(out3.find("not-the-secret"), std::string::npos) << "a secret was printed: " << out3;
  EXPECT_EQ(std::count(out3.begin(), out3.end(), '\n'), 1) << "one error line expected: " << out3;
}

INSTANTIATE_TEST_SUITE_P(Readers, KafkaBackupTest, ::testing::Values(KafkaReader::kRaw, KafkaReader::kLibrdkafka),
                         [](const ::testing::TestParamInfo<KafkaReader>& info) {
                           return info.param == KafkaReader::kRaw ? "Raw" : "Librdkafka";
                         });

}  // namespace
}  // namespace strata::backup
