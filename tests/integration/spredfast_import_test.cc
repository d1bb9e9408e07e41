// strata import spredfast as an operator runs it: a Kafka Connect S3 (Spredfast,
// format=binary) backup generated as the connector writes it (date prefixes, cursor
// files, overlapping objects after a sink restart, a re-upload under the next day's
// prefix, several gzip members per object, empty chunks, zero-length keys and values,
// binary data), in a local directory and in the stack's S3 bucket (versitygw); imported,
// verified, restored into the KRaft broker and read back record by record. Corrupt
// objects (truncated, index mismatch) fail with one error line and leave no manifest.
#include <gtest/gtest.h>
#include <utime.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "format/spredfast_test_util.h"
#include "tests/integration/restore_test_util.h"
#include "tests/integration/s3_stack_store.h"

namespace strata::restore {
namespace {

using namespace restore_testing;
using format::spredfast::testing::BuildDataObject;
using format::spredfast::testing::CursorKey;
using format::spredfast::testing::DataKey;
using format::spredfast::testing::FakeRecord;
using format::spredfast::testing::IndexKey;

// The connector's s3.prefix, and the same as the start of its keys.
constexpr char kPrefixDir[] = "connect-backup";
constexpr char kPrefix[] = "connect-backup/";

struct Partition {
  int64_t start = 0;
  std::vector<FakeRecord> log;  // what the topic held from `start` on
};

struct Source {
  std::map<std::string, std::string> objects;  // key (with kPrefix) -> bytes
  std::map<std::string, std::map<int32_t, Partition>> topics;
};

std::string RandomBytes(std::mt19937& rng, size_t max) {
  std::string s(rng() % (max + 1), '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// One topic as the connector would have uploaded it. Per partition: three objects,
// [0, 100) in chunks of 30, [80, 210) (overlapping: the sink restarted before committing)
// with an empty last chunk, and [210, n) written twice, under two date prefixes (an
// upload retried across UTC midnight).
void AddTopic(Source& src, const std::string& topic, int32_t partitions, bool with_keys, std::mt19937& rng) {
  for (int32_t p = 0; p < partitions; ++p) {
    Partition& part = src.topics[topic][p];
    part.start = p == 1 ? 1000 : 0;  // partition 1 starts after retention removed its head
    const int n = 260 + 20 * p;
    for (int i = 0; i < n; ++i) {
      FakeRecord r;
      if (with_keys && i % 7 != 3) r.key = "k" + std::to_string(i) + RandomBytes(rng, 8);
      if (i % 11 != 5) r.value = RandomBytes(rng, 300);
      part.log.push_back(std::move(r));
    }
    struct File {
      int from, to;
      const char* date;
      bool empty_tail;
    };
    const File files[] = {{0, 100, "2017-07-24", false},
                          {80, 210, "2017-07-25", true},
                          {210, n, "2017-07-25", false},
                          {210, n, "2017-07-26", false}};
    std::string last_index;
    for (const File& f : files) {
      std::vector<std::vector<FakeRecord>> chunks;
      for (int i = f.from; i < f.to; i += 30) {
        chunks.emplace_back(part.log.begin() + i, part.log.begin() + std::min(i + 30, f.to));
      }
      if (f.empty_tail) chunks.emplace_back();
      const int64_t offset = part.start + f.from;
      auto o = BuildDataObject(chunks, offset, with_keys);
      src.objects[DataKey(kPrefix, f.date, topic, p, offset)] = o.gz;
      last_index = IndexKey(kPrefix, f.date, topic, p, offset);
      src.objects[last_index] = o.index_json;
    }
    src.objects[CursorKey(kPrefix, topic, p)] = last_index;
  }
}

// The records a restore of `topic` must produce, per partition: keys of length 0 become
// null (the import's default), values stay as stored.
std::map<int32_t, std::vector<format::KafkaRecord>> Expected(const Source& src, const std::string& topic) {
  std::map<int32_t, std::vector<format::KafkaRecord>> out;
  for (const auto& [p, part] : src.topics.at(topic)) {
    for (const auto& r : part.log) {
      format::KafkaRecord k;
      if (!r.key.empty()) k.key = r.key;
      k.value = r.value;
      out[p].push_back(std::move(k));
    }
  }
  return out;
}

void WriteDir(const std::filesystem::path& root, const std::map<std::string, std::string>& objects) {
  for (const auto& [key, bytes] : objects) {
    std::filesystem::path path = root / key;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
  }
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class SpredfastImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bootstrap_ = StackEnv::Get().Require("KAFKA_BOOTSTRAP");
    std::mt19937 rng(42);
    keyed_ = UniqueName("sfk");
    keyless_ = UniqueName("sfv");
    AddTopic(src_, keyed_, 3, true, rng);
    AddTopic(src_, keyless_, 2, false, rng);
    WriteDir(dir_.path / "source", src_.objects);
  }
  std::string SourceUrl() const { return (dir_.path / "source" / kPrefixDir).string(); }
  std::string Manifests(const std::filesystem::path& repo) const {
    std::string names;
    std::filesystem::path dir = repo / "kafka/spredfast/manifests";
    if (!std::filesystem::exists(dir)) return names;
    for (const auto& e : std::filesystem::directory_iterator(dir)) names += e.path().filename().string() + " ";
    return names;
  }
  void ExpectRestored(const std::string& topic, const std::string& as, int32_t partitions) {
    auto got = ReadTopic(as, partitions);
    auto want = Expected(src_, topic);
    for (const auto& [p, records] : want) {
      ASSERT_EQ(got[p].size(), records.size()) << as << " partition " << p;
      for (size_t i = 0; i < records.size(); ++i) {
        ASSERT_EQ(got[p][i].key, records[i].key) << as << " partition " << p << " record " << i;
        ASSERT_EQ(got[p][i].value, records[i].value) << as << " partition " << p << " record " << i;
        ASSERT_TRUE(got[p][i].headers.empty());
      }
    }
  }

  TempDir dir_;
  Source src_;
  std::string bootstrap_, keyed_, keyless_;
};

TEST_F(SpredfastImportTest, LocalDirectoryImportVerifyRestore) {
  std::string repo = (dir_.path / "repo").string();
  auto [rc, out] = Strata("import spredfast --from " + SourceUrl() + " --to " + repo);
  ASSERT_EQ(rc, 0) << out;
  // 3 x 280.. records: partitions hold 260, 280, 300 (keyed) and 260, 280 (keyless).
  EXPECT_NE(out.find("2 topics, 5 partitions, 1380 records"), std::string::npos) << out;
  EXPECT_NE(out.find(keyed_ + " with keys"), std::string::npos) << out;
  EXPECT_NE(out.find(keyless_ + " without keys"), std::string::npos) << out;
  EXPECT_NE(out.find("0 gaps, 100 duplicates dropped"), std::string::npos) << out;  // 20 per partition
  EXPECT_NE(out.find("5 superseded copies skipped"), std::string::npos) << out;
  auto [vrc, vout] = Strata("verify --no-progress --from " + repo);
  ASSERT_EQ(vrc, 0) << vout;
  auto [lrc, lout] = Strata("list --from " + repo);
  ASSERT_EQ(lrc, 0) << lout;
  EXPECT_NE(lout.find("spredfast"), std::string::npos) << lout;
  auto [rrc, rout] = Strata("restore kafka --no-progress -b " + bootstrap_ + " --from " + repo + " --rename " + keyed_ +
                            ":" + keyed_ + "-r --rename " + keyless_ + ":" + keyless_ + "-r");
  ASSERT_EQ(rrc, 0) << rout;
  ExpectRestored(keyed_, keyed_ + "-r", 3);
  ExpectRestored(keyless_, keyless_ + "-r", 2);
  auto [arc, aout] = Strata("verify --no-progress --from " + repo + " --against-kafka " + bootstrap_ + " -t " + keyed_ +
                            " --rename " + keyed_ + ":" + keyed_ + "-r");
  EXPECT_EQ(arc, 0) << aout;
}

TEST_F(SpredfastImportTest, S3ImportVerifyRestore) {
  const auto& env = StackEnv::Get();
  s3::S3Config config = testing::StackS3Config(testing::kVersitygw);
  std::string base = testing::FreshUrl("spredfast");
  auto source = testing::OpenOrFail(base + "/" + kPrefixDir, config);
  ASSERT_NE(source, nullptr);
  for (const auto& [key, bytes] : src_.objects) {
    ASSERT_TRUE(source->Put(storage::ObjectKey(key.substr(std::string(kPrefix).size())), bytes).ok()) << key;
  }
  std::string creds = "AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=" + env.Require("S3_ACCESS_KEY") +
                      " AWS_SECRET_ACCESS_KEY=" + env.Require("S3_SECRET_KEY") + " AWS_REGION=" +
                      env.Require("S3_REGION") + " ";
  std::string s3 = " --s3-endpoint " + env.Require("S3_ENDPOINT");
  std::string repo = base + "/repo";
  auto [rc, out] = Shell(creds + STRATA_BINARY + " import spredfast --from " + base + "/" + kPrefixDir + " --to " + repo +
                         s3 + " -t " + keyed_ + " --include-keys true --cluster old-connect");
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("1 topics, 3 partitions, 840 records"), std::string::npos) << out;
  auto [vrc, vout] = Shell(creds + STRATA_BINARY + " verify --no-progress --from " + repo + s3);
  ASSERT_EQ(vrc, 0) << vout;
  auto [rrc, rout] = Shell(creds + STRATA_BINARY + " restore kafka --no-progress -b " + bootstrap_ + " --from " + repo +
                           s3 + " --cluster old-connect --rename " + keyed_ + ":" + keyed_ + "-s3");
  ASSERT_EQ(rrc, 0) << rout;
  ExpectRestored(keyed_, keyed_ + "-s3", 3);
  // Pointed at the connector's objects, restore says what they are and how to convert them.
  auto [hrc, hout] = Shell(creds + STRATA_BINARY + " restore kafka -b " + bootstrap_ + " --from " + base + "/" +
                           kPrefixDir + s3);
  EXPECT_EQ(hrc, 1) << hout;
  EXPECT_NE(hout.find("strata import spredfast --from " + base + "/" + kPrefixDir), std::string::npos) << hout;
  auto all = testing::OpenOrFail(base, config);
  if (all) testing::DeleteAll(*all);
}

// Records take the upload time of the object they were read from, so --until T restores
// what the connector had uploaded by T. Here each object was uploaded at 01:00 UTC of the
// day in its key: until 2017-07-24T12:00Z that is the first object, offsets 0..99 (80..99
// were uploaded again the next day; the first copy counts).
TEST_F(SpredfastImportTest, PointInTimeUsesUploadTimes) {
  const int64_t first_upload_ms = 1500858000000;  // 2017-07-24T01:00:00Z
  const int64_t day_ms = 86400000;
  for (const auto& [key, bytes] : src_.objects) {
    if (!key.ends_with(".gz")) continue;
    int day = std::stoi(key.substr(std::string(kPrefix).size() + 8, 2)) - 24;  // ".../2017-07-DD/..."
    utimbuf t;
    t.actime = t.modtime = static_cast<time_t>((first_upload_ms + day * day_ms) / 1000);
    ASSERT_EQ(utime((dir_.path / "source" / key).c_str(), &t), 0) << key;
  }
  std::string repo = (dir_.path / "repo").string();
  auto [rc, out] = Strata("import spredfast --from " + SourceUrl() + " --to " + repo + " -t " + keyed_);
  ASSERT_EQ(rc, 0) << out;
  // Old timestamps: without retention.ms=-1 the broker would delete the restored records.
  auto admin = kafka::Admin::Open(Client());
  ASSERT_TRUE(admin.ok());
  std::string pit = keyed_ + "-pit";
  ASSERT_TRUE((*admin)->CreateTopic({pit, 3, 1, {{"retention.ms", "-1"}}}, Deadline::After(30s)).ok());
  auto [rrc, rout] = Strata("restore kafka --no-progress -b " + bootstrap_ + " --from " + repo + " --rename " + keyed_ +
                            ":" + pit + " --until 2017-07-24T12:00:00Z");
  ASSERT_EQ(rrc, 0) << rout;
  auto got = ReadTopic(pit, 3);
  auto want = Expected(src_, keyed_);
  for (int32_t p = 0; p < 3; ++p) {
    ASSERT_EQ(got[p].size(), 100u) << "partition " << p;
    for (size_t i = 0; i < 100; ++i) {
      ASSERT_EQ(got[p][i].value, want[p][i].value) << p << " " << i;
      ASSERT_EQ(got[p][i].timestamp_ms, first_upload_ms) << p << " " << i;
    }
  }
}

TEST_F(SpredfastImportTest, RestorePointedAtConnectorObjectsNamesTheImport) {
  auto [rc, out] = Strata("restore kafka -b " + bootstrap_ + " --from " + SourceUrl());
  EXPECT_EQ(rc, 1) << out;
  EXPECT_EQ(Count(out, "\n"), 1u) << out;
  EXPECT_NE(out.find("Kafka Connect S3 (Spredfast) backup"), std::string::npos) << out;
  EXPECT_NE(out.find("strata import spredfast --from " + SourceUrl()), std::string::npos) << out;
  // list and verify name it too.
  for (const std::string& cmd : {"list --from " + SourceUrl(), "verify --from " + SourceUrl()}) {
    auto [lrc, lout] = Strata(cmd);
    EXPECT_NE(lrc, 0) << cmd;
    EXPECT_EQ(Count(lout, "\n"), 1u) << cmd << ": " << lout;
    EXPECT_NE(lout.find("strata import spredfast --from " + SourceUrl()), std::string::npos) << cmd << ": " << lout;
  }
}

TEST_F(SpredfastImportTest, CorruptObjectsFailWithOneLineAndNoManifest) {
  // Truncated data object.
  std::string victim = DataKey(kPrefix, "2017-07-25", keyed_, 1, 1080);
  std::filesystem::path gz = dir_.path / "source" / victim;
  std::filesystem::resize_file(gz, std::filesystem::file_size(gz) - 9);
  std::filesystem::path repo = dir_.path / "repo-truncated";
  auto [rc, out] = Strata("import spredfast --from " + SourceUrl() + " --to " + repo.string() + " -t " + keyed_);
  EXPECT_EQ(rc, 4) << out;
  EXPECT_EQ(Count(out, "strata: error:"), 1u) << out;
  EXPECT_NE(out.find(victim.substr(std::string(kPrefix).size())), std::string::npos) << out;
  EXPECT_NE(out.find("truncated"), std::string::npos) << out;
  EXPECT_EQ(Manifests(repo), "");

  // An index that disagrees with its data object: one byte more in the first chunk.
  std::string index_key = IndexKey(kPrefix, "2017-07-24", keyless_, 0, 0);
  std::string index = src_.objects.at(index_key);
  const std::string field = "\"byte_length_uncompressed\":";
  size_t at = index.find(field) + field.size();
  size_t end = index.find(',', at);
  index.replace(at, end - at, std::to_string(std::stoll(index.substr(at, end - at)) + 1));
  std::ofstream(dir_.path / "source" / index_key, std::ios::binary | std::ios::trunc) << index;
  std::filesystem::path repo2 = dir_.path / "repo-index";
  auto [rc2, out2] = Strata("import spredfast --from " + SourceUrl() + " --to " + repo2.string() + " -t " + keyless_ +
                            " --include-keys false");
  EXPECT_EQ(rc2, 4) << out2;
  EXPECT_EQ(Count(out2, "strata: error:"), 1u) << out2;
  EXPECT_NE(out2.find("does not match its index"), std::string::npos) << out2;
  EXPECT_EQ(Manifests(repo2), "");
}

}  // namespace
}  // namespace strata::restore
