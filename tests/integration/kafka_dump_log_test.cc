// Apache Kafka's own log dump tool (kafka.tools.DumpLogSegments, from the Kafka 4 jars
// of the local stack) reads a segment strata wrote: every batch is valid (CRC, magic 2,
// zstd and uncompressed), and every record comes out with its offset, timestamp and type,
// key, value and header keys, null and empty told apart.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "format/batch_encoder.h"
#include "format/kafka_record.h"
#include "format/segment_reader.h"
#include "tests/integration/stack_env.h"

namespace strata::format {
namespace {

using testing::StackEnv;

KafkaRecord Rec(int64_t offset, int64_t ts, std::optional<Bytes> key, std::optional<Bytes> value,
                std::vector<KafkaHeader> headers = {},
                TimestampType type = TimestampType::kCreateTime) {
  return KafkaRecord{offset, ts, type, std::move(key), std::move(value), std::move(headers)};
}

// Zstd batches (cut every 3 records), then uncompressed ones, with offset gaps, a
// LogAppendTime batch, null/empty keys and values, duplicate and null-valued headers,
// non-ASCII text, negative and zero timestamps.
std::vector<KafkaRecord> ZstdRecords() {
  auto lat = TimestampType::kLogAppendTime;
  return {
      Rec(0, 1700000000000, Bytes("k0"), Bytes("hello"), {{"h", Bytes("1")}, {"h", Bytes("2")}}),
      Rec(1, 1700000000005, std::nullopt, Bytes("null-key")),
      Rec(2, 1700000000001, Bytes(""), Bytes("empty-key"), {{"n", std::nullopt}, {"e", Bytes()}}),
      Rec(5, 1700000000010, Bytes("k5"), std::nullopt),  // offsets 3-4: a gap; a tombstone
      Rec(6, 1700000000011, Bytes("k6"), Bytes("")),
      Rec(7, 1700000000020, Bytes("k7"), Bytes("appended"), {}, lat),
      Rec(8, 1700000000020, Bytes("k8"), Bytes("appended-too"), {}, lat),
      Rec(9, 0, Bytes("zero"), Bytes("ts-zero")),
      Rec(10, -5, Bytes("negative"), Bytes("ts-negative")),
  };
}

std::vector<KafkaRecord> PlainRecords() {
  return {Rec(100, 1700000001000, Bytes("ключ"), Bytes("значение ✓"),
              {{"ヘッダー", Bytes("v")}}),
          Rec(102, 1700000001001, Bytes("last"), Bytes("bye"))};
}

Bytes EncodeAll(const std::vector<KafkaRecord>& records, Compression c) {
  BatchEncoderOptions options;
  options.compression = c;
  options.max_batch_records = 3;
  BatchEncoder encoder(options);
  for (const auto& r : records) EXPECT_TRUE(encoder.Add(r).ok());
  EXPECT_TRUE(encoder.Flush().ok());
  return Bytes(encoder.finished());
}

// Runs `command` through the shell; returns its exit status and stdout+stderr.
int RunShell(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output->append(buf, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string HeaderKeys(const KafkaRecord& r) {
  std::string out = "[";
  for (size_t i = 0; i < r.headers.size(); ++i) out += (i ? "," : "") + r.headers[i].key;
  return out + "]";
}

TEST(KafkaDumpLogTest, KafkaReadsStrataSegment) {
  std::string kafka_lib = StackEnv::Get().Require("KAFKA_LIB");
  ASSERT_FALSE(kafka_lib.empty());

  std::vector<KafkaRecord> records = ZstdRecords();
  for (auto& r : PlainRecords()) records.push_back(r);
  Bytes segment = EncodeAll(ZstdRecords(), Compression::kZstd) +
                  EncodeAll(PlainRecords(), Compression::kNone);
  // Our own reader agrees before Kafka's does.
  auto ours = DecodeSegment(segment);
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  ASSERT_EQ(*ours, records);

  std::string dir_template = std::filesystem::temp_directory_path() / "strata-dump-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
  std::filesystem::path dir(dir_template);
  // The tool takes the segment's start offset from the file name.
  std::filesystem::path file = dir / "00000000000000000000.log";
  std::ofstream(file, std::ios::binary)
      .write(segment.data(), static_cast<std::streamsize>(segment.size()));

  std::string output;
  int rc = RunShell("java -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8 -cp '" + kafka_lib +
                   "/*' kafka.tools.DumpLogSegments --deep-iteration --print-data-log --files '" +
                   file.string() + "'",
               &output);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(rc, 0) << output;
  EXPECT_EQ(output.find("Exception"), std::string::npos) << output;
  EXPECT_EQ(output.find("invalid bytes"), std::string::npos) << output;
  // Gaps stay visible: the tool lists them as non-consecutive offsets.
  for (const char* gap :
       {"2 is followed by 5", "10 is followed by 100", "100 is followed by 102"}) {
    EXPECT_NE(output.find(gap), std::string::npos) << output;
  }

  // Batch lines: "baseOffset: ... isvalid: true"; record lines: "| offset: N ...".
  std::vector<std::string> batch_lines;
  std::map<int64_t, std::string> record_lines;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("baseOffset:", 0) == 0) batch_lines.push_back(line);
    if (line.rfind("| offset: ", 0) == 0) record_lines[std::stoll(line.substr(10))] = line;
  }
  SegmentReader reader(segment);
  size_t batches = 0;
  while (*reader.Next()) {
    ASSERT_LT(batches, batch_lines.size()) << output;
    const std::string& line = batch_lines[batches++];
    const BatchHeader& h = reader.header();
    for (std::string want :
         {"baseOffset: " + std::to_string(h.base_offset) + " ",
          "lastOffset: " + std::to_string(h.last_offset()) + " ",
          "count: " + std::to_string(h.record_count) + " ", std::string("producerId: -1 "),
          std::string("partitionLeaderEpoch: -1 "), std::string("isTransactional: false "),
          std::string("isControl: false "),
          "position: " + std::to_string(reader.batch_position()) + " ",
          std::string(h.timestamp_type() == TimestampType::kLogAppendTime ? "LogAppendTime: "
                                                                          : "CreateTime: ") +
              std::to_string(h.max_timestamp) + " ",
          "size: " + std::to_string(h.size()) + " ", std::string("magic: 2 "),
          "compresscodec: " + CompressionName(h.compression()) + " ",
          "crc: " + std::to_string(h.crc) + " ", std::string("isvalid: true")}) {
      EXPECT_NE(line.find(want), std::string::npos) << "missing '" << want << "' in: " << line;
    }
  }
  EXPECT_EQ(batches, batch_lines.size()) << output;

  ASSERT_EQ(record_lines.size(), records.size()) << output;
  for (const KafkaRecord& r : records) {
    ASSERT_TRUE(record_lines.count(r.offset)) << "offset " << r.offset << " missing:\n" << output;
    const std::string& line = record_lines[r.offset];
    std::string type =
        r.timestamp_type == TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime";
    std::vector<std::string> wants = {
        "| offset: " + std::to_string(r.offset) + " " + type + ": " +
            std::to_string(r.timestamp_ms) + " ",
        "keySize: " + std::to_string(r.key ? static_cast<int64_t>(r.key->size()) : -1) + " ",
        "valueSize: " + std::to_string(r.value ? static_cast<int64_t>(r.value->size()) : -1) + " ",
        "headerKeys: " + HeaderKeys(r)};
    if (r.key) wants.push_back(" key: " + *r.key + (r.value ? " payload:" : ""));
    if (r.value) wants.push_back(" payload: " + *r.value);
    for (const std::string& want : wants) {
      EXPECT_NE(line.find(want), std::string::npos) << "missing '" << want << "' in: " << line;
    }
    if (!r.key) {
      EXPECT_EQ(line.find(" key: "), std::string::npos) << line;
    }
    if (!r.value) {
      EXPECT_EQ(line.find(" payload:"), std::string::npos) << line;
    }
  }
}

}  // namespace
}  // namespace strata::format
