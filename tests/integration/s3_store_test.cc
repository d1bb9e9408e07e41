// strata's S3 store against both S3 servers of the shared stack, beyond the conformance
// suite: multipart objects of 20+ MiB with the default part size, create-only writes,
// aborted uploads leaving nothing, presigned URLs, and the errors a user meets first
// (wrong secret, missing bucket).
#include <gtest/gtest.h>

#include "storage/s3/curl_transport.h"
#include "tests/integration/s3_stack_store.h"
#include "tests/integration/stack_env.h"

namespace strata::s3 {
namespace {

using storage::ByteRange;
using storage::ObjectKey;
using storage::WriteOptions;

constexpr std::size_t kMiB = 1 << 20;

Bytes Data(std::size_t size, unsigned seed) {
  Bytes out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (std::size_t i = 0; i < size; ++i) {
    x = x * 1664525u + 1013904223u;
    out[i] = static_cast<char>(x >> 24);
  }
  return out;
}

class S3StoreStackTest : public ::testing::TestWithParam<const char*> {
 protected:
  void TearDown() override {
    if (store_ != nullptr) ::strata::testing::DeleteAll(*store_);
  }
  S3Config Config() const { return ::strata::testing::StackS3Config(GetParam()); }
  // A store under a fresh prefix, emptied again after the test.
  S3Store* Fresh(S3Config config) {
    store_ = ::strata::testing::OpenOrFail(::strata::testing::FreshUrl("s3store"), config);
    return store_.get();
  }

 private:
  std::unique_ptr<S3Store> store_;
};

TEST_P(S3StoreStackTest, MultipartObjectOf21MiBWithDefaultParts) {
  S3Config config = Config();
  config.part_size = S3Config().part_size;  // 8 MiB
  auto store = Fresh(config);
  ASSERT_NE(store, nullptr);
  const Bytes data = Data(21 * kMiB + 4321, 1);
  auto writer = store->NewWriter(ObjectKey("big/obj"));
  ASSERT_TRUE(writer.ok());
  for (std::size_t off = 0; off < data.size(); off += 3 * kMiB + 7) {
    ASSERT_TRUE((*writer)->Append(ByteView(data).substr(off, 3 * kMiB + 7)).ok());
  }
  auto info = (*writer)->Commit();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_TRUE(info->etag.ends_with("-3")) << info->etag;
  auto head = store->Head(ObjectKey("big/obj"));
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, data.size());
  EXPECT_TRUE(head->etag.ends_with("-3")) << head->etag;
  auto whole = store->Get(ObjectKey("big/obj"));
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_TRUE(*whole == data);
  // A range across the first part boundary.
  auto across = store->GetRange(ObjectKey("big/obj"), ByteRange{8 * kMiB - 10, 20});
  ASSERT_TRUE(across.ok());
  EXPECT_EQ(*across, data.substr(8 * kMiB - 10, 20));
  auto uploads = store->ListUploads();
  ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
  EXPECT_TRUE(uploads->empty());
}

TEST_P(S3StoreStackTest, CreateOnlyPutAndWriter) {
  auto store = Fresh(Config());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Put(ObjectKey("m"), "first", WriteOptions{.if_absent = true}).ok());
  EXPECT_EQ(store->Put(ObjectKey("m"), "second", WriteOptions{.if_absent = true}).code(),
            StatusCode::kAlreadyExists);
  // A multipart create-only writer losing to an existing key leaves no upload behind.
  auto writer = store->NewWriter(ObjectKey("m"), WriteOptions{.if_absent = true});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(Data(6 * kMiB, 2)).ok());
  EXPECT_EQ((*writer)->Commit().status().code(), StatusCode::kAlreadyExists);
  auto got = store->Get(ObjectKey("m"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "first");
  auto uploads = store->ListUploads();
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->empty());
  // And a multipart create-only writer on a free key succeeds.
  auto fresh = store->NewWriter(ObjectKey("n"), WriteOptions{.if_absent = true});
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE((*fresh)->Append(Data(6 * kMiB, 3)).ok());
  EXPECT_TRUE((*fresh)->Commit().ok());
}

TEST_P(S3StoreStackTest, AbortedWriterLeavesNoObjectAndNoUpload) {
  auto store = Fresh(Config());
  ASSERT_NE(store, nullptr);
  auto writer = store->NewWriter(ObjectKey("half"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(Data(12 * kMiB, 4)).ok());
  (*writer)->Abort();
  EXPECT_EQ(store->Head(ObjectKey("half")).status().code(), StatusCode::kNotFound);
  auto uploads = store->ListUploads();
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->empty());

}

TEST_P(S3StoreStackTest, PresignedUrlReadsWithoutCredentials) {
  auto store = Fresh(Config());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Put(ObjectKey("shared/file"), "presigned!").ok());
  auto url = store->PresignGet(ObjectKey("shared/file"), std::chrono::minutes(5));
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  auto transport = CurlTransport::Create();
  ASSERT_TRUE(transport.ok());
  HttpRequest get;
  get.method = "GET";
  get.url = *url;
  auto response = (*transport)->Send(get, "", {});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(response->body, "presigned!");
}

TEST_P(S3StoreStackTest, WrongSecretIsRefusedWithAClearMessage) {
  S3Config config = Config();
  config.secret_access_key = "not-the-secret";
  auto store = OpenS3Store(::strata::testing::FreshUrl("wrong"), config);
  const StatusCode code = store.status().code();
  EXPECT_TRUE(code == StatusCode::kUnauthenticated || code == StatusCode::kPermissionDenied)
      << store.status().ToString();
  EXPECT_NE(store.status().message().find("credentials from explicit options"), std::string::npos)
      << store.status().ToString();
  EXPECT_EQ(store.status().message().find("not-the-secret"), std::string::npos);
}

TEST_P(S3StoreStackTest, MissingBucketIsFailedPrecondition) {
  auto store = OpenS3Store("s3://no-such-bucket-" + ::strata::testing::UniqueName("b"), Config());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition) << store.status().ToString();
  EXPECT_NE(store.status().message().find("does not exist at " + *Config().endpoint),
            std::string::npos)
      << store.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Servers, S3StoreStackTest,
                         ::testing::Values(::strata::testing::kVersitygw,
                                           ::strata::testing::kS3proxy),
                         [](const auto& info) {
                           return std::string(info.param) == ::strata::testing::kVersitygw
                                      ? "versitygw"
                                      : "s3proxy";
                         });

}  // namespace
}  // namespace strata::s3
