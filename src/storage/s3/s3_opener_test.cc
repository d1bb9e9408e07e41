#include "storage/s3/s3_opener.h"

#include <gtest/gtest.h>

#include "storage/open_store.h"
#include "storage/s3/s3_test_support.h"

namespace strata::s3 {
namespace {

using testing::CannedResponse;
using testing::Ok;
using testing::ReceivedRequest;
using testing::S3Error;
using testing::TestConfig;
using testing::Xml;

constexpr char kEmptyListing[] =
    "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>";

TEST(S3UrlTest, Parses) {
  auto u = S3Url::Parse("s3://bkt");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->bucket, "bkt");
  EXPECT_EQ(u->prefix, "");
  u = S3Url::Parse("S3://bkt/a/b c/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->bucket, "bkt");
  EXPECT_EQ(u->prefix, "a/b c");
  for (const char* bad : {"s3://", "s3:///x", "file:///x", "s3://b/p?x=1", "s3://b#f", "s3:/b"}) {
    EXPECT_EQ(S3Url::Parse(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(S3OpenerTest, MissingBucketIsFailedPreconditionNamingBucketAndEndpoint) {
  auto server = testing::Serve([](const ReceivedRequest&) {
    return S3Error(404, "NoSuchBucket", "The specified bucket does not exist");
  });
  S3Config config = TestConfig(*server);
  config.check_access_on_open = true;
  auto store = OpenS3Store("s3://nope/p", config);
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("bucket \"nope\" does not exist at " + server->url()),
            std::string::npos)
      << store.status().ToString();
}

TEST(S3OpenerTest, WrongSecretIsUnauthenticatedNamingTheSourceNotTheSecret) {
  auto server = testing::Serve([](const ReceivedRequest&) {
    return S3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not "
                                                 "match the signature you provided.");
  });
  S3Config config = TestConfig(*server);
  config.check_access_on_open = true;
  config.access_key_id.reset();
  config.secret_access_key.reset();
  config.environment = AwsEnvironment::Fixed(
      {{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "env-secret-value"}});
  auto store = OpenS3Store("s3://bkt", config);
  EXPECT_EQ(store.status().code(), StatusCode::kUnauthenticated);
  const std::string& m = store.status().message();
  EXPECT_NE(m.find("credentials from environment (AWS_ACCESS_KEY_ID)"), std::string::npos) << m;
  EXPECT_NE(m.find("check the secret access key"), std::string::npos) << m;
  EXPECT_EQ(m.find("env-secret-value"), std::string::npos) << m;
  // Auth errors are not retried.
  EXPECT_EQ(server->requests().size(), 1u);
}

TEST(S3OpenerTest, EndpointRegionAndAddressingFromTheEnvironmentAndProfile) {
  auto server = testing::Serve([](const ReceivedRequest&) { return Xml(200, kEmptyListing); });
  S3Config config;
  config.environment = AwsEnvironment::Fixed(
      {{"HOME", "/h"}, {"AWS_ENDPOINT_URL_S3", server->url()}, {"AWS_PROFILE", "lab"}},
      {{"/h/.aws/config", "[profile lab]\nregion = eu-central-1\ns3 =\n  addressing_style = path\n"
                          "aws_access_key_id = AKIDLAB\naws_secret_access_key = labsecret\n"}});
  config.retry_sleep = [](std::chrono::nanoseconds, const CancelToken&) {};
  auto store = OpenS3Store("s3://my-bucket/p", config);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const ReceivedRequest r = server->requests().at(0);
  EXPECT_EQ(r.path, "/my-bucket");  // path style, as the profile says
  EXPECT_NE(r.Header("authorization")->find("/eu-central-1/s3/aws4_request"), std::string::npos);
  EXPECT_NE(r.Header("authorization")->find("Credential=AKIDLAB/"), std::string::npos);
  EXPECT_EQ((*store)->client().credential_source(), "profile \"lab\" in /h/.aws/config");
}

TEST(S3OpenerTest, RejectsBadSettings) {
  auto server = testing::Serve([](const ReceivedRequest&) { return Ok(); });
  S3Config config = TestConfig(*server);
  config.part_size = 1 << 20;
  EXPECT_EQ(OpenS3Store("s3://bkt", config).status().code(), StatusCode::kInvalidArgument);
  config = TestConfig(*server);
  config.parallel_parts = 0;
  EXPECT_EQ(OpenS3Store("s3://bkt", config).status().code(), StatusCode::kInvalidArgument);
  config = TestConfig(*server);
  config.endpoint = "ftp://x";
  EXPECT_EQ(OpenS3Store("s3://bkt", config).status().code(), StatusCode::kInvalidArgument);
  config = TestConfig(*server);
  config.secret_access_key.reset();
  EXPECT_EQ(OpenS3Store("s3://bkt", config).status().code(), StatusCode::kInvalidArgument);
  config = TestConfig(*server);
  config.ca_bundle = "/no/such/ca.pem";
  EXPECT_EQ(OpenS3Store("s3://bkt", config).status().code(), StatusCode::kInvalidArgument);
  config = TestConfig(*server);
  EXPECT_EQ(OpenS3Store("s3://bkt/../x", config).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(server->requests().empty());
}

TEST(S3OpenerTest, PlugsIntoOpenStore) {
  auto server = testing::Serve([](const ReceivedRequest& r) {
    return r.method == "GET" && r.Query("list-type") ? Xml(200, kEmptyListing) : Ok("v");
  });
  storage::StoreOptions options;
  S3Config config = TestConfig(*server);
  config.check_access_on_open = true;
  options.open_s3 = MakeS3Opener(config);
  auto store = storage::OpenStore("s3://bkt/repo", options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Describe(storage::ObjectKey("k")), "s3://bkt/repo/k");
  auto got = (*store)->Get(storage::ObjectKey("k"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "v");
}

TEST(S3OpenerTest, AwsEndpointIsVirtualHostedByDefault) {
  S3Config config;
  config.region = "eu-west-1";
  config.access_key_id = "AKID";
  config.secret_access_key = "s";
  config.environment = AwsEnvironment::Fixed({});
  config.check_access_on_open = false;
  auto store = OpenS3Store("s3://my-bucket/x", config);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto url = (*store)->PresignGet(storage::ObjectKey("k"), std::chrono::seconds(60));
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->rfind("https://my-bucket.s3.eu-west-1.amazonaws.com/x/k?", 0), 0u) << *url;
}

}  // namespace
}  // namespace strata::s3
