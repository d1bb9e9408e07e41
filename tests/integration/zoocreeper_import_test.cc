// strata import zoocreeper end to end: a live tree in the stack's ZooKeeper (digest
// ACLs, null/empty/binary data, sequential children with gaps, an ephemeral) is written
// as ZooCreeper's Backup.java writes it (pre-order, children sorted, Stat fields, base64
// data, ACLs; plain and gzip), imported with the strata binary from a file and from an
// S3 object, verified, and restored under a fresh path; data, ACLs and the sequence
// counter must match the source. Damaged files fail with one line and commit nothing.
// Fails (never skips) without the stack.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "storage/s3/digest.h"
#include "tests/integration/s3_stack_store.h"
#include "tests/integration/stack_env.h"
#include "tests/integration/zk_test_util.h"

namespace strata::testing {
namespace {

namespace fs = std::filesystem;

std::string Strata(const std::string& args) {
  return std::string("AWS_EC2_METADATA_DISABLED=true ") + STRATA_BINARY + " --log-level error " + args;
}

const std::vector<zk::Acl> kUpAndRead = {zk::Acl{31, "digest", kDigestUp}, zk::Acl{1, "world", "anyone"}};

// ZooCreeper's JSON for the subtree at `path`: one object per znode in pre-order,
// children sorted, fields in Backup.dumpNode's order.
void Dump(zk::Session& zk, const std::string& path, nlohmann::ordered_json& out) {
  auto node = zk.Get(path);
  ASSERT_TRUE(node.ok()) << path << ": " << node.status().ToString();
  auto acl = zk.GetAcl(path);
  ASSERT_TRUE(acl.ok()) << path << ": " << acl.status().ToString();
  const zk::Stat& st = node->stat;
  nlohmann::ordered_json z;
  z["aversion"] = st.aversion;
  z["ctime"] = st.ctime;
  z["cversion"] = st.cversion;
  z["czxid"] = st.czxid;
  z["ephemeralOwner"] = st.ephemeral_owner;
  z["mtime"] = st.mtime;
  z["mzxid"] = st.mzxid;
  z["pzxid"] = st.pzxid;
  z["version"] = st.version;
  z["data"] = node->data ? nlohmann::ordered_json(s3::Base64Encode(*node->data)) : nlohmann::ordered_json(nullptr);
  z["acls"] = nlohmann::ordered_json::array();
  for (const auto& a : *acl) z["acls"].push_back({{"id", a.id}, {"scheme", a.scheme}, {"perms", a.perms}});
  out[path] = std::move(z);
  auto kids = zk.Children(path);
  ASSERT_TRUE(kids.ok()) << kids.status().ToString();
  std::sort(kids->begin(), kids->end());
  for (const auto& k : *kids) Dump(zk, path + "/" + k, out);
}

void WriteFile(const std::string& path, const std::string& text, bool gzip) {
  if (gzip) {
    gzFile f = gzopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary) << text;
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ZoocreeperImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connect_ = StackEnv::Get().Require("ZK_CONNECT");
    zk_ = ConnectZk(connect_, /*auth_up=*/true);
    ASSERT_NE(zk_, nullptr);
    src_ = "/" + UniqueName("zoocreeper-src");
    dst_ = "/" + UniqueName("zoocreeper-dst");
    dir_ = fs::temp_directory_path() / UniqueName("strata-zoocreeper");
    fs::create_directories(dir_);
    BuildTree();
  }
  void TearDown() override {
    if (zk_ != nullptr) {
      DeleteTree(*zk_, dst_);
      zk_.reset();  // takes the ephemeral along
      if (auto again = ConnectZk(connect_, true)) DeleteTree(*again, src_);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void Create(const std::string& path, std::optional<Bytes> data, const std::vector<zk::Acl>& acl = zk::OpenAcl(),
              zk::CreateMode mode = zk::CreateMode::kPersistent) {
    auto r = zk_->Create(path, data, acl, mode);
    ASSERT_TRUE(r.ok()) << path << ": " << r.status().ToString();
  }

  void BuildTree() {
    Create(src_, Bytes("root"));
    Create(src_ + "/bin", Bytes("\0\x01\xfe\xff\n", 5));
    Create(src_ + "/null", std::nullopt);
    Create(src_ + "/empty", Bytes());
    Create(src_ + "/secure", Bytes("secret"), kUpAndRead);
    Create(src_ + "/a b:c%d", Bytes("odd name"));
    Create(src_ + "/a b:c%d/ünï", Bytes(3000, 'x'));
    Create(src_ + "/queue", std::nullopt);
    for (int i = 0; i < 4; ++i) {
      Create(src_ + "/queue/item-", Bytes(1, 'a'), zk::OpenAcl(), zk::CreateMode::kPersistentSequential);
    }
    ASSERT_TRUE(zk_->Delete(src_ + "/queue/item-0000000003").ok());  // cversion 5: creates and deletes count
    Create(src_ + "/eph", Bytes("e"), zk::OpenAcl(), zk::CreateMode::kEphemeral);
    ASSERT_TRUE(zk_->SetData(src_ + "/bin", Bytes("\0\x01\xfe\xff\n", 5)).ok());  // version 1
  }

  // The source as ZooCreeper would have written it (--root-path src, --backup-ephemeral).
  std::string WriteBackup(const std::string& name, bool gzip) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::object();
    Dump(*zk_, src_, doc);
    std::string path = (dir_ / name).string();
    WriteFile(path, doc.dump(2), gzip);
    return path;
  }

  // Restores `repo` under dst_ and compares it with the source (without the ephemeral).
  void RestoreAndCompare(const std::string& repo, const std::string& env = "", const std::string& extra = "") {
    auto [rc, out] = Shell(env + Strata("restore zookeeper --no-progress --from " + repo + extra + " --zookeeper " +
                                        connect_ + " --to-path " + dst_ + " --auth digest:u:p"));
    ASSERT_EQ(rc, 0) << out;
    auto want = ReadTree(*zk_, src_);
    auto got = ReadTree(*zk_, dst_);
    want.erase("/eph");
    want["/"].stat.num_children--;
    ASSERT_EQ(got.size(), want.size()) << out;
    for (const auto& [path, node] : want) {
      ASSERT_TRUE(got.count(path)) << path;
      EXPECT_EQ(got[path].data, node.data) << path;
      EXPECT_EQ(got[path].acl, node.acl) << path;
      EXPECT_EQ(got[path].stat.num_children, node.stat.num_children) << path;
    }
    // The sequence counter came along: the next sequential child gets the number it
    // would have got on the source (5: four creates and a delete), not 3.
    auto probe = zk_->Create(dst_ + "/queue/item-", Bytes("p"), zk::OpenAcl(), zk::CreateMode::kPersistentSequential);
    ASSERT_TRUE(probe.ok()) << probe.status().ToString();
    EXPECT_EQ(*probe, dst_ + "/queue/item-0000000005");
  }

  std::string connect_;
  std::unique_ptr<zk::Session> zk_;
  std::string src_, dst_;
  fs::path dir_;
};

TEST_F(ZoocreeperImportTest, ImportVerifyRestoreAndCompare) {
  for (bool gzip : {false, true}) {
    SCOPED_TRACE(gzip ? "gzip" : "plain");
    std::string file = WriteBackup(gzip ? "backup.json.gz" : "backup.json", gzip);
    std::string repo = (dir_ / (gzip ? "repo-gz" : "repo")).string();
    auto [rc, out] = Shell(Strata("import zoocreeper --no-progress --from " + file + " --to " + repo +
                                  " --name old-zk --taken 2026-11-24T23:00:00Z"));
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("import complete: 12 znodes (1 ephemeral)"), std::string::npos) << out;
    EXPECT_NE(out.find("root " + src_), std::string::npos) << out;
    EXPECT_NE(out.find("20261124T230000.000Z-0000000000000000"), std::string::npos) << out;
    auto [lrc, listed] = Shell(Strata("list --from " + repo));
    EXPECT_EQ(lrc, 0) << listed;
    EXPECT_NE(listed.find("import:zoocreeper"), std::string::npos) << listed;
    auto [vrc, verified] = Shell(Strata("verify --no-progress --from " + repo));
    EXPECT_EQ(vrc, 0) << verified;
    // The same file again is refused: it was imported already.
    auto [arc, again] = Shell(Strata("import zoocreeper --no-progress --from " + file + " --to " + repo +
                                     " --name old-zk --taken 2026-11-24T23:00:00Z"));
    EXPECT_NE(arc, 0);
    EXPECT_NE(again.find("was imported before"), std::string::npos) << again;
    if (!gzip) continue;
    RestoreAndCompare(repo);
  }
}

TEST_F(ZoocreeperImportTest, FromS3ObjectToS3Repository) {
  const auto& env = StackEnv::Get();
  std::string base = FreshUrl("zoocreeper");
  auto store = OpenOrFail(base, StackS3Config(kVersitygw));
  ASSERT_NE(store, nullptr);
  std::string bytes = ReadFile(WriteBackup("s3.json.gz", true));
  ASSERT_TRUE(store->Put(storage::ObjectKey("zk/backup.json.gz"), bytes).ok());
  std::string creds = "AWS_ACCESS_KEY_ID=" + env.Require("S3_ACCESS_KEY") + " AWS_SECRET_ACCESS_KEY=" +
                      env.Require("S3_SECRET_KEY") + " AWS_REGION=" + env.Require("S3_REGION") + " ";
  std::string s3 = " --s3-endpoint " + env.Require("S3_ENDPOINT");
  auto [rc, out] = Shell(creds + Strata("import zoocreeper --no-progress --from " + base + "/zk/backup.json.gz --to " +
                                        base + "/repo --name old-zk" + s3));
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("import complete: 12 znodes"), std::string::npos) << out;
  RestoreAndCompare(base + "/repo", creds, s3);
  DeleteAll(*store);
}

TEST_F(ZoocreeperImportTest, DamagedFilesFailWithOneLineAndCommitNothing) {
  std::string good = WriteBackup("good.json.gz", true);
  std::string cut = (dir_ / "cut.json.gz").string();
  std::string bytes = ReadFile(good);
  WriteFile(cut, bytes.substr(0, bytes.size() - 40), false);
  std::string other = (dir_ / "other.json").string();
  WriteFile(other, R"({"topics":["a"]})", false);
  std::string unordered = (dir_ / "unordered.json").string();
  WriteFile(unordered, R"({"/a":{"data":null,"acls":[]},"/b/c":{"data":null,"acls":[]}})", false);
  for (const std::string& file : {cut, other, unordered}) {
    std::string repo = (dir_ / ("repo-" + fs::path(file).stem().string())).string();
    auto [rc, out] = Shell(Strata("import zoocreeper --no-progress --from " + file + " --to " + repo + " --name z"));
    EXPECT_EQ(rc, 4) << file << ": " << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
    EXPECT_NE(out.find(file), std::string::npos) << out;
    auto [lrc, listed] = Shell(Strata("list --from " + repo));
    EXPECT_EQ(listed.find(" z "), std::string::npos) << listed;  // nothing committed
  }
  // A ZooCreeper file given where a repository is expected names the import.
  auto [hrc, hint] = Shell(Strata("restore zookeeper --no-progress --from " + good + " --zookeeper " + connect_ +
                                  " --to-path " + dst_));
  EXPECT_NE(hrc, 0);
  EXPECT_NE(hint.find("strata import zoocreeper --from " + good), std::string::npos) << hint;
}

}  // namespace
}  // namespace strata::testing
