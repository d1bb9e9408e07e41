// Helpers for the Kafka restore integration tests: reading a topic back as format
// records, producing test records, running the strata binary, and a temporary local
// repository. Header-only; thread-compatible.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "format/kafka_record.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "tests/integration/stack_env.h"

namespace strata::restore_testing {

using namespace std::chrono_literals;
using testing::StackEnv;
using testing::UniqueName;

inline kafka::ClientOptions Client() {
  return kafka::ClientOptions{StackEnv::Get().Require("KAFKA_BOOTSTRAP"), {{"message.max.bytes", "8000000"}}};
}

struct TempDir {
  std::filesystem::path path;
  TempDir() : path(std::filesystem::temp_directory_path() / UniqueName("strata-restore")) {}
  ~TempDir() { std::filesystem::remove_all(path); }
};

inline format::KafkaRecord ToFormat(const kafka::Record& r) {
  format::KafkaRecord f;
  f.offset = r.offset;
  f.timestamp_ms = r.timestamp_ms;
  f.timestamp_type = r.timestamp_type == kafka::TimestampType::kLogAppendTime ? format::TimestampType::kLogAppendTime
                                                                               : format::TimestampType::kCreateTime;
  f.key = r.key;
  f.value = r.value;
  for (const auto& h : r.headers) f.headers.push_back({h.key, h.value});
  return f;
}

// Every record of `topic` (from each partition's log start), per partition.
inline std::map<int32_t, std::vector<format::KafkaRecord>> ReadTopic(
    const std::string& topic, int32_t partitions, kafka::Isolation isolation = kafka::Isolation::kReadCommitted) {
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
    EXPECT_TRUE(wm.ok()) << wm.status().ToString();
    if (!wm.ok()) return out;
    high[p] = wm->high;
    out[p];
    if (wm->high > wm->low) starts.push_back({topic, p, wm->low});
  }
  EXPECT_TRUE((*consumer)->Assign(starts).ok());
  std::map<int32_t, bool> done;
  size_t ended = 0;
  Deadline deadline = Deadline::After(90s);
  while (ended < starts.size() && !deadline.Expired()) {
    auto ev = (*consumer)->Poll(Deadline::After(500ms));
    EXPECT_TRUE(ev.ok()) << ev.status().ToString();
    if (!ev.ok()) break;
    if (ev->record) {
      out[ev->record->partition].push_back(ToFormat(*ev->record));
    } else if (ev->end && ev->end->offset >= high[ev->end->partition] && !done[ev->end->partition]) {
      done[ev->end->partition] = true;
      ++ended;
    }
  }
  EXPECT_EQ(ended, starts.size()) << "topic " << topic << " not read to its end";
  return out;
}

// Expects `restored` to hold exactly the records of `source`, in order, with the same
// key, value, headers and (unless `timestamps` is false) timestamps.
inline void ExpectSameRecords(const std::map<int32_t, std::vector<format::KafkaRecord>>& source,
                              const std::map<int32_t, std::vector<format::KafkaRecord>>& restored,
                              bool timestamps = true) {
  for (const auto& [p, want] : source) {
    auto it = restored.find(p);
    ASSERT_NE(it, restored.end()) << "partition " << p << " not restored";
    const auto& got = it->second;
    ASSERT_EQ(got.size(), want.size()) << "partition " << p;
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(got[i].key, want[i].key) << "partition " << p << " record " << i;
      ASSERT_EQ(got[i].value, want[i].value) << "partition " << p << " record " << i;
      ASSERT_EQ(got[i].headers, want[i].headers) << "partition " << p << " record " << i;
      if (timestamps) {
        ASSERT_EQ(got[i].timestamp_ms, want[i].timestamp_ms) << "partition " << p << " record " << i;
      }
    }
  }
}

// Produces `n` records per partition: key "k<i>", a value of `value_bytes` bytes, a
// header, and timestamp base_ts + i (or the producer's clock when base_ts is 0).
inline void Produce(const std::string& topic, int32_t partitions, int n, size_t value_bytes = 100,
                    int64_t base_ts = 0) {
  auto producer = kafka::Producer::Open(Client(), {});
  ASSERT_TRUE(producer.ok());
  for (int i = 0; i < n; ++i) {
    for (int32_t p = 0; p < partitions; ++p) {
      kafka::Record r;
      r.topic = topic;
      r.partition = p;
      r.key = "k" + std::to_string(i);
      r.value = std::string(value_bytes, static_cast<char>('a' + (i + p) % 26));
      r.headers = {{"i", std::to_string(i)}};
      if (base_ts > 0) r.timestamp_ms = base_ts + i;
      ASSERT_TRUE((*producer)->Send(r, Deadline::After(30s)).ok());
    }
  }
  ASSERT_TRUE((*producer)->Flush(Deadline::After(60s)).ok());
}

using testing::Shell;

// `strata <args>` with the test stack's Kafka as -b where asked.
inline std::pair<int, std::string> Strata(const std::string& args) {
  return Shell(std::string(STRATA_BINARY) + " --log-level warn " + args);
}

}  // namespace strata::restore_testing
