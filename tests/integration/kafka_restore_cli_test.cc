// strata restore kafka and strata verify as an operator runs them: point in time, a
// restore killed with kill -9 and run again, refusals (fewer partitions), damaged
// repositories (a flipped byte, a truncated manifest, another format version), and an
// S3 repository on versitygw.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "tests/integration/restore_test_util.h"

namespace strata::restore {
namespace {

using namespace restore_testing;

class RestoreCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto admin = kafka::Admin::Open(Client());
    ASSERT_TRUE(admin.ok());
    admin_ = std::move(*admin);
    bootstrap_ = StackEnv::Get().Require("KAFKA_BOOTSTRAP");
  }
  std::string CreateTopic(int32_t partitions, std::map<std::string, std::string> configs = {}) {
    std::string name = UniqueName("rc");
    EXPECT_TRUE(admin_->CreateTopic({name, partitions, 1, std::move(configs)}, Deadline::After(30s)).ok());
    return name;
  }
  void Backup(const std::string& topic) {
    auto [rc, out] = Strata("backup kafka --no-progress -b " + bootstrap_ + " -t " + topic + " --cluster src --to " +
                            repo() + " --segment-size 1");
    ASSERT_EQ(rc, 0) << out;
  }
  std::pair<int, std::string> Restore(const std::string& args) {
    return Strata("restore kafka --no-progress -b " + bootstrap_ + " --from " + repo() + " " + args);
  }
  std::string repo() const { return dir_.path.string(); }
  // The file of the first segment of `topic` partition 0.
  std::filesystem::path FirstSegment(const std::string& topic) {
    std::filesystem::path dir = dir_.path / "kafka/src/segments" / topic / "0";
    std::vector<std::filesystem::path> logs;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".log") logs.push_back(e.path());
    }
    std::sort(logs.begin(), logs.end());
    return logs.empty() ? std::filesystem::path() : logs.front();
  }
  // The oldest manifest.
  std::filesystem::path Manifest() {
    std::vector<std::filesystem::path> all;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path / "kafka/src/manifests")) all.push_back(e.path());
    std::sort(all.begin(), all.end());
    return all.empty() ? std::filesystem::path() : all.front();
  }

  TempDir dir_;
  std::unique_ptr<kafka::Admin> admin_;
  std::string bootstrap_;
};

TEST_F(RestoreCliTest, PointInTimeAndSnapshotSelection) {
  // Old timestamps below: without retention.ms=-1 the broker would delete them.
  std::string topic = CreateTopic(2, {{"retention.ms", "-1"}});
  const int64_t t0 = 1'700'000'000'000;
  Produce(topic, 2, 100, 50, t0);  // timestamps t0 .. t0+99
  Backup(topic);
  Produce(topic, 2, 10, 50, t0 + 1000);
  Backup(topic);
  auto [rc, out] = Restore("-t " + topic + " --rename " + topic + ":" + topic + "-pit --until 1700000000049 --skip-groups");
  ASSERT_EQ(rc, 0) << out;
  auto pit = ReadTopic(topic + "-pit", 2);
  ASSERT_EQ(pit[0].size(), 50u);
  EXPECT_EQ(pit[1].back().timestamp_ms, t0 + 49);
  // --at a time between the two backups restores the first state: 100 per partition.
  std::string first = Manifest().stem().string();
  std::string at = first.substr(0, 4) + "-" + first.substr(4, 2) + "-" + first.substr(6, 2) + "T" + first.substr(9, 2) +
                   ":" + first.substr(11, 2) + ":" + first.substr(13, 6) + "Z";
  auto [rc2, out2] = Restore("-t " + topic + " --rename " + topic + ":" + topic + "-at --at " + at);
  ASSERT_EQ(rc2, 0) << out2;
  EXPECT_EQ(ReadTopic(topic + "-at", 2)[1].size(), 100u) << out2;
  auto [rc3, out3] = Restore("--dry-run -t " + topic);
  EXPECT_EQ(rc3, 0) << out3;
  EXPECT_NE(out3.find("into existing topic"), std::string::npos) << out3;
  EXPECT_NE(out3.find("220 records at most"), std::string::npos) << out3;
}

// `strata list` shows every snapshot of the repository (table and JSON); a missing
// repository is exit 10.
TEST_F(RestoreCliTest, ListShowsTheSnapshots) {
  std::string topic = CreateTopic(2);
  Produce(topic, 2, 30);
  Backup(topic);
  Produce(topic, 2, 10);
  Backup(topic);
  auto [rc, out] = Strata("list --from " + repo());
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("Kafka cluster src: 2 snapshots"), std::string::npos) << out;
  EXPECT_NE(out.find(Manifest().stem().string()), std::string::npos) << out;
  EXPECT_NE(out.find("complete"), std::string::npos) << out;
  auto [jrc, json] = Strata("list --json --last 1 --from " + repo());
  ASSERT_EQ(jrc, 0) << json;
  EXPECT_NE(json.find("\"records\": 80"), std::string::npos) << json;
  EXPECT_NE(json.find("\"snapshot_count\": 2"), std::string::npos) << json;
  EXPECT_EQ(json.find(Manifest().stem().string()), std::string::npos) << "--last 1 shows only the newest";
  auto [mrc, missing] = Strata("list --from " + repo() + "-missing");
  EXPECT_EQ(mrc, 10) << missing;
}

TEST_F(RestoreCliTest, TopicWithFewerPartitionsIsRefused) {
  std::string topic = CreateTopic(3);
  Produce(topic, 3, 10);
  Backup(topic);
  std::string small = CreateTopic(2);
  auto [rc, out] = Restore("-t " + topic + " --rename " + topic + ":" + small);
  EXPECT_EQ(rc, 14) << out;
  EXPECT_NE(out.find("has 2 partitions in the target, the restore needs 3"), std::string::npos) << out;
  EXPECT_EQ(ReadTopic(small, 2)[0].size(), 0u);
}

TEST_F(RestoreCliTest, KilledRestoreResumesWithoutDuplicatesOrGaps) {
  std::string topic = CreateTopic(4);
  Produce(topic, 4, 5000, 1000);  // 20 MB
  Backup(topic);
  std::string as = topic + "-k";
  std::string pidfile = repo() + ".pid";
  for (int attempt = 0; attempt < 2; ++attempt) {
    // Slowed down so the kill lands in the middle of the data.
    std::string cmd = std::string(STRATA_BINARY) + " restore kafka --no-progress --log-level error -b " + bootstrap_ +
                      " --from " + repo() + " -t " + topic + " --rename " + topic + ":" + as +
                      " --max-bytes-per-sec 4MB --checkpoint-interval 0.5 >/dev/null 2>&1 & echo $! > " + pidfile +
                      "; wait";
    std::thread runner([&] { (void)std::system(cmd.c_str()); });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ASSERT_EQ(std::system(("kill -9 $(cat " + pidfile + ")").c_str()), 0);
    runner.join();
  }
  auto partial = ReadTopic(as, 4);
  size_t written = 0;
  for (const auto& [p, records] : partial) written += records.size();
  EXPECT_GT(written, 0u);
  EXPECT_LT(written, 20000u) << "the restore finished before it was killed";
  auto [rc, out] = Restore("-t " + topic + " --rename " + topic + ":" + as);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("resumed"), std::string::npos) << out;
  ExpectSameRecords(ReadTopic(topic, 4), ReadTopic(as, 4));
  auto [vrc, vout] = Strata("verify --from " + repo() + " --against-kafka " + bootstrap_ + " -t " + topic +
                            " --rename " + topic + ":" + as);
  EXPECT_EQ(vrc, 0) << vout;
  EXPECT_NE(vout.find("all match"), std::string::npos) << vout;
  std::filesystem::remove(pidfile);
}

TEST_F(RestoreCliTest, FlippedByteIsReportedAndNothingBadIsWritten) {
  std::string topic = CreateTopic(1);
  Produce(topic, 1, 3000, 200);
  Backup(topic);
  std::filesystem::path seg = FirstSegment(topic);
  ASSERT_FALSE(seg.empty());
  std::string key = std::filesystem::relative(seg, dir_.path).string();
  {
    std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(std::filesystem::file_size(seg) / 2));
    char c;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(seg) / 2));
    f.put(static_cast<char>(c ^ 0x20));
  }
  auto [vrc, vout] = Strata("verify --no-progress --from " + repo());
  EXPECT_EQ(vrc, 4) << vout;
  EXPECT_NE(vout.find(key), std::string::npos) << vout;
  EXPECT_NE(vout.find("base offset"), std::string::npos) << vout;
  auto [rc, out] = Restore("-t " + topic + " --rename " + topic + ":" + topic + "-bad");
  EXPECT_EQ(rc, 4) << out;
  EXPECT_NE(out.find(key), std::string::npos) << out;
  EXPECT_NE(out.find("base offset"), std::string::npos) << out;
  // What was written is a prefix of the source: the records before the damaged batch.
  auto source = ReadTopic(topic, 1)[0];
  auto restored = ReadTopic(topic + "-bad", 1)[0];
  ASSERT_LT(restored.size(), source.size());
  for (size_t i = 0; i < restored.size(); ++i) ASSERT_EQ(restored[i].value, source[i].value) << i;
}

TEST_F(RestoreCliTest, TruncatedManifestAndOtherFormatVersionsAreRefused) {
  std::string topic = CreateTopic(1);
  Produce(topic, 1, 10);
  Backup(topic);
  std::filesystem::path manifest = Manifest();
  std::string text;
  {
    std::ifstream in(manifest);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::resize_file(manifest, text.size() / 2);
  auto [rc, out] = Restore("-t " + topic + " --rename " + topic + ":" + topic + "-t");
  EXPECT_EQ(rc, 4) << out;
  EXPECT_NE(out.find(manifest.filename().string()), std::string::npos) << out;
  auto [vrc, vout] = Strata("verify --no-progress --from " + repo());
  EXPECT_EQ(vrc, 4) << vout;

  std::string v2 = text;
  v2.replace(v2.find("\"version\": 1"), 12, "\"version\": 2");
  std::ofstream(manifest, std::ios::trunc) << v2;
  auto [rc2, out2] = Restore("-t " + topic + " --rename " + topic + ":" + topic + "-t");
  EXPECT_NE(rc2, 0) << out2;
  EXPECT_NE(out2.find("version 2"), std::string::npos) << out2;

  std::ofstream(manifest, std::ios::trunc) << text;
  std::ofstream(dir_.path / "strata.json", std::ios::trunc) << R"({"format": "strata-repository", "version": 2})";
  auto [rc3, out3] = Restore("-t " + topic + " --rename " + topic + ":" + topic + "-t");
  EXPECT_NE(rc3, 0) << out3;
  EXPECT_NE(out3.find("version 2 is newer"), std::string::npos) << out3;
  EXPECT_FALSE(admin_->DescribeTopic(topic + "-t", Deadline::After(30s)).ok());
}

TEST_F(RestoreCliTest, RestoresFromS3) {
  const auto& env = StackEnv::Get();
  std::string topic = CreateTopic(2);
  Produce(topic, 2, 500, 300);
  std::string url = "s3://" + env.Require("S3_BUCKET") + "/" + UniqueName("restore-repo");
  std::string creds = "AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=" + env.Require("S3_ACCESS_KEY") +
                      " AWS_SECRET_ACCESS_KEY=" + env.Require("S3_SECRET_KEY") + " AWS_REGION=" +
                      env.Require("S3_REGION") + " ";
  std::string s3 = " --s3-endpoint " + env.Require("S3_ENDPOINT");
  auto [brc, bout] = Shell(creds + STRATA_BINARY + " backup kafka --no-progress -b " + bootstrap_ + " -t " + topic +
                           " --to " + url + s3);
  ASSERT_EQ(brc, 0) << bout;
  auto [rc, out] = Shell(creds + STRATA_BINARY + " restore kafka --no-progress -b " + bootstrap_ + " --from " + url +
                         s3 + " --rename " + topic + ":" + topic + "-s3");
  ASSERT_EQ(rc, 0) << out;
  ExpectSameRecords(ReadTopic(topic, 2), ReadTopic(topic + "-s3", 2));
  auto [vrc, vout] = Shell(creds + STRATA_BINARY + " verify --no-progress --from " + url + s3);
  EXPECT_EQ(vrc, 0) << vout;
}

}  // namespace
}  // namespace strata::restore
