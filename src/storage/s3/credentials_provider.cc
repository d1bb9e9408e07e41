#include "storage/s3/credentials_provider.h"

#include <utility>

#include "core/retry.h"
#include "storage/s3/log.h"
#include "storage/s3/remote_credentials.h"

namespace strata::s3 {
namespace {

namespace ev = aws_env;

// Retries of one credentials fetch: a metadata endpoint can blip like any server, but
// the S3 request waiting on it has its own retries, so keep this short.
RetryPolicy FetchRetryPolicy() {
  RetryPolicy p;
  p.max_attempts = 3;
  p.initial_backoff = std::chrono::milliseconds(100);
  p.max_backoff = std::chrono::seconds(1);
  return p;
}

using Provider = std::shared_ptr<CredentialsProvider>;

Provider Refreshing(const CredentialsChainOptions& o, std::string source,
                    RefreshingCredentialsProvider::Fetch fetch) {
  return std::make_shared<RefreshingCredentialsProvider>(std::move(source), std::move(fetch),
                                                         o.refresh_margin, o.clock);
}

Status NeedTransport(const CredentialsChainOptions& o, std::string_view source) {
  if (o.transport != nullptr) return OkStatus();
  return FailedPreconditionError(std::string(source) + " needs an HTTP transport");
}

Result<Provider> WebIdentity(const CredentialsChainOptions& o, WebIdentityConfig config) {
  STRATA_RETURN_IF_ERROR(NeedTransport(o, "web identity"));
  config.sts_endpoint = ResolveStsEndpointUrl(o.region, o.env);
  std::string source = "web identity (role " + config.role_arn + ", token file " +
                       config.token_file + ")";
  return Refreshing(o, std::move(source),
                    [transport = o.transport, config, env = o.env](const storage::CallOptions& c) {
                      return FetchWebIdentityCredentials(*transport, config, env, c);
                    });
}

// Step 3. nullopt: the profile supplies nothing, go on down the chain.
Result<std::optional<Provider>> FromProfile(const CredentialsChainOptions& o) {
  const ProfileChoice choice = ChooseProfile(o.profile, o.env);
  STRATA_ASSIGN_OR_RETURN(std::optional<LoadedProfile> loaded, LoadSharedProfile(choice, o.env));
  if (!loaded.has_value()) return std::optional<Provider>();
  const ProfileSettings& p = loaded->settings;
  const std::string label = "profile \"" + choice.name + "\"";
  if (p.credentials.has_value()) {
    return std::optional<Provider>(std::make_shared<StaticCredentialsProvider>(
        *p.credentials, label + " in " + loaded->credentials_path));
  }
  if (p.web_identity_token_file.has_value() && p.role_arn.has_value()) {
    WebIdentityConfig config{*p.role_arn, *p.web_identity_token_file,
                             p.role_session_name.value_or(""), ""};
    STRATA_ASSIGN_OR_RETURN(Provider provider, WebIdentity(o, std::move(config)));
    return std::optional<Provider>(std::move(provider));
  }
  if (p.role_arn.has_value() || p.credential_process.has_value()) {
    return UnimplementedError(label + " uses " +
                              (p.role_arn ? "role_arn with source_profile" : "credential_process") +
                              ", which strata does not support; export the keys (e.g. "
                              "`aws configure export-credentials --format env`) instead");
  }
  return std::optional<Provider>();
}

Result<Provider> FromContainer(const CredentialsChainOptions& o) {
  STRATA_RETURN_IF_ERROR(NeedTransport(o, "container credentials"));
  ContainerConfig config;
  if (std::optional<std::string> rel = o.env.get(ev::kContainerRelativeUri)) {
    config.url = o.ecs_base_url + (rel->starts_with('/') ? "" : "/") + *rel;
  } else {
    config.url = *o.env.get(ev::kContainerFullUri);
  }
  STRATA_RETURN_IF_ERROR(ValidateContainerUrl(config.url));
  config.token = o.env.get(ev::kContainerAuthToken);
  config.token_file = o.env.get(ev::kContainerAuthTokenFile);
  return Refreshing(o, "container credentials (" + std::string(UrlWithoutQuery(config.url)) + ")",
                    [transport = o.transport, config, env = o.env](const storage::CallOptions& c) {
                      return FetchContainerCredentials(*transport, config, env, c);
                    });
}

}  // namespace

Result<Credentials> StaticCredentialsProvider::Get(const storage::CallOptions& call) {
  if (call.cancel.cancelled()) return CancelledError("cancelled");
  return credentials_;
}

RefreshingCredentialsProvider::RefreshingCredentialsProvider(std::string source, Fetch fetch,
                                                             std::chrono::seconds margin,
                                                             Clock clock)
    : source_(std::move(source)),
      fetch_(std::move(fetch)),
      margin_(margin),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::system_clock::now(); })) {}

Result<Credentials> RefreshingCredentialsProvider::Get(const storage::CallOptions& call) {
  std::lock_guard lock(mu_);
  const auto now = clock_();
  if (cached_.has_value() && !cached_->ExpiresBefore(now, margin_)) return *cached_;
  std::optional<Credentials> fetched;
  Status status = Retry(FetchRetryPolicy(), RetryContext{call.deadline, call.cancel, {}}, [&] {
    Result<Credentials> r = fetch_(call);
    if (!r.ok()) return r.status();
    fetched = std::move(r).value();
    return OkStatus();
  });
  if (status.ok()) {
    Log().debug("fetched temporary credentials from {}: {}", source_, *fetched);
    cached_ = std::move(fetched);
    return *cached_;
  }
  if (cached_.has_value() && !cached_->ExpiresBefore(now)) {
    Log().warn("refreshing credentials from {} failed ({}); using the current ones until they "
               "expire", source_, status.ToString());
    return *cached_;
  }
  return status;
}

void RefreshingCredentialsProvider::Invalidate() {
  std::lock_guard lock(mu_);
  cached_.reset();
}

Result<std::shared_ptr<CredentialsProvider>> ResolveCredentialsChain(
    const CredentialsChainOptions& o) {
  if (o.explicit_credentials.has_value()) {
    if (!o.explicit_credentials->complete()) {
      return InvalidArgumentError("explicit S3 credentials need both an access key id and a "
                                  "secret access key");
    }
    return Provider(std::make_shared<StaticCredentialsProvider>(*o.explicit_credentials,
                                                                "explicit options"));
  }

  std::optional<std::string> id = o.env.get(ev::kAccessKeyId);
  std::optional<std::string> secret = o.env.get(ev::kSecretAccessKey);
  if (id.has_value() != secret.has_value()) {
    return InvalidArgumentError(std::string(id ? ev::kAccessKeyId : ev::kSecretAccessKey) +
                                " is set but " +
                                std::string(id ? ev::kSecretAccessKey : ev::kAccessKeyId) +
                                " is not");
  }
  if (id.has_value()) {
    Credentials c{*id, *secret, o.env.get(ev::kSessionToken), std::nullopt};
    return Provider(std::make_shared<StaticCredentialsProvider>(
        std::move(c), "environment (" + std::string(ev::kAccessKeyId) + ")"));
  }

  STRATA_ASSIGN_OR_RETURN(std::optional<Provider> profile, FromProfile(o));
  if (profile.has_value()) return std::move(*profile);

  std::optional<std::string> token_file = o.env.get(ev::kWebIdentityTokenFile);
  std::optional<std::string> role = o.env.get(ev::kRoleArn);
  if (token_file.has_value() != role.has_value()) {
    return InvalidArgumentError(
        "web identity needs both " + std::string(ev::kWebIdentityTokenFile) + " and " +
        std::string(ev::kRoleArn) + "; only " +
        std::string(token_file ? ev::kWebIdentityTokenFile : ev::kRoleArn) + " is set");
  }
  if (token_file.has_value()) {
    return WebIdentity(o, WebIdentityConfig{*role, *token_file,
                                            o.env.get(ev::kRoleSessionName).value_or(""), ""});
  }

  if (o.env.get(ev::kContainerRelativeUri) || o.env.get(ev::kContainerFullUri)) {
    return FromContainer(o);
  }

  if (EnvIsTrue(o.env, ev::kImdsDisabled)) {
    return UnauthenticatedError(
        "no AWS credentials found: set them in the options, in AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY, or in a profile of the shared credentials file (instance "
        "metadata is disabled by AWS_EC2_METADATA_DISABLED)");
  }
  STRATA_RETURN_IF_ERROR(NeedTransport(o, "EC2 instance metadata"));
  const std::string endpoint = o.env.get(ev::kImdsEndpoint).value_or(o.imds_endpoint);
  return Refreshing(o, "EC2 instance metadata (" + endpoint + ")",
                    [transport = o.transport, endpoint](const storage::CallOptions& c) {
                      return FetchImdsCredentials(*transport, endpoint, c);
                    });
}

}  // namespace strata::s3
