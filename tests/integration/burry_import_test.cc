// strata import burry end to end: a Burry archive (generated here in Burry's exact
// layout, see docs/import-burry.md) is imported with the strata binary into a local and
// an S3 repository, verified, and restored into the stack's ZooKeeper under a fresh
// path; the restored tree must equal the archive's. Fails (never skips) without the stack.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "burry/burry_test_zip.h"
#include "tests/integration/s3_stack_store.h"
#include "tests/integration/stack_env.h"
#include "tests/integration/zk_test_util.h"

namespace strata::testing {
namespace {

namespace fs = std::filesystem;

std::string Strata(const std::string& args) {
  return std::string("AWS_EC2_METADATA_DISABLED=true ") + STRATA_BINARY + " --log-level error " + args;
}

using Tree = std::map<std::string, std::string>;  // znode path -> data

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

constexpr char kSnapshotId[] = "1700000000";

// The archive Burry writes for `tree` (which must hold every ancestor, like a real tree):
// <id>/<path with ":" escaped>/content per znode, <id>/content for the root, and
// <id>/.burrymeta; entries in file-name order, as Burry's zip library walks them.
std::string BurryZip(const std::string& name, const Tree& tree, const std::string& endpoint) {
  burry::testing::ZipEntries entries;
  std::string id = kSnapshotId;
  entries.push_back({id + "/.burrymeta", R"({"snapshot-date":"2023-11-14T22:13:20Z","svc":"zk","svc-endpoint":")" +
                                             endpoint + R"(","target":"local","target-endpoint":"/backups"})"});
  for (const auto& [path, data] : tree) {
    std::string escaped;
    for (char c : path) escaped += c == ':' ? std::string("BURRY_ESC_COLON") : std::string(1, c);
    entries.push_back({path == "/" ? id + "/content" : id + escaped + "/content", data});
  }
  std::sort(entries.begin(), entries.end());
  return burry::testing::WriteZip(name, entries);
}

class BurryImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connect_ = StackEnv::Get().Require("ZK_CONNECT");
    ASSERT_FALSE(connect_.empty());
    session_ = ConnectZk(connect_);
    ASSERT_NE(session_, nullptr);
    root_ = "/" + UniqueName("burry_import");
    dir_ = fs::temp_directory_path() / UniqueName("strata-burry");
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (session_ != nullptr) DeleteTree(*session_, root_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Restored znodes below `at`, as path -> data (empty for null data).
  Tree Restored(const std::string& at) {
    Tree out;
    for (auto& [path, node] : ReadTree(*session_, at)) out[path] = node.data.value_or("");
    return out;
  }

  std::string connect_;
  std::unique_ptr<zk::Session> session_;
  std::string root_;
  fs::path dir_;
};

Tree Sample() {
  std::string binary("\x00\x01\xfe\xff\n\r\x00z", 8);
  return {{"/", ""},
          {"/app", "{\"v\":1}"},
          {"/app/bin", binary},
          {"/app/empty", ""},
          {"/app/host:9092", "colon"},
          {"/app/a:b:c", "three colons"},
          {"/app/caf\xc3\xa9", "unicode \xe2\x82\xac"},
          {"/app/caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac", "deeper"},
          {"/app/deep", ""},
          {"/app/deep/1", "1"},
          {"/app/deep/1/2", "2"},
          {"/app/deep/1/2/3", std::string(100000, 'x')},
          {"/app/seq-0000000007", "sequential name"},
          {"/zookeeper", ""},
          {"/zookeeper/quota", ""}};
}

TEST_F(BurryImportTest, ImportVerifyRestoreAndCompare) {
  Tree tree = Sample();
  std::string zip = BurryZip("sample.zip", tree, connect_);
  std::string repo = (dir_ / "repo").string();
  auto [rc, out] = Shell(Strata("import burry --no-progress --from " + zip + " --to " + repo + " --name old-zk"));
  ASSERT_EQ(rc, 0) << out;
  // 13 znodes: the tree without /zookeeper and /zookeeper/quota.
  EXPECT_NE(out.find("import complete: 13 znodes (0 implied by deeper paths)"), std::string::npos) << out;
  EXPECT_NE(out.find("2 skipped (/zookeeper)"), std::string::npos) << out;
  EXPECT_NE(out.find("20231114T221320.000Z-0000000000000000"), std::string::npos) << out;

  auto [lrc, listed] = Shell(Strata("list --from " + repo));
  EXPECT_EQ(lrc, 0) << listed;
  EXPECT_NE(listed.find("old-zk"), std::string::npos) << listed;
  EXPECT_NE(listed.find("import:burry"), std::string::npos) << listed;
  auto [vrc, verified] = Shell(Strata("verify --no-progress --from " + repo));
  EXPECT_EQ(vrc, 0) << verified;
  EXPECT_NE(verified.find("checked 1 ZooKeeper snapshots (13 znodes"), std::string::npos) << verified;

  std::string at = root_ + "/restored";
  auto [rrc, restored] =
      Shell(Strata("restore zookeeper --no-progress --from " + repo + " --zookeeper " + connect_ + " --to-path " + at));
  ASSERT_EQ(rrc, 0) << restored;
  Tree expected;
  for (const auto& [path, data] : tree) {
    if (path.rfind("/zookeeper", 0) != 0) expected[path] = data;
  }
  EXPECT_EQ(Restored(at), expected);
  auto nodes = ReadTree(*session_, at);
  ASSERT_TRUE(nodes.count("/app/bin"));
  EXPECT_EQ(nodes["/app/bin"].acl, (std::vector<zk::Acl>{zk::Acl{31, "world", "anyone"}}));
  EXPECT_EQ(nodes["/app/bin"].stat.ephemeral_owner, 0);

  // A second restore leaves existing znodes alone (no --overwrite).
  ASSERT_TRUE(session_->SetData(at + "/app", std::optional<Bytes>("changed on the target")).ok());
  auto [again_rc, again] =
      Shell(Strata("restore zookeeper --no-progress --from " + repo + " --zookeeper " + connect_ + " --to-path " + at));
  EXPECT_EQ(again_rc, 0) << again;
  EXPECT_NE(again.find("0 created, 13 existed"), std::string::npos) << again;
  EXPECT_EQ(Restored(at)["/app"], "changed on the target");

  // Importing the same archive again is refused; nothing changes.
  auto [dup_rc, dup] = Shell(Strata("import burry --no-progress --from " + zip + " --to " + repo + " --name old-zk"));
  EXPECT_NE(dup_rc, 0) << dup;
  EXPECT_NE(dup.find("was imported before"), std::string::npos) << dup;
}

TEST_F(BurryImportTest, KafkaProfileLeavesOutEphemeralPaths) {
  Tree tree = {{"/", ""},
               {"/kafka", ""},
               {"/kafka/brokers", ""},
               {"/kafka/brokers/ids", ""},
               {"/kafka/brokers/ids/1", R"({"host":"k1","port":9092})"},
               {"/kafka/brokers/ids/2", R"({"host":"k2","port":9092})"},
               {"/kafka/brokers/topics", ""},
               {"/kafka/brokers/topics/orders", R"({"version":2,"partitions":{"0":[1,2]}})"},
               {"/kafka/brokers/topics/orders/partitions", ""},
               {"/kafka/brokers/topics/orders/partitions/0", ""},
               {"/kafka/brokers/topics/orders/partitions/0/state",
                R"({"controller_epoch":7,"leader":1,"version":1,"leader_epoch":3,"isr":[1,2]})"},
               {"/kafka/brokers/seqid", ""},
               {"/kafka/controller", R"({"version":1,"brokerid":1,"timestamp":"1"})"},
               {"/kafka/controller_epoch", "7"},
               {"/kafka/cluster", ""},
               {"/kafka/cluster/id", R"({"version":"1","id":"abcdefghijklmnopqrstuv"})"},
               {"/kafka/config", ""},
               {"/kafka/config/topics", ""},
               {"/kafka/config/topics/orders", R"({"version":1,"config":{}})"},
               {"/kafka/config/changes", ""},
               {"/kafka/config/changes/config_change_0000000003", R"({"version":2,"entity_path":"topics/orders"})"}};
  std::string zip = BurryZip("kafka.zip", tree, connect_);
  std::string repo = (dir_ / "repo").string();
  auto [rc, out] = Shell(Strata("import burry --no-progress --from " + zip + " --to " + repo));
  ASSERT_EQ(rc, 0) << out;
  std::string at = root_ + "/kafka";
  std::string restore = "restore zookeeper --no-progress --from " + repo + " --zookeeper " + connect_ +
                        " --path /kafka --to-path " + at + " --profile kafka";
  auto [drc, dry] = Shell(Strata(restore + " --dry-run"));
  ASSERT_EQ(drc, 0) << dry;
  EXPECT_NE(dry.find("- " + at + "/brokers/ids/1"), std::string::npos) << dry;
  EXPECT_NE(dry.find("- " + at + "/controller "), std::string::npos) << dry;
  EXPECT_FALSE(session_->Exists(at).value().has_value()) << "a dry run wrote";
  auto [rrc, restored] = Shell(Strata(restore));
  ASSERT_EQ(rrc, 0) << restored;
  Tree got = Restored(at);
  EXPECT_EQ(got.count("/brokers/ids/1"), 0u);
  EXPECT_EQ(got.count("/brokers/ids/2"), 0u);
  EXPECT_EQ(got.count("/controller"), 0u);
  EXPECT_EQ(got.count("/config/changes/config_change_0000000003"), 0u);
  EXPECT_EQ(got.count("/brokers/ids"), 1u);
  EXPECT_EQ(got["/brokers/topics/orders"], tree["/kafka/brokers/topics/orders"]);
  EXPECT_EQ(got["/brokers/topics/orders/partitions/0/state"], tree["/kafka/brokers/topics/orders/partitions/0/state"]);
  EXPECT_EQ(got["/cluster/id"], tree["/kafka/cluster/id"]);
  EXPECT_EQ(got["/config/topics/orders"], tree["/kafka/config/topics/orders"]);
}

TEST_F(BurryImportTest, BadArchivesFailWithOneLineAndCommitNothing) {
  std::string good = BurryZip("good.zip", Sample(), connect_);
  std::string bytes = ReadFile(good);
  std::string truncated = (dir_ / "1700000000.zip").string();
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() * 2 / 3);
  std::string text = (dir_ / "notes.zip").string();
  std::ofstream(text) << "not a zip\n";
  std::string other = burry::testing::WriteZip("other.zip", {{"README.md", "hello"}});
  std::string repo = (dir_ / "repo").string();
  struct Case {
    std::string from;
    std::string says;
  };
  for (const Case& c : {Case{truncated, "damaged or truncated ZIP"}, Case{text, "not a ZIP archive"},
                        Case{other, "not a Burry backup"}, Case{(dir_ / "absent.zip").string(), "no such file"}}) {
    auto [rc, out] = Shell(Strata("import burry --no-progress --from " + c.from + " --to " + repo + " --name e"));
    EXPECT_NE(rc, 0) << out;
    EXPECT_NE(out.find(c.says), std::string::npos) << out;
    EXPECT_NE(out.find(c.from), std::string::npos) << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  }
  // The archive is checked before the repository is touched: not even strata.json.
  EXPECT_FALSE(fs::exists(repo)) << "something was written for a bad archive";
}

TEST_F(BurryImportTest, RestoreFromABurryArchiveNamesTheImport) {
  std::string zip = BurryZip("hint.zip", Sample(), connect_);
  std::string text = (dir_ / "plain.txt").string();
  std::ofstream(text) << "not a repository\n";
  auto [plain_rc, plain] = Shell(Strata("restore zookeeper --no-progress --from " + text + " --zookeeper " + connect_ +
                                        " --to-path " + root_ + "/x"));
  auto [rc, out] = Shell(Strata("restore zookeeper --no-progress --from " + zip + " --zookeeper " + connect_ +
                                " --to-path " + root_ + "/x"));
  EXPECT_EQ(rc, plain_rc) << out << plain;
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("strata import burry --from " + zip), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  // A directory where Burry's local target left its archive.
  fs::path holder = dir_ / "burry-local";
  fs::create_directories(holder);
  fs::copy_file(zip, holder / "1700000000.zip");
  auto [drc, dout] = Shell(Strata("restore zookeeper --no-progress --from " + holder.string() + " --zookeeper " +
                                  connect_ + " --to-path " + root_ + "/x"));
  EXPECT_NE(drc, 0);
  EXPECT_NE(dout.find("holds a Burry backup"), std::string::npos) << dout;
  EXPECT_FALSE(session_->Exists(root_ + "/x").value().has_value());
  // list and verify say the same, for the file and for the directory.
  for (const std::string& cmd : {"list --from " + zip, "verify --from " + zip, "list --from " + holder.string(),
                                 "verify --from " + holder.string()}) {
    auto [lrc, lout] = Shell(Strata(cmd));
    EXPECT_NE(lrc, 0) << cmd;
    EXPECT_NE(lout.find("strata import burry --from "), std::string::npos) << cmd << ": " << lout;
    EXPECT_EQ(std::count(lout.begin(), lout.end(), '\n'), 1) << cmd << ": " << lout;
  }
}

TEST_F(BurryImportTest, FromS3ObjectToS3Repository) {
  const auto& env = StackEnv::Get();
  std::string base = FreshUrl("burry");
  auto store = OpenOrFail(base, StackS3Config(kVersitygw));
  ASSERT_NE(store, nullptr);
  std::string zip = BurryZip("s3.zip", Sample(), connect_);
  std::string bytes = ReadFile(zip);
  // Burry's S3 key: [PREFIX/]<snapshotid>, no .zip.
  ASSERT_TRUE(store->Put(storage::ObjectKey(std::string("zk-backup/") + kSnapshotId), bytes).ok());
  std::string creds = "AWS_ACCESS_KEY_ID=" + env.Require("S3_ACCESS_KEY") + " AWS_SECRET_ACCESS_KEY=" +
                      env.Require("S3_SECRET_KEY") + " AWS_REGION=" + env.Require("S3_REGION") + " ";
  std::string s3 = " --s3-endpoint " + env.Require("S3_ENDPOINT");
  auto [rc, out] = Shell(creds + Strata("import burry --no-progress --from " + base + "/zk-backup/" + kSnapshotId +
                                        " --to " + base + "/repo" + s3));
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("import complete: 13 znodes"), std::string::npos) << out;
  auto [vrc, verified] = Shell(creds + Strata("verify --no-progress --from " + base + "/repo" + s3));
  EXPECT_EQ(vrc, 0) << verified;
  auto [hrc, hint] = Shell(creds + Strata("restore zookeeper --no-progress --from " + base + "/zk-backup" + s3 +
                                          " --zookeeper " + connect_ + " --to-path " + root_ + "/x"));
  EXPECT_NE(hrc, 0);
  EXPECT_NE(hint.find("holds a Burry backup"), std::string::npos) << hint;
  auto [mrc, missing] = Shell(creds + Strata("import burry --no-progress --from " + base + "/zk-backup/1" + " --to " +
                                             base + "/repo" + s3));
  EXPECT_NE(mrc, 0);
  EXPECT_NE(missing.find("zk-backup/1"), std::string::npos) << missing;
  DeleteAll(*store);
}

}  // namespace
}  // namespace strata::testing
