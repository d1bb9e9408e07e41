// The remote credential sources against an in-process server on 127.0.0.1 with canned
// STS, container and instance-metadata answers. Nothing here contacts another address.
#include "storage/s3/remote_credentials.h"

#include <gtest/gtest.h>

#include "storage/s3/credentials_provider.h"
#include "storage/s3/curl_transport.h"
#include "storage/s3/test_http_server.h"

namespace strata::s3 {
namespace {

using testing::CannedResponse;
using testing::ReceivedRequest;
using testing::TestHttpServer;

constexpr char kStsAnswer[] = R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <SessionToken>STSTOKEN</SessionToken>
      <SecretAccessKey>stssecret</SecretAccessKey>
      <Expiration>2030-10-24T23:00:23Z</Expiration>
      <AccessKeyId>ASIASTS</AccessKeyId>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>)";

constexpr char kJsonCredentials[] =
    R"({"Code": "Success", "AccessKeyId": "ASIAJSON", "SecretAccessKey": "jsonsecret",
        "Token": "JSONTOKEN", "Expiration": "2030-01-01T00:00:00Z"})";

CannedResponse Body(int status, std::string body) {
  CannedResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::unique_ptr<TestHttpServer> Serve(testing::Handler handler) {
  auto server = TestHttpServer::Start(std::move(handler));
  STRATA_CHECK(server.ok(), server.status().ToString());
  return std::move(server).value();
}

std::shared_ptr<HttpTransport> Transport() {
  auto t = CurlTransport::Create();
  STRATA_CHECK(t.ok(), t.status().ToString());
  return std::shared_ptr<HttpTransport>(std::move(t).value());
}

CredentialsChainOptions ChainOptions(std::map<std::string, std::string> vars,
                                     std::map<std::string, std::string> files = {}) {
  CredentialsChainOptions o;
  o.env = AwsEnvironment::Fixed(std::move(vars), std::move(files));
  o.transport = Transport();
  o.imds_endpoint = "http://127.0.0.1:9";
  o.ecs_base_url = "http://127.0.0.1:9";
  return o;
}

TEST(WebIdentityTest, ExchangesTheTokenAtSts) {
  auto sts = Serve([](const ReceivedRequest&) { return Body(200, kStsAnswer); });
  CredentialsChainOptions o = ChainOptions(
      {{"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"},
       {"AWS_ROLE_ARN", "arn:aws:iam::123:role/backup"},
       {"AWS_ROLE_SESSION_NAME", "nightly"},
       {"AWS_ENDPOINT_URL_STS", sts->url()}},
      {{"/var/run/token", "eyJ.token.value\n"}});
  auto provider = ResolveCredentialsChain(o);
  ASSERT_TRUE(provider.ok()) << provider.status().ToString();
  auto c = (*provider)->Get({});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIASTS");
  EXPECT_EQ(c->secret_access_key, "stssecret");
  EXPECT_EQ(c->session_token, "STSTOKEN");
  ASSERT_TRUE(c->expiration.has_value());

  const ReceivedRequest got = sts->requests().at(0);
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.Header("authorization"), std::nullopt);  // unsigned
  EXPECT_NE(got.body.find("Action=AssumeRoleWithWebIdentity"), std::string::npos);
  EXPECT_NE(got.body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123%3Arole%2Fbackup"), std::string::npos);
  EXPECT_NE(got.body.find("RoleSessionName=nightly"), std::string::npos);
  EXPECT_TRUE(got.body.ends_with("&WebIdentityToken=eyJ.token.value")) << "newline kept";
  // Cached: a second Get makes no request.
  ASSERT_TRUE((*provider)->Get({}).ok());
  EXPECT_EQ(sts->requests().size(), 1u);
}

TEST(WebIdentityTest, RefusedTokenIsUnauthenticatedWithoutEchoingIt) {
  auto sts = Serve([](const ReceivedRequest&) {
    return Body(400, "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>token "
                     "eyJ.secret is bad</Message></Error></ErrorResponse>");
  });
  WebIdentityConfig config{"arn:aws:iam::1:role/r", "/t", "s", sts->url()};
  auto env = AwsEnvironment::Fixed({}, {{"/t", "eyJ.secret"}});
  auto c = FetchWebIdentityCredentials(*Transport(), config, env, {});
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated) << c.status().ToString();
  EXPECT_NE(c.status().message().find("InvalidIdentityToken"), std::string::npos);
  EXPECT_EQ(c.status().message().find("eyJ.secret"), std::string::npos);
}

TEST(WebIdentityTest, ServerErrorIsUnavailableAndMissingTokenFileUnauthenticated) {
  auto sts = Serve([](const ReceivedRequest&) { return Body(503, ""); });
  WebIdentityConfig config{"arn:aws:iam::1:role/r", "/t", "s", sts->url()};
  auto env = AwsEnvironment::Fixed({}, {{"/t", "tok"}});
  EXPECT_EQ(FetchWebIdentityCredentials(*Transport(), config, env, {}).status().code(),
            StatusCode::kUnavailable);
  config.token_file = "/missing";
  EXPECT_EQ(FetchWebIdentityCredentials(*Transport(), config, env, {}).status().code(),
            StatusCode::kUnauthenticated);
}

TEST(ContainerCredentialsTest, RelativeUriWithTokenFile) {
  auto ecs = Serve([](const ReceivedRequest& r) {
    return r.path == "/v2/credentials/abc" ? Body(200, kJsonCredentials) : Body(404, "");
  });
  CredentialsChainOptions o = ChainOptions(
      {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"},
       {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-file-set"},
       {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/token"}},
      {{"/var/token", "Bearer filetoken\n"}});
  o.ecs_base_url = ecs->url();
  auto provider = ResolveCredentialsChain(o);
  ASSERT_TRUE(provider.ok()) << provider.status().ToString();
  auto c = (*provider)->Get({});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIAJSON");
  EXPECT_EQ(c->session_token, "JSONTOKEN");
  EXPECT_EQ(ecs->requests().at(0).Header("authorization"), "Bearer filetoken");
}

TEST(ContainerCredentialsTest, FullUriWithToken) {
  auto ecs = Serve([](const ReceivedRequest&) { return Body(200, kJsonCredentials); });
  CredentialsChainOptions o =
      ChainOptions({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs->url() + "/creds"},
                    {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok123"}});
  auto provider = ResolveCredentialsChain(o);
  ASSERT_TRUE(provider.ok()) << provider.status().ToString();
  ASSERT_TRUE((*provider)->Get({}).ok());
  EXPECT_EQ(ecs->requests().at(0).path, "/creds");
  EXPECT_EQ(ecs->requests().at(0).Header("authorization"), "tok123");
}

TEST(ContainerCredentialsTest, UrlRules) {
  EXPECT_TRUE(ValidateContainerUrl("https://example.com/creds").ok());
  EXPECT_TRUE(ValidateContainerUrl("http://127.0.0.1:8080/creds").ok());
  EXPECT_TRUE(ValidateContainerUrl("http://169.254.170.2/v2/x").ok());
  EXPECT_TRUE(ValidateContainerUrl("http://[fd00:ec2::23]/x").ok());
  EXPECT_TRUE(ValidateContainerUrl("http://localhost/x").ok());
  EXPECT_FALSE(ValidateContainerUrl("http://10.1.2.3/x").ok());
  EXPECT_FALSE(ValidateContainerUrl("http://127.example.com/x").ok());
  EXPECT_FALSE(ValidateContainerUrl("http://127.0.0.1.evil.com/x").ok());
  EXPECT_FALSE(ValidateContainerUrl("ftp://127.0.0.1/x").ok());
}

TEST(ContainerCredentialsTest, ParsesOnlyWellFormedJson) {
  EXPECT_EQ(ParseCredentialsJson("not json", "x").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseCredentialsJson("[1]", "x").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseCredentialsJson(R"({"AccessKeyId": 5})", "x").status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(ParseCredentialsJson(R"({"Code": "Failed"})", "x").status().code(),
            StatusCode::kUnauthenticated);
  auto c = ParseCredentialsJson(R"({"AccessKeyId": "A", "SecretAccessKey": "s"})", "x");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->expiration.has_value());
  EXPECT_FALSE(c->session_token.has_value());
}

// IMDSv2: token, role name, role credentials; each later call carries the token.
CannedResponse Imds(const ReceivedRequest& r) {
  if (r.method == "PUT" && r.path == "/latest/api/token") {
    if (r.Header("x-aws-ec2-metadata-token-ttl-seconds") != "21600") return Body(400, "");
    return Body(200, "IMDSSESSION");
  }
  if (r.Header("x-aws-ec2-metadata-token") != "IMDSSESSION") return Body(401, "");
  if (r.path == "/latest/meta-data/iam/security-credentials/") return Body(200, "backup-role\n");
  if (r.path == "/latest/meta-data/iam/security-credentials/backup-role") {
    return Body(200, kJsonCredentials);
  }
  return Body(404, "");
}

TEST(ImdsTest, FetchesTokenRoleAndCredentials) {
  auto imds = Serve(Imds);
  CredentialsChainOptions o =
      ChainOptions({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds->url() + "/"}});
  auto provider = ResolveCredentialsChain(o);
  ASSERT_TRUE(provider.ok()) << provider.status().ToString();
  auto c = (*provider)->Get({});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIAJSON");
  ASSERT_EQ(imds->requests().size(), 3u);
  EXPECT_EQ(imds->requests()[0].method, "PUT");
}

TEST(ImdsTest, NoRoleIsUnauthenticated) {
  auto imds = Serve([](const ReceivedRequest& r) {
    return r.method == "PUT" ? Body(200, "T") : Body(404, "");
  });
  auto c = FetchImdsCredentials(*Transport(), imds->url(), {});
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(c.status().message().find("no IAM role"), std::string::npos);
}

TEST(ImdsTest, UnreachableMetadataMeansNoCredentials) {
  auto imds = Serve([](const ReceivedRequest&) { return Body(200, ""); });
  const std::string url = imds->url();
  imds->Stop();
  auto c = FetchImdsCredentials(*Transport(), url, {});
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated) << c.status().ToString();
  EXPECT_NE(c.status().message().find("no AWS credentials found"), std::string::npos);
}

TEST(ImdsTest, RefreshesBeforeExpiry) {
  std::atomic<int> served{0};
  auto imds = Serve([&](const ReceivedRequest& r) {
    if (r.path.ends_with("/backup-role")) {
      ++served;
      return Body(200, R"({"Code":"Success","AccessKeyId":"K)" + std::to_string(served.load()) +
                           R"(","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T01:00:00Z"})");
    }
    return Imds(r);
  });
  std::atomic<int64_t> now{std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::sys_days(std::chrono::year(2030) / 1 / 1)
                                   .time_since_epoch())
                               .count()};
  CredentialsChainOptions o = ChainOptions({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds->url()}});
  o.clock = [&] { return std::chrono::system_clock::time_point(std::chrono::seconds(now.load())); };
  auto provider = ResolveCredentialsChain(o);
  ASSERT_TRUE(provider.ok());
  EXPECT_EQ((*provider)->Get({})->access_key_id, "K1");
  now += 50 * 60;  // 10 minutes left: cached
  EXPECT_EQ((*provider)->Get({})->access_key_id, "K1");
  now += 6 * 60;  // 4 minutes left: refreshed
  EXPECT_EQ((*provider)->Get({})->access_key_id, "K2");
}

}  // namespace
}  // namespace strata::s3
