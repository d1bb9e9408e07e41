// CredentialsProvider: where the S3 client gets the keys it signs with, and the chain
// that picks the source the way the AWS CLI and SDKs do. In this order, the first source
// that is configured wins:
//
//   1. explicit options (S3Config access key id + secret [+ session token])
//   2. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY [/ AWS_SESSION_TOKEN]
//   3. the shared credentials and config files (AWS_SHARED_CREDENTIALS_FILE,
//      AWS_CONFIG_FILE), profile from the options, AWS_PROFILE or "default"; a profile
//      with web_identity_token_file + role_arn uses web identity (4)
//   4. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME],
//      exchanged at STS (AssumeRoleWithWebIdentity)
//   5. ECS / EKS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on
//      169.254.170.2) or AWS_CONTAINER_CREDENTIALS_FULL_URI, with
//      AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]
//   6. EC2 instance metadata (IMDSv2), unless AWS_EC2_METADATA_DISABLED=true
//
// Temporary credentials (4-6) are fetched when first needed and fetched again a margin
// (default 5 minutes) before they expire. Secrets never appear in messages or logs.
//
// Every provider is safe for concurrent use.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/result.h"
#include "storage/object_store.h"
#include "storage/s3/aws_environment.h"
#include "storage/s3/credentials.h"
#include "storage/s3/http_transport.h"

namespace strata::s3 {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;

  // Credentials to sign with now (complete, not about to expire). Errors:
  // Unauthenticated when the source has none or refuses (the message names the source),
  // Unavailable / DeadlineExceeded when a credentials endpoint cannot be reached,
  // Cancelled when call.cancel is set.
  virtual Result<Credentials> Get(const storage::CallOptions& call) = 0;

  // Forgets cached temporary credentials, so the next Get fetches new ones (after S3
  // said ExpiredToken). No effect on fixed credentials.
  virtual void Invalidate() {}

  // Where the credentials come from, for messages: "environment (AWS_ACCESS_KEY_ID)",
  // "profile \"prod\" in /home/u/.aws/credentials", ... Never a secret.
  virtual std::string Source() const = 0;
};

// Fixed credentials (explicit options, environment, a profile's keys).
class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  StaticCredentialsProvider(Credentials credentials, std::string source)
      : credentials_(std::move(credentials)), source_(std::move(source)) {}
  // The credentials given at construction; Cancelled if call.cancel is set.
  Result<Credentials> Get(const storage::CallOptions& call) override;
  std::string Source() const override { return source_; }

 private:
  const Credentials credentials_;
  const std::string source_;
};

// Temporary credentials from `fetch`, cached until `margin` before they expire (fetched
// once, under a lock, however many threads ask). Transient fetch errors are retried a
// few times. If a refresh fails while the cached credentials are still valid, those are
// returned (and the failure logged) rather than failing the caller.
class RefreshingCredentialsProvider final : public CredentialsProvider {
 public:
  using Fetch = std::function<Result<Credentials>(const storage::CallOptions& call)>;
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // `clock` empty: the system clock.
  RefreshingCredentialsProvider(std::string source, Fetch fetch,
                                std::chrono::seconds margin = std::chrono::minutes(5),
                                Clock clock = {});

  // Cached or fresh credentials; the fetch's error if there are none valid.
  Result<Credentials> Get(const storage::CallOptions& call) override;
  void Invalidate() override;
  std::string Source() const override { return source_; }

 private:
  const std::string source_;
  const Fetch fetch_;
  const std::chrono::seconds margin_;
  const Clock clock_;
  std::mutex mu_;
  std::optional<Credentials> cached_;  // guarded by mu_
};

struct CredentialsChainOptions {
  // Step 1; must be complete if set.
  std::optional<Credentials> explicit_credentials;
  // Profile for step 3; unset: AWS_PROFILE, else "default".
  std::optional<std::string> profile;
  // Region for the STS endpoint of step 4.
  std::string region = std::string(kFallbackRegion);
  // Sends the STS / ECS / IMDS requests of steps 4-6. Required for them.
  std::shared_ptr<HttpTransport> transport;
  AwsEnvironment env = AwsEnvironment::Process();
  // Base URL for AWS_CONTAINER_CREDENTIALS_RELATIVE_URI. Tests point it at loopback.
  std::string ecs_base_url = "http://169.254.170.2";
  // IMDS endpoint unless AWS_EC2_METADATA_SERVICE_ENDPOINT says otherwise.
  std::string imds_endpoint = "http://169.254.169.254";
  // Temporary credentials are refreshed this long before they expire.
  std::chrono::seconds refresh_margin = std::chrono::minutes(5);
  // Empty: the system clock. Tests move time forward with their own.
  RefreshingCredentialsProvider::Clock clock;
};

// The provider of the first configured source in the order above. Nothing is fetched
// yet. Errors: InvalidArgument for a half-configured source (a key id without a secret,
// AWS_ROLE_ARN without a token file, a malformed or missing named profile, a container
// URL that is neither https nor a loopback / container host); Unimplemented for profile
// kinds strata does not support (source_profile role chains, credential_process, SSO);
// FailedPrecondition if steps 4-6 apply but no transport was given; Unauthenticated if
// no source is configured and instance metadata is disabled.
Result<std::shared_ptr<CredentialsProvider>> ResolveCredentialsChain(
    const CredentialsChainOptions& options);

}  // namespace strata::s3
