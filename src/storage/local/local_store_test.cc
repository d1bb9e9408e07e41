#include "storage/local/local_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/fault_injecting_store.h"
#include "storage/store_conformance.h"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;

// Fresh directories under the test temp dir, removed when the test binary ends.
class TempDirs : public ::testing::Environment {
 public:
  static std::string Make() {
    std::string pattern = ::testing::TempDir() + "local_store_test.XXXXXX";
    const char* made = ::mkdtemp(pattern.data());
    if (made == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << pattern;
      return "";
    }
    std::lock_guard<std::mutex> lock(mu_);
    dirs_.push_back(made);
    return made;
  }
  void TearDown() override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& d : dirs_) {
      std::error_code ec;
      fs::permissions(d, fs::perms::owner_all, fs::perm_options::add, ec);
      fs::remove_all(d, ec);
    }
    dirs_.clear();
  }

 private:
  static inline std::mutex mu_;
  static inline std::vector<std::string> dirs_;
};

const auto* const kTempDirs = ::testing::AddGlobalTestEnvironment(new TempDirs);

std::unique_ptr<LocalStore> OpenFresh() {
  auto store = LocalStore::Open(TempDirs::Make());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Local, StoreConformanceTest,
                         ::testing::Values(StoreConformanceParam("local", [] {
                           return std::unique_ptr<ObjectStore>(OpenFresh());
                         })),
                         StoreConformanceParamName);

ObjectKey Key(std::string k) { return ObjectKey(std::move(k)); }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every file name below `root`, relative, including temp files.
std::vector<std::string> AllFiles(const std::string& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_directory()) out.push_back(fs::relative(e.path(), root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenFresh();
    ASSERT_NE(store_, nullptr);
    root_ = store_->root();
  }
  LocalStore& store() { return *store_; }

  std::unique_ptr<LocalStore> store_;
  std::string root_;
};

TEST_F(LocalStoreTest, PutWritesFileAtKeyPathAndNoTempFiles) {
  ASSERT_TRUE(store().Put(Key("a/b/c.json"), "{}").ok());
  EXPECT_EQ(ReadFile(fs::path(root_) / "a/b/c.json"), "{}");
  EXPECT_EQ(AllFiles(root_), (std::vector<std::string>{"a/b/c.json"}));
}

TEST_F(LocalStoreTest, DescribeIsFileUrl) {
  EXPECT_EQ(store().Describe(Key("x/y")), "file://" + root_ + "/x/y");
  EXPECT_EQ(root_.front(), '/');
}

TEST_F(LocalStoreTest, RejectsKeysThatCouldLeaveTheRoot) {
  const std::vector<std::string> keys = {"..",   "../x", "a/../../x", "/etc/passwd",
                                        "a//b", "a/",   ".tmp-1",    "a/.tmp-x/b",
                                        std::string("a\0b", 3)};
  for (const std::string& key : keys) {
    EXPECT_EQ(store().Put(Key(key), "x").code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store().Get(Key(key)).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store().Head(Key(key)).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store().Delete(Key(key)).code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store().NewWriter(Key(key)).status().code(), StatusCode::kInvalidArgument);
  }
  for (const char* prefix : {"../", "a/../", "/", "//x", "./"}) {
    EXPECT_EQ(store().List(prefix, "").status().code(), StatusCode::kInvalidArgument) << prefix;
  }
  EXPECT_TRUE(AllFiles(root_).empty());
}

TEST_F(LocalStoreTest, ListSkipsTempFilesSymlinksAndFifos) {
  ASSERT_TRUE(store().Put(Key("d/real"), "x").ok());
  std::ofstream(fs::path(root_) / "d/.tmp-0123456789abcdef") << "partial";
  fs::create_symlink(fs::path(root_) / "d/real", fs::path(root_) / "d/link");
  ASSERT_EQ(::mkfifo((fs::path(root_) / "d/fifo").c_str(), 0600), 0);
  auto page = store().List("", "");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "d/real");
  // A FIFO is not an object, and reading it must not hang.
  EXPECT_EQ(store().Get(Key("d/fifo")).status().code(), StatusCode::kNotFound);
}

TEST_F(LocalStoreTest, KeyAndDirectoryCollide) {
  ASSERT_TRUE(store().Put(Key("a/b"), "x").ok());
  EXPECT_EQ(store().Put(Key("a"), "y").code(), StatusCode::kFailedPrecondition);
  Status through_file = store().Put(Key("a/b/c"), "z");
  EXPECT_EQ(through_file.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(through_file.message().find("file://" + root_ + "/a/b"), std::string::npos)
      << through_file.message();
  EXPECT_EQ(store().Get(Key("a")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store().Head(Key("a")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store().Get(Key("a/b/c")).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store().Delete(Key("a")).ok());
  EXPECT_TRUE(store().Delete(Key("a/b/c")).ok());
  EXPECT_EQ(AllFiles(root_), (std::vector<std::string>{"a/b"}));
}

TEST_F(LocalStoreTest, DeletePrunesEmptyDirectories) {
  ASSERT_TRUE(store().Put(Key("x/y/z/1"), "1").ok());
  ASSERT_TRUE(store().Put(Key("x/2"), "2").ok());
  ASSERT_TRUE(store().Delete(Key("x/y/z/1")).ok());
  EXPECT_FALSE(fs::exists(fs::path(root_) / "x/y"));
  EXPECT_TRUE(fs::exists(fs::path(root_) / "x/2"));
  ASSERT_TRUE(store().Delete(Key("x/2")).ok());
  EXPECT_FALSE(fs::exists(fs::path(root_) / "x"));
  EXPECT_TRUE(fs::exists(root_));
}

TEST_F(LocalStoreTest, PutsAndDeletesRacingOnOneDirectory) {
  std::atomic<bool> stop{false};
  std::thread deleter([&] {
    while (!stop.load()) store().Delete(Key("hot/dir/victim")).IgnoreError();
  });
  for (int i = 0; i < 300; ++i) {
    Status s = store().Put(Key("hot/dir/victim"), "v");
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  stop = true;
  deleter.join();
}

TEST_F(LocalStoreTest, WriterAbortAndDropRemoveTempFiles) {
  auto w1 = store().NewWriter(Key("w/a"));
  ASSERT_TRUE(w1.ok());
  ASSERT_TRUE((*w1)->Append("data").ok());
  EXPECT_EQ(AllFiles(root_).size(), 1u);  // the temp file
  (*w1)->Abort();
  {
    auto w2 = store().NewWriter(Key("w/b"));
    ASSERT_TRUE(w2.ok());
    ASSERT_TRUE((*w2)->Append("data").ok());
  }
  EXPECT_TRUE(AllFiles(root_).empty());
}

TEST_F(LocalStoreTest, WriterCommitsAfterStoreIsGone) {
  auto writer = store().NewWriter(Key("late/obj"));
  ASSERT_TRUE(writer.ok());
  store_.reset();
  ASSERT_TRUE((*writer)->Append("still here").ok());
  auto info = (*writer)->Commit();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(ReadFile(fs::path(root_) / "late/obj"), "still here");
}

TEST_F(LocalStoreTest, WriterHonoursCancel) {
  CallOptions call;
  auto writer = store().NewWriter(Key("c/obj"), {}, call);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("x").ok());
  call.cancel.Cancel();
  EXPECT_EQ((*writer)->Append("y").code(), StatusCode::kCancelled);
  EXPECT_EQ((*writer)->Commit().status().code(), StatusCode::kCancelled);
  EXPECT_TRUE(AllFiles(root_).empty());
}

TEST_F(LocalStoreTest, IfAbsentRaceAcrossTwoStoresOnOneDirectory) {
  auto other = LocalStore::Open(root_);
  ASSERT_TRUE(other.ok());
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      ObjectStore& s = t % 2 == 0 ? static_cast<ObjectStore&>(store()) : **other;
      WriteOptions once;
      once.if_absent = true;
      for (int i = 0; i < 20; ++i) {
        Status st = s.Put(Key("locks/" + std::to_string(i)), std::to_string(t), once);
        if (st.ok()) ++created;
        else if (st.code() != StatusCode::kAlreadyExists) ADD_FAILURE() << st.ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), 20);
  EXPECT_EQ(AllFiles(root_).size(), 20u);
}

TEST_F(LocalStoreTest, TruncatedPutLeavesNoFileBehind) {
  ASSERT_TRUE(store().Put(Key("t/obj"), "old").ok());
  FaultInjectingStore faulty(std::move(store_));
  faulty.TruncateNextPut(4, UnavailableError("connection reset"));
  EXPECT_EQ(faulty.Put(Key("t/obj"), "new contents").code(), StatusCode::kUnavailable);
  EXPECT_EQ(ReadFile(fs::path(root_) / "t/obj"), "old");
  EXPECT_EQ(AllFiles(root_), (std::vector<std::string>{"t/obj"}));
}

TEST(LocalStoreOpenTest, MissingRootIsNotFoundUnlessCreated) {
  const std::string parent = TempDirs::Make();
  auto missing = LocalStore::Open(parent + "/repo/sub");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "open repository file://" + parent + "/repo/sub: No such file or directory (errno 2)");
  LocalStoreOptions create;
  create.create_root = true;
  auto made = LocalStore::Open(parent + "/repo/sub/", create);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ((*made)->root(), parent + "/repo/sub");
  EXPECT_TRUE(fs::is_directory(parent + "/repo/sub"));
}

TEST(LocalStoreOpenTest, RootThatIsAFileIsFailedPrecondition) {
  const std::string parent = TempDirs::Make();
  std::ofstream(parent + "/file") << "x";
  EXPECT_EQ(LocalStore::Open(parent + "/file").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(LocalStore::Open("").status().code(), StatusCode::kInvalidArgument);
}

TEST(LocalStoreOpenTest, RelativeRootBecomesAbsolute) {
  const std::string parent = TempDirs::Make();
  const fs::path cwd = fs::current_path();
  fs::current_path(parent);
  auto store = LocalStore::Open("./rel/../rel2", LocalStoreOptions{.create_root = true});
  fs::current_path(cwd);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->root(), parent + "/rel2");
  EXPECT_EQ((*store)->Describe(Key("k")), "file://" + parent + "/rel2/k");
}

TEST(LocalStorePermissionTest, UnwritableRootIsPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores file permissions";
  auto store = OpenFresh();
  ASSERT_NE(store, nullptr);
  fs::permissions(store->root(), fs::perms::owner_read | fs::perms::owner_exec);
  Status s = store->Put(Key("a/b"), "x");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
}

TEST(LocalStorePermissionTest, ListDoesNotOpenDirectoriesOutsideThePrefix) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores file permissions";
  auto store = OpenFresh();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Put(Key("closed/x"), "x").ok());
  ASSERT_TRUE(store->Put(Key("open/y"), "y").ok());
  fs::permissions(store->root() + "/closed", fs::perms::none);
  EXPECT_EQ(store->List("", "").status().code(), StatusCode::kPermissionDenied);
  auto by_prefix = store->List("open/", "");
  ASSERT_TRUE(by_prefix.ok()) << by_prefix.status().ToString();
  EXPECT_EQ(by_prefix->objects.size(), 1u);
  auto after = store->List("", "closed0");
  fs::permissions(store->root() + "/closed", fs::perms::owner_all);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->objects.size(), 1u);
}

}  // namespace
}  // namespace strata::storage
