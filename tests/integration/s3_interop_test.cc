// Interoperability with the AWS CLI on both S3 servers of the stack: the CLI reads what
// strata wrote and strata reads what the CLI wrote, single objects and multipart ones
// (20 MiB, above the CLI's 8 MiB multipart threshold and strata's part size).
//
// The CLI runs with its own config file (path-style addressing, as the local servers
// need), the stack's keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, no shared
// credentials file and no instance metadata. Binary: $STRATA_AWS_CLI, else /usr/bin/aws
// (AWS CLI v2 from Debian), else `aws` on PATH.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/s3_stack_store.h"
#include "tests/integration/stack_env.h"

namespace strata::s3 {
namespace {

namespace fs = std::filesystem;
using storage::ObjectKey;

constexpr std::size_t kMiB = 1 << 20;

Bytes Data(std::size_t size, unsigned seed) {
  Bytes out(size, '\0');
  uint32_t x = seed * 2654435761u + 3;
  for (std::size_t i = 0; i < size; ++i) {
    x = x * 1664525u + 1013904223u;
    out[i] = static_cast<char>(x >> 24);
  }
  return out;
}

std::string AwsCli() {
  if (const char* cli = std::getenv("STRATA_AWS_CLI")) return cli;
  if (access("/usr/bin/aws", X_OK) == 0) return "/usr/bin/aws";
  return "aws";
}

Bytes ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const fs::path& p, ByteView data) {
  std::ofstream out(p, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

class S3InteropTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ::strata::testing::UniqueName("strata-interop");
    fs::create_directories(dir_);
    WriteFile(dir_ / "config",
              "[default]\nregion = " + Env().Require("S3_REGION") +
                  "\ns3 =\n  addressing_style = path\n  multipart_threshold = 8MB\n"
                  "  multipart_chunksize = 8MB\n");
    url_ = ::strata::testing::FreshUrl("interop");
    store_ = ::strata::testing::OpenOrFail(url_, ::strata::testing::StackS3Config(GetParam()));
  }
  void TearDown() override {
    if (store_ != nullptr) ::strata::testing::DeleteAll(*store_);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  static const ::strata::testing::StackEnv& Env() { return ::strata::testing::StackEnv::Get(); }

  // Runs the AWS CLI with `args`; returns its exit status, output in `output`.
  int Aws(const std::string& args, std::string* output = nullptr) {
    const std::string command =
        "env -i PATH=/usr/bin:/bin HOME=" + dir_.string() +
        " AWS_CONFIG_FILE=" + (dir_ / "config").string() +
        " AWS_SHARED_CREDENTIALS_FILE=" + (dir_ / "no-credentials").string() +
        " AWS_ACCESS_KEY_ID=" + Env().Require("S3_ACCESS_KEY") +
        " AWS_SECRET_ACCESS_KEY=" + Env().Require("S3_SECRET_KEY") +
        " AWS_EC2_METADATA_DISABLED=true AWS_PAGER= " + AwsCli() +
        " --endpoint-url " + Env().Require(GetParam()) + " " + args + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return -1;
    std::string out;
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    const int status = pclose(pipe);
    if (output != nullptr) *output = out;
    if (status != 0) ADD_FAILURE() << "aws " << args << " failed:\n" << out;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // "s3://bucket/prefix/<key>".
  std::string S3Path(const std::string& key) const { return url_ + "/" + key; }

  fs::path dir_;
  std::string url_;
  std::unique_ptr<S3Store> store_;
};

TEST_P(S3InteropTest, CliReadsWhatStrataWrote) {
  ASSERT_NE(store_, nullptr);
  ASSERT_TRUE(store_->Put(ObjectKey("small.txt"), "written by strata\n").ok());
  const Bytes big = Data(20 * kMiB + 123, 1);
  auto writer = store_->NewWriter(ObjectKey("dir/big.bin"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(big).ok());
  auto info = (*writer)->Commit();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_NE(info->etag.find('-'), std::string::npos) << "not multipart: " << info->etag;

  ASSERT_EQ(Aws("s3 cp " + S3Path("small.txt") + " " + (dir_ / "small.txt").string()), 0);
  EXPECT_EQ(ReadFile(dir_ / "small.txt"), "written by strata\n");
  ASSERT_EQ(Aws("s3 cp " + S3Path("dir/big.bin") + " " + (dir_ / "big.bin").string()), 0);
  EXPECT_TRUE(ReadFile(dir_ / "big.bin") == big);
  std::string listing;
  ASSERT_EQ(Aws("s3 ls --recursive " + url_ + "/", &listing), 0);
  EXPECT_NE(listing.find("dir/big.bin"), std::string::npos) << listing;
  EXPECT_NE(listing.find(std::to_string(big.size())), std::string::npos) << listing;
}

TEST_P(S3InteropTest, StrataReadsWhatTheCliWrote) {
  ASSERT_NE(store_, nullptr);
  const Bytes big = Data(20 * kMiB + 77, 2);
  WriteFile(dir_ / "big.bin", big);
  WriteFile(dir_ / "small.txt", "written by the aws cli\n");
  ASSERT_EQ(Aws("s3 cp " + (dir_ / "big.bin").string() + " " + S3Path("cli/big.bin")), 0);
  ASSERT_EQ(Aws("s3 cp " + (dir_ / "small.txt").string() + " " + S3Path("cli/small.txt")), 0);

  auto head = store_->Head(ObjectKey("cli/big.bin"));
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, big.size());
  EXPECT_TRUE(head->etag.ends_with("-3")) << "the CLI should have uploaded 3 parts: " << head->etag;
  auto got = store_->Get(ObjectKey("cli/big.bin"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == big);
  auto range = store_->GetRange(ObjectKey("cli/big.bin"), storage::ByteRange{16 * kMiB - 3, 9});
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(*range, big.substr(16 * kMiB - 3, 9));
  auto small = store_->Get(ObjectKey("cli/small.txt"));
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_EQ(*small, "written by the aws cli\n");
  auto listed = storage::ListAll(*store_, "cli/");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "cli/big.bin");
}

INSTANTIATE_TEST_SUITE_P(Servers, S3InteropTest,
                         ::testing::Values(::strata::testing::kVersitygw,
                                           ::strata::testing::kS3proxy),
                         [](const auto& info) {
                           return std::string(info.param) == ::strata::testing::kVersitygw
                                      ? "versitygw"
                                      : "s3proxy";
                         });

}  // namespace
}  // namespace strata::s3
