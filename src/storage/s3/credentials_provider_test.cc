#include "storage/s3/credentials_provider.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "storage/s3/curl_transport.h"

namespace strata::s3 {
namespace {

using std::chrono::system_clock;

constexpr char kCredentialsFile[] = "/home/u/.aws/credentials";
constexpr char kConfigFile[] = "/home/u/.aws/config";

CredentialsChainOptions Options(std::map<std::string, std::string> vars,
                                std::map<std::string, std::string> files = {}) {
  vars.emplace("HOME", "/home/u");
  CredentialsChainOptions o;
  o.env = AwsEnvironment::Fixed(std::move(vars), std::move(files));
  // Never let a test reach a real metadata service.
  o.imds_endpoint = "http://127.0.0.1:9";
  o.ecs_base_url = "http://127.0.0.1:9";
  return o;
}

Result<std::shared_ptr<CredentialsProvider>> Resolve(const CredentialsChainOptions& o) {
  return ResolveCredentialsChain(o);
}

TEST(CredentialsChainTest, ExplicitOptionsComeFirst) {
  CredentialsChainOptions o = Options({{"AWS_ACCESS_KEY_ID", "ENVKEY"},
                                       {"AWS_SECRET_ACCESS_KEY", "envsecret"}});
  o.explicit_credentials = Credentials{"OPTKEY", "optsecret", std::nullopt, std::nullopt};
  auto p = Resolve(o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->Source(), "explicit options");
  EXPECT_EQ((*p)->Get({})->access_key_id, "OPTKEY");
  o.explicit_credentials->secret_access_key.clear();
  EXPECT_EQ(Resolve(o).status().code(), StatusCode::kInvalidArgument);
}

TEST(CredentialsChainTest, EnvironmentBeatsProfile) {
  auto p = Resolve(Options({{"AWS_ACCESS_KEY_ID", "ENVKEY"},
                            {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                            {"AWS_SESSION_TOKEN", "envtoken"}},
                           {{kCredentialsFile, "[default]\naws_access_key_id = FILEKEY\n"
                                               "aws_secret_access_key = filesecret\n"}}));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->Source(), "environment (AWS_ACCESS_KEY_ID)");
  auto c = (*p)->Get({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "ENVKEY");
  EXPECT_EQ(c->session_token, "envtoken");
}

TEST(CredentialsChainTest, HalfSetEnvironmentIsAnError) {
  auto p = Resolve(Options({{"AWS_ACCESS_KEY_ID", "ENVKEY"}}));
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(p.status().message().find("AWS_SECRET_ACCESS_KEY is not"), std::string::npos);
}

TEST(CredentialsChainTest, ProfileFromAwsProfileAndCustomFiles) {
  auto p = Resolve(Options(
      {{"AWS_PROFILE", "prod"}, {"AWS_SHARED_CREDENTIALS_FILE", "/etc/creds"}},
      {{"/etc/creds", "[default]\naws_access_key_id=D\naws_secret_access_key=d\n"
                      "[prod]\naws_access_key_id=PRODKEY\naws_secret_access_key=prodsecret\n"}}));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->Source(), "profile \"prod\" in /etc/creds");
  EXPECT_EQ((*p)->Get({})->access_key_id, "PRODKEY");
}

TEST(CredentialsChainTest, KeysInTheConfigFileNameThatFile) {
  auto p = Resolve(Options({}, {{kConfigFile, "[profile default]\naws_access_key_id=K\n"
                                              "aws_secret_access_key=s\n"}}));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->Source(), std::string("profile \"default\" in ") + kConfigFile);
}

TEST(CredentialsChainTest, MissingNamedProfileIsAnError) {
  CredentialsChainOptions o =
      Options({}, {{kCredentialsFile, "[default]\naws_access_key_id=K\naws_secret_access_key=s\n"}});
  o.profile = "nope";
  auto p = Resolve(o);
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << p.status().ToString();
  EXPECT_NE(p.status().message().find("nope"), std::string::npos);
}

TEST(CredentialsChainTest, UnsupportedProfileKindsSaySo) {
  auto p = Resolve(Options({}, {{kConfigFile, "[default]\nrole_arn = arn:aws:iam::1:role/r\n"
                                              "source_profile = base\n"}}));
  EXPECT_EQ(p.status().code(), StatusCode::kUnimplemented) << p.status().ToString();
}

TEST(CredentialsChainTest, NothingConfiguredAndImdsDisabledIsUnauthenticated) {
  auto p = Resolve(Options({{"AWS_EC2_METADATA_DISABLED", "TRUE"}}));
  EXPECT_EQ(p.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(p.status().message().find("no AWS credentials found"), std::string::npos);
}

TEST(CredentialsChainTest, RemoteSourcesNeedATransport) {
  auto p = Resolve(Options({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"}}));
  EXPECT_EQ(p.status().code(), StatusCode::kFailedPrecondition) << p.status().ToString();
}

TEST(CredentialsChainTest, OrderOfRemoteSources) {
  auto transport = CurlTransport::Create();
  ASSERT_TRUE(transport.ok());
  std::shared_ptr<HttpTransport> shared = std::move(transport).value();
  auto with = [&](std::map<std::string, std::string> vars) {
    CredentialsChainOptions o = Options(std::move(vars));
    o.transport = shared;
    auto p = Resolve(o);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? (*p)->Source() : "";
  };
  EXPECT_EQ(with({{"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"},
                  {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
                  {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"}})
                .rfind("web identity (role arn:aws:iam::1:role/r", 0),
            0u);
  EXPECT_EQ(with({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"}}),
            "container credentials (http://127.0.0.1:9/v2/creds)");
  EXPECT_EQ(with({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:8"}}),
            "EC2 instance metadata (http://127.0.0.1:8)");
  EXPECT_EQ(with({}), "EC2 instance metadata (http://127.0.0.1:9)");

  CredentialsChainOptions o = Options({{"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"}});
  o.transport = shared;
  EXPECT_EQ(Resolve(o).status().code(), StatusCode::kInvalidArgument);
  o = Options({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.1/creds"}});
  o.transport = shared;
  EXPECT_EQ(Resolve(o).status().code(), StatusCode::kInvalidArgument);
}

TEST(CredentialsChainTest, SourceNeverShowsTheSecret) {
  auto p = Resolve(Options({{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"},
                            {"AWS_SECRET_ACCESS_KEY", "verysecretvalue"}}));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->Source().find("verysecretvalue"), std::string::npos);
}

// A fake clock and a fetch function that counts calls and hands out credentials that
// expire an hour after "now".
struct Fixture {
  std::atomic<int64_t> now_s{1'700'000'000};
  std::atomic<int> fetches{0};
  std::atomic<bool> fail{false};

  RefreshingCredentialsProvider::Clock Clock() {
    return [this] { return system_clock::time_point(std::chrono::seconds(now_s.load())); };
  }
  RefreshingCredentialsProvider::Fetch Fetch() {
    return [this](const storage::CallOptions&) -> Result<Credentials> {
      ++fetches;
      if (fail.load()) return UnauthenticatedError("refused");
      Credentials c{"TEMP" + std::to_string(fetches.load()), "s", "tok", std::nullopt};
      c.expiration = system_clock::time_point(std::chrono::seconds(now_s.load() + 3600));
      return c;
    };
  }
};

TEST(RefreshingProviderTest, CachesUntilTheMarginThenRefreshes) {
  Fixture f;
  RefreshingCredentialsProvider p("test", f.Fetch(), std::chrono::minutes(5), f.Clock());
  EXPECT_EQ(p.Get({})->access_key_id, "TEMP1");
  f.now_s += 3000;  // 10 minutes before expiry: still cached
  EXPECT_EQ(p.Get({})->access_key_id, "TEMP1");
  f.now_s += 400;  // inside the 5-minute margin: refreshed
  EXPECT_EQ(p.Get({})->access_key_id, "TEMP2");
  EXPECT_EQ(f.fetches.load(), 2);
  p.Invalidate();
  EXPECT_EQ(p.Get({})->access_key_id, "TEMP3");
}

TEST(RefreshingProviderTest, KeepsValidCredentialsWhenARefreshFails) {
  Fixture f;
  RefreshingCredentialsProvider p("test", f.Fetch(), std::chrono::minutes(5), f.Clock());
  ASSERT_TRUE(p.Get({}).ok());
  f.fail = true;
  f.now_s += 3400;  // inside the margin but not expired
  auto still = p.Get({});
  ASSERT_TRUE(still.ok()) << still.status().ToString();
  EXPECT_EQ(still->access_key_id, "TEMP1");
  f.now_s += 400;  // expired now
  EXPECT_EQ(p.Get({}).status().code(), StatusCode::kUnauthenticated);
}

TEST(RefreshingProviderTest, ConcurrentCallersFetchOnce) {
  Fixture f;
  RefreshingCredentialsProvider p("test", f.Fetch(), std::chrono::minutes(5), f.Clock());
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j) EXPECT_TRUE(p.Get({}).ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.fetches.load(), 1);
}

TEST(RefreshingProviderTest, CancelledCallIsCancelled) {
  Fixture f;
  RefreshingCredentialsProvider p("test", f.Fetch(), std::chrono::minutes(5), f.Clock());
  storage::CallOptions call;
  call.cancel.Cancel();
  EXPECT_EQ(p.Get(call).status().code(), StatusCode::kCancelled);
}

TEST(AwsEnvironmentTest, RegionOrder) {
  ProfileSettings profile;
  profile.region = "eu-west-3";
  auto env = AwsEnvironment::Fixed({{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "x"}});
  EXPECT_EQ(ResolveRegion("ap-south-1", env, &profile), "ap-south-1");
  EXPECT_EQ(ResolveRegion(std::nullopt, env, &profile), "eu-west-1");
  env = AwsEnvironment::Fixed({{"AWS_DEFAULT_REGION", "eu-west-2"}});
  EXPECT_EQ(ResolveRegion(std::nullopt, env, &profile), "eu-west-2");
  env = AwsEnvironment::Fixed({});
  EXPECT_EQ(ResolveRegion(std::nullopt, env, &profile), "eu-west-3");
  EXPECT_EQ(ResolveRegion(std::nullopt, env, nullptr), "us-east-1");
}

TEST(AwsEnvironmentTest, EndpointOrder) {
  ProfileSettings profile;
  profile.endpoint_url = "http://profile-all";
  profile.s3_endpoint_url = "http://profile-s3";
  auto env = AwsEnvironment::Fixed(
      {{"AWS_ENDPOINT_URL_S3", "http://env-s3"}, {"AWS_ENDPOINT_URL", "http://env-all"}});
  EXPECT_EQ(ResolveS3EndpointUrl("http://flag", env, &profile), "http://flag");
  EXPECT_EQ(ResolveS3EndpointUrl(std::nullopt, env, &profile), "http://env-s3");
  env = AwsEnvironment::Fixed({{"AWS_ENDPOINT_URL", "http://env-all"}});
  EXPECT_EQ(ResolveS3EndpointUrl(std::nullopt, env, &profile), "http://env-all");
  env = AwsEnvironment::Fixed({});
  EXPECT_EQ(ResolveS3EndpointUrl(std::nullopt, env, &profile), "http://profile-s3");
  profile.s3_endpoint_url.reset();
  EXPECT_EQ(ResolveS3EndpointUrl(std::nullopt, env, &profile), "http://profile-all");
  EXPECT_EQ(ResolveS3EndpointUrl(std::nullopt, env, nullptr), std::nullopt);
  env = AwsEnvironment::Fixed({{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"},
                               {"AWS_ENDPOINT_URL", "http://env-all"}});
  EXPECT_EQ(ResolveS3EndpointUrl(std::nullopt, env, &profile), std::nullopt);
  EXPECT_EQ(ResolveStsEndpointUrl("eu-west-1", env), "https://sts.eu-west-1.amazonaws.com");
  env = AwsEnvironment::Fixed({{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1"}});
  EXPECT_EQ(ResolveStsEndpointUrl("eu-west-1", env), "http://127.0.0.1:1");
}

}  // namespace
}  // namespace strata::s3
