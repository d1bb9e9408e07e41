// S3Store's single-object calls and listing against canned answers from an in-process
// server: the real client (signing, transport, retries, error mapping) runs.
#include "storage/s3/s3_store.h"

#include <gtest/gtest.h>

#include <atomic>

#include "storage/s3/crc32c.h"
#include "storage/s3/s3_test_support.h"

namespace strata::s3 {
namespace {

using storage::ByteRange;
using storage::ObjectKey;
using storage::WriteOptions;
using testing::CannedResponse;
using testing::Ok;
using testing::ReceivedRequest;
using testing::S3Error;
using testing::Serve;
using testing::TestConfig;
using testing::Xml;

int Count(const testing::TestHttpServer& server, std::string_view method) {
  int n = 0;
  for (const ReceivedRequest& r : server.requests()) n += r.method == method ? 1 : 0;
  return n;
}

TEST(S3StoreTest, PutSendsSignedChecksummedObjectUnderThePrefix) {
  auto server = Serve([](const ReceivedRequest&) { return Ok("", {{"ETag", "\"abc\""}}); });
  auto store = testing::OpenTestStore("s3://bkt/team/a", TestConfig(*server));
  ASSERT_TRUE(store->Put(ObjectKey("dir/k 1"), "hello").ok());
  const ReceivedRequest r = server->requests().at(0);
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.path, "/bkt/team/a/dir/k%201");
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.Header("x-amz-checksum-crc32c"), Crc32cHeaderValue(Crc32c("hello")));
  EXPECT_EQ(r.Header("content-type"), "application/octet-stream");
  EXPECT_EQ(r.Header("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_NE(r.Header("authorization")->find("Credential=AKIDEXAMPLE/"), std::string::npos);
  EXPECT_EQ(r.Header("if-none-match"), std::nullopt);
  EXPECT_EQ(store->Describe(ObjectKey("dir/k")), "s3://bkt/team/a/dir/k");
}

TEST(S3StoreTest, NoSuchKeyIsNotFoundNamingKeyCodeAndRequestId) {
  auto server = Serve([](const ReceivedRequest&) {
    return S3Error(404, "NoSuchKey", "The specified key does not exist.");
  });
  auto store = testing::OpenTestStore("s3://bkt/p", TestConfig(*server));
  auto got = store->Get(ObjectKey("missing/k"));
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  const std::string& m = got.status().message();
  EXPECT_NE(m.find("GET s3://bkt/p/missing/k"), std::string::npos) << m;
  EXPECT_NE(m.find("NoSuchKey: The specified key does not exist."), std::string::npos) << m;
  EXPECT_NE(m.find("request-id REQ-NoSuchKey"), std::string::npos) << m;
  EXPECT_EQ(server->requests().size(), 1u);  // not retried
}

TEST(S3StoreTest, SlowDownThenSuccessIsRetried) {
  std::atomic<int> calls{0};
  auto server = Serve([&](const ReceivedRequest&) {
    return ++calls == 1 ? S3Error(503, "SlowDown", "Please reduce your request rate.") : Ok();
  });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  Status s = store->Put(ObjectKey("k"), "v");
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Count(*server, "PUT"), 2);
  // Each attempt is signed anew, and both carry the checksum.
  for (const ReceivedRequest& r : server->requests()) {
    EXPECT_TRUE(r.Header("x-amz-checksum-crc32c").has_value());
  }
}

TEST(S3StoreTest, InternalErrorThenSuccessIsRetried) {
  std::atomic<int> calls{0};
  auto server = Serve([&](const ReceivedRequest&) {
    return ++calls == 1 ? S3Error(500, "InternalError") : Ok("data");
  });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  auto got = store->Get(ObjectKey("k"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "data");
}

TEST(S3StoreTest, ResetConnectionThenSuccessIsRetried) {
  std::atomic<int> calls{0};
  auto server = Serve([&](const ReceivedRequest&) {
    CannedResponse r = Ok("data");
    r.drop_connection = ++calls == 1;
    return r;
  });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  auto got = store->Get(ObjectKey("k"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
}

TEST(S3StoreTest, PersistentServerErrorsGiveUpAfterThePolicy) {
  auto server = Serve([](const ReceivedRequest&) { return S3Error(503, "ServiceUnavailable"); });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  Status s = store->Put(ObjectKey("k"), "v");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("gave up after 3 attempts"), std::string::npos) << s.ToString();
  EXPECT_EQ(Count(*server, "PUT"), 3);
}

TEST(S3StoreTest, ClientErrorsAreNotRetriedAndNameTheCredentialSource) {
  auto server = Serve([](const ReceivedRequest&) { return S3Error(403, "AccessDenied"); });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  Status s = store->Put(ObjectKey("k"), "v");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("credentials from explicit options"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message().find(testing::kSecret), std::string::npos);
  EXPECT_EQ(Count(*server, "PUT"), 1);
}

TEST(S3StoreTest, ConditionalPutRefusedIsAlreadyExists) {
  auto server = Serve([](const ReceivedRequest& r) {
    return r.Header("if-none-match") == "*" ? S3Error(412, "PreconditionFailed") : Ok();
  });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  Status s = store->Put(ObjectKey("lock"), "me", WriteOptions{.if_absent = true});
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  EXPECT_EQ(server->requests().size(), 1u);
}

TEST(S3StoreTest, ProbeFindsIgnoredIfNoneMatchAndFallsBackToHead) {
  // A server that ignores If-None-Match everywhere and has exactly one object, "taken".
  auto server = Serve([](const ReceivedRequest& r) {
    if (r.method == "HEAD") {
      CannedResponse c = r.path == "/bkt/taken" ? Ok() : S3Error(404, "NoSuchKey");
      c.head_content_length = 1;
      return c;
    }
    if (r.method == "POST" && r.Query("uploads")) {
      return Xml(200, "<InitiateMultipartUploadResult><UploadId>U1</UploadId>"
                      "</InitiateMultipartUploadResult>");
    }
    if (r.method == "POST") {
      return Xml(200, "<CompleteMultipartUploadResult><ETag>\"e-1\"</ETag>"
                      "</CompleteMultipartUploadResult>");
    }
    return Ok("", {{"ETag", "\"e\""}});
  });
  S3Config config = TestConfig(*server);
  config.conditional_create = ConditionalCreate::kAuto;
  auto store = testing::OpenTestStore("s3://bkt", config);
  Status s = store->Put(ObjectKey("taken"), "v", WriteOptions{.if_absent = true});
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  EXPECT_TRUE(store->Put(ObjectKey("free"), "v", WriteOptions{.if_absent = true}).ok());
  // The probe object was removed again.
  bool deleted_probe = false;
  for (const ReceivedRequest& r : server->requests()) {
    deleted_probe |= r.method == "DELETE" && r.path.find(".strata-probe-") != std::string::npos &&
                     !r.Query("uploadId");
  }
  EXPECT_TRUE(deleted_probe);
}

TEST(S3StoreTest, GetRangeSendsRangeAndHandles416AtTheEnd) {
  auto server = Serve([](const ReceivedRequest& r) {
    if (r.method == "HEAD") {
      CannedResponse c = Ok();
      c.head_content_length = 10;
      return c;
    }
    if (r.Header("range") == "bytes=2-4") {
      CannedResponse c = Ok("234");
      c.status = 206;
      return c;
    }
    return S3Error(416, "InvalidRange");
  });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  auto middle = store->GetRange(ObjectKey("k"), ByteRange{2, 3});
  ASSERT_TRUE(middle.ok()) << middle.status().ToString();
  EXPECT_EQ(*middle, "234");
  auto at_end = store->GetRange(ObjectKey("k"), ByteRange{10, 5});
  ASSERT_TRUE(at_end.ok()) << at_end.status().ToString();
  EXPECT_EQ(*at_end, "");
  EXPECT_EQ(store->GetRange(ObjectKey("k"), ByteRange{11, 5}).status().code(),
            StatusCode::kOutOfRange);
}

TEST(S3StoreTest, GetVerifiesTheStoredChecksum) {
  std::atomic<bool> corrupt{false};
  auto server = Serve([&](const ReceivedRequest& r) {
    EXPECT_EQ(r.Header("x-amz-checksum-mode"), "ENABLED");
    const std::string body = corrupt ? "hellO" : "hello";
    return Ok(body, {{"x-amz-checksum-crc32c", Crc32cHeaderValue(Crc32c("hello"))}});
  });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  ASSERT_TRUE(store->Get(ObjectKey("k")).ok());
  corrupt = true;
  auto bad = store->Get(ObjectKey("k"));
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss) << bad.status().ToString();
}

TEST(S3StoreTest, ListFollowsContinuationTokensAndStripsThePrefix) {
  auto server = Serve([](const ReceivedRequest& r) {
    if (!r.Query("continuation-token")) {
      return Xml(200, "<ListBucketResult><IsTruncated>true</IsTruncated>"
                      "<NextContinuationToken>tok/1+</NextContinuationToken>"
                      "<Contents><Key>p/a</Key><Size>1</Size><ETag>\"e1\"</ETag></Contents>"
                      "<Contents><Key>p/b</Key><Size>2</Size></Contents></ListBucketResult>");
    }
    EXPECT_EQ(r.Query("continuation-token"), "tok/1+");
    return Xml(200, "<ListBucketResult><IsTruncated>false</IsTruncated>"
                    "<Contents><Key>p/c</Key><Size>3</Size></Contents></ListBucketResult>");
  });
  auto store = testing::OpenTestStore("s3://bkt/p", TestConfig(*server));
  auto page = store->List("", "", 1000);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 3u);
  EXPECT_EQ(page->objects[0].key, "a");
  EXPECT_EQ(page->objects[0].etag, "e1");
  EXPECT_EQ(page->objects[2].key, "c");
  EXPECT_EQ(page->objects[2].size, 3u);
  EXPECT_FALSE(page->truncated);
  const auto requests = server->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Query("prefix"), "p/");
  EXPECT_EQ(requests[0].Query("list-type"), "2");
}

TEST(S3StoreTest, ListReportsTruncationOnlyWhenMoreKeysExist) {
  auto server = Serve([](const ReceivedRequest& r) {
    // Asked for max_keys + 1: two keys exist, so a page of two is complete.
    EXPECT_EQ(r.Query("max-keys"), "3");
    return Xml(200, "<ListBucketResult><IsTruncated>false</IsTruncated>"
                    "<Contents><Key>a</Key><Size>1</Size></Contents>"
                    "<Contents><Key>b</Key><Size>1</Size></Contents></ListBucketResult>");
  });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  auto page = store->List("", "", 2);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->objects.size(), 2u);
  EXPECT_FALSE(page->truncated);
}

TEST(S3StoreTest, DeleteOfMissingKeyIsOk) {
  auto server = Serve([](const ReceivedRequest&) { return S3Error(404, "NoSuchKey"); });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  EXPECT_TRUE(store->Delete(ObjectKey("gone")).ok());
}

TEST(S3StoreTest, ExpiredTokenRefreshesCredentialsOnce) {
  std::atomic<int> calls{0};
  auto server = Serve([&](const ReceivedRequest&) {
    return ++calls == 1 ? S3Error(400, "ExpiredToken") : Ok("x");
  });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  auto got = store->Get(ObjectKey("k"));
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(calls.load(), 2);
}

TEST(S3StoreTest, ServerSideEncryptionHeaders) {
  auto server = Serve([](const ReceivedRequest&) { return Ok(); });
  S3Config config = TestConfig(*server);
  config.sse = ServerSideEncryption{SseMode::kKms, "arn:aws:kms:us-east-1:1:key/k"};
  auto store = testing::OpenTestStore("s3://bkt", config);
  ASSERT_TRUE(store->Put(ObjectKey("k"), "v").ok());
  const ReceivedRequest r = server->requests().at(0);
  EXPECT_EQ(r.Header("x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(r.Header("x-amz-server-side-encryption-aws-kms-key-id"),
            "arn:aws:kms:us-east-1:1:key/k");
  config.sse = ServerSideEncryption{SseMode::kS3, std::nullopt};
  ASSERT_TRUE(testing::OpenTestStore("s3://bkt", config)->Put(ObjectKey("k"), "v").ok());
  EXPECT_EQ(server->requests().at(1).Header("x-amz-server-side-encryption"), "AES256");
  config.sse = ServerSideEncryption{SseMode::kS3, "key"};
  EXPECT_EQ(OpenS3Store("s3://bkt", config).status().code(), StatusCode::kInvalidArgument);
}

TEST(S3StoreTest, PresignedGetUrl) {
  auto server = Serve([](const ReceivedRequest&) { return Ok("presigned body"); });
  auto store = testing::OpenTestStore("s3://bkt/p", TestConfig(*server));
  auto url = store->PresignGet(ObjectKey("a/b.bin"), std::chrono::minutes(10));
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->rfind(server->url() + "/bkt/p/a/b.bin?", 0), 0u) << *url;
  EXPECT_NE(url->find("X-Amz-Signature="), std::string::npos);
  EXPECT_NE(url->find("X-Amz-Expires=600"), std::string::npos);
  EXPECT_EQ(url->find(testing::kSecret), std::string::npos);
  EXPECT_EQ(store->PresignGet(ObjectKey("k"), std::chrono::hours(24 * 8)).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(S3StoreTest, InvalidKeysAndCancelledCallsSendNothing) {
  auto server = Serve([](const ReceivedRequest&) { return Ok(); });
  auto store = testing::OpenTestStore("s3://bkt", TestConfig(*server));
  EXPECT_EQ(store->Put(ObjectKey("../x"), "v").code(), StatusCode::kInvalidArgument);
  storage::CallOptions cancelled;
  cancelled.cancel.Cancel();
  EXPECT_EQ(store->Get(ObjectKey("k"), cancelled).status().code(), StatusCode::kCancelled);
  EXPECT_TRUE(server->requests().empty());
}

}  // namespace
}  // namespace strata::s3
