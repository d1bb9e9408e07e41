#include "storage/open_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace strata::storage {
namespace {

namespace fs = std::filesystem;

class OpenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "open_store_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dir_;
};

TEST_F(OpenStoreTest, FileUrlOpensLocalStore) {
  auto store = OpenStore("file://" + dir_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Describe(ObjectKey("k")), "file://" + dir_ + "/k");
  ASSERT_TRUE((*store)->Put(ObjectKey("a/b"), "v").ok());
  EXPECT_TRUE(fs::exists(dir_ + "/a/b"));
}

TEST_F(OpenStoreTest, FileUrlVariants) {
  EXPECT_TRUE(OpenStore("file://localhost" + dir_).ok());
  EXPECT_TRUE(OpenStore("FILE://" + dir_).ok());
  fs::create_directory(dir_ + "/with space");
  auto spaced = OpenStore("file://" + dir_ + "/with%20space");
  ASSERT_TRUE(spaced.ok()) << spaced.status().ToString();
  EXPECT_EQ((*spaced)->Describe(ObjectKey("k")), "file://" + dir_ + "/with space/k");
}

TEST_F(OpenStoreTest, BarePathsAreLocal) {
  auto absolute = OpenStore(dir_);
  ASSERT_TRUE(absolute.ok()) << absolute.status().ToString();
  EXPECT_EQ((*absolute)->Describe(ObjectKey("k")), "file://" + dir_ + "/k");
  const fs::path cwd = fs::current_path();
  fs::current_path(dir_);
  fs::create_directory("rel");
  auto relative = OpenStore("rel");
  fs::current_path(cwd);
  ASSERT_TRUE(relative.ok()) << relative.status().ToString();
  EXPECT_EQ((*relative)->Describe(ObjectKey("k")), "file://" + dir_ + "/rel/k");
}

TEST_F(OpenStoreTest, MissingDirectoryUnlessCreateIfMissing) {
  EXPECT_EQ(OpenStore("file://" + dir_ + "/new/repo").status().code(), StatusCode::kNotFound);
  StoreOptions options;
  options.create_if_missing = true;
  EXPECT_TRUE(OpenStore("file://" + dir_ + "/new/repo", options).ok());
  EXPECT_TRUE(fs::is_directory(dir_ + "/new/repo"));
}

TEST_F(OpenStoreTest, BadFileUrls) {
  Status relative = OpenStore("file://relative/path").status();
  EXPECT_EQ(relative.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(relative.message().find("file:///"), std::string::npos) << relative.message();
  EXPECT_EQ(OpenStore("file://" + dir_ + "/100%").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenStore("file://" + dir_ + "/%zz").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenStore("file://" + dir_ + "/a%00b").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenStore("").status().code(), StatusCode::kInvalidArgument);
}

TEST(OpenStoreMemTest, SameNameSameStore) {
  auto a = OpenStore("mem://open_store_test");
  auto b = OpenStore("mem://open_store_test");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->Put(ObjectKey("k"), "v").ok());
  EXPECT_TRUE((*b)->Get(ObjectKey("k")).ok());
  EXPECT_EQ((*a)->Describe(ObjectKey("k")), "mem://open_store_test/k");
}

TEST(OpenStoreMemTest, PrefixSharesTheNamedStore) {
  auto whole = OpenStore("mem://open_store_prefix");
  auto part = OpenStore("mem://open_store_prefix/team-a");
  ASSERT_TRUE(whole.ok() && part.ok()) << part.status().ToString();
  ASSERT_TRUE((*part)->Put(ObjectKey("k"), "v").ok());
  EXPECT_TRUE((*whole)->Get(ObjectKey("team-a/k")).ok());
  EXPECT_EQ((*part)->Describe(ObjectKey("k")), "mem://open_store_prefix/team-a/k");
  EXPECT_EQ(OpenStore("mem://").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenStore("mem://x/a//b").status().code(), StatusCode::kInvalidArgument);
}

TEST(OpenStoreS3Test, RefusedWithoutBackend) {
  Status s = OpenStore("s3://bucket/prefix").status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "s3:// repositories need the S3 backend, which this build does not include");
}

TEST(OpenStoreS3Test, UsesTheOpenerFromOptions) {
  std::string seen;
  StoreOptions options;
  options.create_if_missing = true;
  options.open_s3 = [&](std::string_view url,
                        const StoreOptions& o) -> Result<std::unique_ptr<ObjectStore>> {
    seen = std::string(url);
    EXPECT_TRUE(o.create_if_missing);
    return OpenStore("mem://open_store_s3_stand_in");
  };
  auto store = OpenStore("s3://bucket/prefix", options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(seen, "s3://bucket/prefix");
}

TEST(OpenStoreSchemeTest, UnknownSchemeNamesTheChoices) {
  Status s = OpenStore("ftp://x").status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "unknown repository URL scheme \"ftp\" in \"ftp://x\"; use file:// or s3://");
  EXPECT_EQ(OpenStore("gs://bucket").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::storage
