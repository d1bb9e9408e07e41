#include "zoocreeper/zoocreeper_file.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace strata::zoocreeper {
namespace {

namespace fs = std::filesystem;

// A backup as ZooCreeper's Backup.java writes it: paths in pre-order, Stat fields in its
// order, data as base64 or null, then the ACLs.
constexpr const char* kSample = R"({
  "/" : {"aversion":0,"ctime":0,"cversion":3,"czxid":0,"ephemeralOwner":0,"mtime":0,"mzxid":0,"pzxid":12,
         "version":0,"data":null,"acls":[{"id":"anyone","scheme":"world","perms":31}]},
  "/a" : {"aversion":1,"ctime":1700000000123,"cversion":0,"czxid":4294967298,"ephemeralOwner":0,
          "mtime":1700000000456,"mzxid":4294967299,"pzxid":4294967298,"version":2,"data":"AAH+/w==",
          "acls":[{"id":"u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ=","scheme":"digest","perms":31},
                  {"id":"anyone","scheme":"world","perms":1}]},
  "/a/empty" : {"aversion":0,"ctime":1,"cversion":0,"czxid":5,"ephemeralOwner":0,"mtime":1,"mzxid":5,"pzxid":5,
                "version":0,"data":"","acls":[]},
  "/a/eph" : {"aversion":0,"ctime":1,"cversion":0,"czxid":6,"ephemeralOwner":72057594037927937,"mtime":1,
              "mzxid":6,"pzxid":6,"version":0,"data":"eA==","acls":[{"id":"anyone","scheme":"world","perms":31}]}
})";

class ZoocreeperFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("zoocreeper-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text, bool gzip = false) {
    std::string path = (dir_ / name).string();
    if (gzip) {
      gzFile f = gzopen(path.c_str(), "wb");
      gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
      gzclose(f);
    } else {
      std::ofstream(path, std::ios::binary) << text;
    }
    return path;
  }

  Result<std::vector<BackupZnode>> Read(const std::string& path) {
    std::vector<BackupZnode> out;
    auto stats = ReadBackup(path, "backup.json", [&](const BackupZnode& z) {
      out.push_back(z);
      return OkStatus();
    });
    if (!stats.ok()) return stats.status();
    stats_ = *stats;
    return out;
  }

  fs::path dir_;
  ReadStats stats_;
};

TEST_F(ZoocreeperFileTest, ReadsEveryFieldPlainAndGzipped) {
  for (bool gzip : {false, true}) {
    auto nodes = Read(Write(gzip ? "b.json.gz" : "b.json", kSample, gzip));
    ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
    EXPECT_EQ(stats_.compressed, gzip);
    ASSERT_EQ(nodes->size(), 4u);
    const auto& root = (*nodes)[0];
    EXPECT_EQ(root.path, "/");
    EXPECT_FALSE(root.data.has_value());
    EXPECT_EQ(root.stat.cversion, 3);
    const auto& a = (*nodes)[1];
    EXPECT_EQ(a.path, "/a");
    EXPECT_EQ(a.data, Bytes("\0\x01\xfe\xff", 4));
    EXPECT_EQ(a.stat.czxid, 4294967298);
    EXPECT_EQ(a.stat.ctime, 1700000000123);
    EXPECT_EQ(a.stat.mtime, 1700000000456);
    EXPECT_EQ(a.stat.version, 2);
    EXPECT_EQ(a.stat.aversion, 1);
    EXPECT_EQ(a.stat.data_length, 4);
    EXPECT_EQ(a.stat.num_children, -1);
    ASSERT_EQ(a.acl.size(), 2u);
    EXPECT_EQ(a.acl[0], (format::ZnodeAcl{31, "digest", "u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ="}));
    EXPECT_EQ(a.acl[1], (format::ZnodeAcl{1, "world", "anyone"}));
    EXPECT_EQ((*nodes)[2].data, Bytes());  // empty, not null
    EXPECT_TRUE((*nodes)[2].acl.empty());
    EXPECT_EQ((*nodes)[3].stat.ephemeral_owner, 72057594037927937);
  }
}

TEST_F(ZoocreeperFileTest, UnknownFieldsAreSkipped) {
  auto nodes = Read(Write("x.json", R"({"/x":{"extra":{"a":[1,{"b":2}]},"data":"","acls":[{"id":"anyone",
      "scheme":"world","perms":31,"note":[1]}],"dataLength":0}})"));
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ(stats_.ignored_fields, 3u);
  EXPECT_EQ((*nodes)[0].acl.size(), 1u);
}

TEST_F(ZoocreeperFileTest, DamageIsDataLossNamingWhere) {
  struct Case {
    std::string text;
    std::string says;
  };
  std::vector<Case> cases = {
      {R"({"/a":{"data":"","acls":[]},"/b":{"data":"", )", "after znode /a"},
      {R"({"a":{"data":"","acls":[]}})", "not an absolute znode path"},
      {R"({"/a/":{"data":"","acls":[]}})", "not an absolute znode path"},
      {R"({"/a/../b":{"data":"","acls":[]}})", "not an absolute znode path"},
      {R"({"/a":{"acls":[]}})", "no \"data\""},
      {R"({"/a":{"data":""}})", "no \"acls\""},
      {R"({"/a":{"data":"!!!!","acls":[]}})", "not base64"},
      {R"({"/a":{"data":"","version":"1","acls":[]}})", "\"version\" is not an integer"},
      {R"({"/a":{"data":"","version":4294967296,"acls":[]}})", "out of range"},
      {R"({"/a":{"data":"","acls":[{"id":"anyone","perms":31}]}})", "lacks"},
      {R"({"/a":{"data":"","acls":[{"id":"anyone","scheme":"world","perms":64}]}})", "permission set"},
      {R"({"/a":{"data":"","acls":{}}})", "should not be an object"},
      {R"([{"/a":1}])", "not one JSON object"},
      {R"({"/a":7})", "not an object"},
      {R"({"/a":{"data":"","acls":[]}} trailing)", "not ZooCreeper's JSON"},
  };
  for (const auto& c : cases) {
    auto nodes = Read(Write("bad.json", c.text));
    ASSERT_FALSE(nodes.ok()) << c.text;
    EXPECT_EQ(nodes.status().code(), StatusCode::kDataLoss) << c.text;
    EXPECT_NE(nodes.status().message().find(c.says), std::string::npos) << c.text << " -> " << nodes.status().ToString();
    EXPECT_NE(nodes.status().message().find("backup.json"), std::string::npos) << nodes.status().ToString();
  }
}

TEST_F(ZoocreeperFileTest, CutGzipIsDataLoss) {
  std::string path = Write("cut.json.gz", kSample, /*gzip=*/true);
  fs::resize_file(path, fs::file_size(path) - 12);
  auto nodes = Read(path);
  ASSERT_FALSE(nodes.ok());
  EXPECT_EQ(nodes.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(nodes.status().message().find("gzip"), std::string::npos) << nodes.status().ToString();
}

TEST_F(ZoocreeperFileTest, VisitorErrorStopsTheRead) {
  int seen = 0;
  auto stats = ReadBackup(Write("v.json", kSample), "v", [&](const BackupZnode&) {
    return ++seen == 2 ? InvalidArgumentError("stop") : OkStatus();
  });
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(seen, 2);
}

TEST_F(ZoocreeperFileTest, MissingFileIsNotFound) {
  auto nodes = Read((dir_ / "none.json").string());
  EXPECT_EQ(nodes.status().code(), StatusCode::kNotFound);
}

TEST_F(ZoocreeperFileTest, LooksLikeBackup) {
  EXPECT_TRUE(LooksLikeBackup(Write("l.json", kSample)));
  EXPECT_TRUE(LooksLikeBackup(Write("l.json.gz", kSample, true)));
  EXPECT_TRUE(LooksLikeBackup(Write("e.json", "{ }")));  // its root path was missing
  EXPECT_FALSE(LooksLikeBackup(Write("o.json", R"({"topics":[]})")));
  EXPECT_FALSE(LooksLikeBackup(Write("t.txt", "hello")));
}

TEST(Base64Test, DecodesStandardAlphabetWithPadding) {
  EXPECT_EQ(Base64Decode(""), Bytes());
  EXPECT_EQ(Base64Decode("Zg=="), Bytes("f"));
  EXPECT_EQ(Base64Decode("Zm8="), Bytes("fo"));
  EXPECT_EQ(Base64Decode("Zm9v"), Bytes("foo"));
  EXPECT_EQ(Base64Decode("Zm9vYmFy"), Bytes("foobar"));  // RFC 4648 section 10
  EXPECT_EQ(Base64Decode("+/8="), Bytes("\xfb\xff", 2));
  EXPECT_FALSE(Base64Decode("Zg=").has_value());
  EXPECT_FALSE(Base64Decode("Z===").has_value());
  EXPECT_FALSE(Base64Decode("Zg==Zm9v").has_value());
  EXPECT_FALSE(Base64Decode("Zm9v\n").has_value());
  EXPECT_FALSE(Base64Decode("Zm-_").has_value());
}

}  // namespace
}  // namespace strata::zoocreeper
