#include "burry/burry_archive.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include "burry/burry_test_zip.h"
#include "format/znode.h"

namespace strata::burry {
namespace {

using testing::TempPath;
using testing::WriteZip;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

struct Seen {
  std::string path;
  std::string data;
  bool implied;
  friend bool operator==(const Seen&, const Seen&) = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << "{" << s.path << ", \"" << s.data << "\", " << (s.implied ? "implied" : "held") << "}";
}

Result<std::vector<Seen>> ReadAll(const std::string& path) {
  STRATA_ASSIGN_OR_RETURN(auto archive, BurryArchive::Open(path, path));
  std::vector<Seen> seen;
  STRATA_RETURN_IF_ERROR(archive->ForEach([&](const ArchiveZnode& n) {
    seen.push_back(Seen{n.path, n.data, n.implied});
    return OkStatus();
  }));
  return seen;
}

const char kMeta[] =
    R"({"snapshot-date":"2017-07-24T10:00:00Z","svc":"zk","svc-endpoint":"zk-0:2181","target":"local","target-endpoint":"/b"})";

TEST(BurryArchiveTest, BurrysOwnOrderComesOutInPreorder) {
  // Burry zips in file-name order: "a/b/content" before "a/content".
  std::string bin("\x00\xff\x01\n", 4);
  std::string path = WriteZip("order.zip", {{"1500000000/.burrymeta", kMeta},
                                            {"1500000000/a/b/content", bin},
                                            {"1500000000/a/content", "A"},
                                            {"1500000000/a-x/content", ""},
                                            {"1500000000/content", "root"}});
  auto archive = BurryArchive::Open(path, path);
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  EXPECT_EQ((*archive)->top_dir(), "1500000000");
  ASSERT_TRUE((*archive)->meta().has_value());
  EXPECT_EQ((*archive)->meta()->svc_endpoint, "zk-0:2181");
  std::vector<Seen> seen;
  ASSERT_TRUE((*archive)->ForEach([&](const ArchiveZnode& n) {
    seen.push_back(Seen{n.path, n.data, n.implied});
    return OkStatus();
  }).ok());
  EXPECT_EQ(seen, (std::vector<Seen>{{"/", "root", false}, {"/a", "A", false}, {"/a/b", bin, false}, {"/a-x", "", false}}));
  EXPECT_EQ((*archive)->stats().entries, 5u);
  EXPECT_EQ((*archive)->stats().implied, 0u);
}

// An archive written by Burry 0.4.0 itself (tests/testdata/burry/README.md).
TEST(BurryArchiveTest, ReadsAnArchiveBurryWrote) {
  std::string path = STRATA_TESTDATA_DIR "/burry/burry-0.4.0.zip";
  auto archive = BurryArchive::Open(path, path);
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  EXPECT_EQ((*archive)->top_dir(), "1795597341");
  ASSERT_TRUE((*archive)->meta().has_value());
  EXPECT_EQ((*archive)->meta()->snapshot_date, "2026-11-25T09:02:21Z");
  EXPECT_EQ((*archive)->meta()->svc_endpoint, "127.0.0.1:36113");
  std::map<std::string, std::string> data;
  format::PreorderChecker order;
  ASSERT_TRUE((*archive)->ForEach([&](const ArchiveZnode& n) {
    STRATA_RETURN_IF_ERROR(order.Add(n.path));
    data[n.path] = n.data;
    return OkStatus();
  }).ok());
  const std::string m = "/burry_manual_32316";
  EXPECT_EQ(data.size(), 41u);  // 42 entries, one of them .burrymeta
  EXPECT_EQ((*archive)->stats().implied, 0u);
  EXPECT_EQ(data[m], "root of the test");
  EXPECT_EQ(data[m + "/bin"], std::string("\x00\x01\xfe\xff\n", 5));
  EXPECT_EQ(data[m + "/empty"], "");
  EXPECT_EQ(data[m + "/host:9092"], "colon");
  EXPECT_EQ(data[m + "/caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac"], "deeper");
  EXPECT_EQ(data[m + "/brokers/ids/1"], R"({"host":"k1","port":9092})");  // ephemeral on the source
  EXPECT_EQ(data.count("/zookeeper/quota"), 1u);  // the importer leaves it out, the reader does not
}

TEST(BurryArchiveTest, WithoutTopDirectoryEscapesAndUnicode) {
  std::string path = WriteZip("flat.zip", {{".burrymeta", kMeta},
                                           {"content", ""},
                                           {"hostBURRY_ESC_COLON9092/content", "h"},
                                           {"caf\xc3\xa9/\xe2\x82\xac/content", "euro"}});
  auto seen = ReadAll(path);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(*seen, (std::vector<Seen>{{"/", "", false},
                                      {"/caf\xc3\xa9", "", true},
                                      {"/caf\xc3\xa9/\xe2\x82\xac", "euro", false},
                                      {"/host:9092", "h", false}}));
}

TEST(BurryArchiveTest, ContentFileVersusChildNamedContent) {
  std::string path = WriteZip("content.zip", {{"7/content", "root"},
                                              {"7/a/content", "data of a"},
                                              {"7/a/content/content", "data of a/content"},
                                              {"7/a/content/content/content", "deeper"}});
  auto seen = ReadAll(path);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(*seen, (std::vector<Seen>{{"/", "root", false},
                                      {"/a", "data of a", false},
                                      {"/a/content", "data of a/content", false},
                                      {"/a/content/content", "deeper", false}}));
}

TEST(BurryArchiveTest, MissingContentIsEmptyAndAncestorsAreImplied) {
  std::string path = WriteZip("dirs.zip", {{"9/", ""}, {"9/x/", ""}, {"9/x/y/", ""}, {"9/p/q/r/content", "r"}});
  auto seen = ReadAll(path);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(*seen, (std::vector<Seen>{{"/", "", false},
                                      {"/p", "", true},
                                      {"/p/q", "", true},
                                      {"/p/q/r", "r", false},
                                      {"/x", "", false},
                                      {"/x/y", "", false}}));
}

TEST(BurryArchiveTest, OnlyMetaIsAnEmptyTree) {
  std::string path = WriteZip("meta.zip", {{"5/.burrymeta", kMeta}});
  auto seen = ReadAll(path);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(*seen, (std::vector<Seen>{{"/", "", true}}));
}

TEST(BurryArchiveTest, RefusesWhatIsNotABurryBackup) {
  EXPECT_EQ(BurryArchive::Open(TempPath("absent.zip"), "absent.zip").status().code(), StatusCode::kNotFound);
  std::string text = TempPath("text.zip");
  WriteFile(text, "this is not a zip file at all\n");
  auto not_zip = BurryArchive::Open(text, "text.zip");
  EXPECT_EQ(not_zip.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(not_zip.status().message().find("not a ZIP archive"), std::string::npos) << not_zip.status().ToString();
  std::string other = WriteZip("other.zip", {{"docs/readme.txt", "hello"}});
  auto not_burry = BurryArchive::Open(other, "other.zip");
  EXPECT_EQ(not_burry.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(not_burry.status().message().find("not a Burry backup"), std::string::npos);
  std::string etcd = WriteZip("etcd.zip", {{"1/.burrymeta", R"({"svc":"etcd"})"}, {"1/content", ""}});
  EXPECT_EQ(BurryArchive::Open(etcd, "etcd.zip").status().code(), StatusCode::kFailedPrecondition);
  std::string bad_meta = WriteZip("badmeta.zip", {{"1/.burrymeta", "{not json"}, {"1/content", ""}});
  EXPECT_EQ(BurryArchive::Open(bad_meta, "badmeta.zip").status().code(), StatusCode::kDataLoss);
}

TEST(BurryArchiveTest, TruncatedOrDamagedZipIsDataLoss) {
  std::string big(100000, 'z');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) % 251);
  std::string path = WriteZip("good.zip", {{"1/content", ""}, {"1/a/content", big}});
  std::string bytes = ReadFile(path);
  std::string truncated = TempPath("truncated.zip");
  WriteFile(truncated, bytes.substr(0, bytes.size() / 2));
  auto t = BurryArchive::Open(truncated, "truncated.zip");
  EXPECT_EQ(t.status().code(), StatusCode::kDataLoss) << t.status().ToString();
  EXPECT_NE(t.status().message().find("truncated.zip"), std::string::npos);
  // Flip a byte inside the compressed data of the big entry: its CRC no longer matches.
  std::string flipped = bytes;
  size_t at = bytes.find("a/content");
  ASSERT_NE(at, std::string::npos);
  flipped[at + 200] = static_cast<char>(flipped[at + 200] ^ 0x55);
  std::string damaged = TempPath("damaged.zip");
  WriteFile(damaged, flipped);
  auto d = ReadAll(damaged);
  EXPECT_EQ(d.status().code(), StatusCode::kDataLoss) << d.status().ToString();
}

TEST(BurryArchiveTest, BadNamesAreDataLoss) {
  std::string path = WriteZip("dots.zip", {{"1/content", ""}, {"1/a/../content", "x"}});
  auto seen = ReadAll(path);
  EXPECT_EQ(seen.status().code(), StatusCode::kDataLoss) << seen.status().ToString();
}

}  // namespace
}  // namespace strata::burry
