// Fetches temporary AWS credentials over HTTP from the three remote sources of the
// credentials chain (credentials_provider.h):
//
//   * STS AssumeRoleWithWebIdentity: an unsigned POST of the web identity token (read
//     from its file on every fetch, since Kubernetes rotates it) and the role ARN;
//   * the ECS / EKS container credentials endpoint: a GET, with the authorization token
//     when one is configured;
//   * EC2 instance metadata, IMDSv2 only: PUT /latest/api/token, then GET the role name,
//     then GET that role's credentials, each with the session token header.
//
// Each function makes one attempt (RefreshingCredentialsProvider retries). Errors:
// Unavailable (cannot connect, 5xx, throttling), DeadlineExceeded (no answer in time),
// Unauthenticated (the source refused: bad token, no role attached, access denied; the
// message says which source), DataLoss (an answer that is not what the API documents),
// Cancelled. Instance metadata that cannot be reached at all is Unauthenticated ("no AWS
// credentials found"): it is the last source of the chain, and off EC2 it never answers.
// Secrets (tokens, keys) never appear in messages.
//
// Thread-safe: the functions keep no state.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "storage/object_store.h"
#include "storage/s3/aws_environment.h"
#include "storage/s3/credentials.h"
#include "storage/s3/http_transport.h"

namespace strata::s3 {

// Longest wait for one credentials request (instance metadata: a shorter one, since on
// a machine that is not an EC2 instance nothing ever answers).
inline constexpr std::chrono::seconds kCredentialsRequestTimeout{5};
inline constexpr std::chrono::seconds kImdsRequestTimeout{2};

struct WebIdentityConfig {
  std::string role_arn;
  std::string token_file;
  std::string session_name;  // default "strata-<unix seconds>" when empty
  std::string sts_endpoint;  // "https://sts.us-east-1.amazonaws.com"
};

Result<Credentials> FetchWebIdentityCredentials(HttpTransport& transport,
                                                const WebIdentityConfig& config,
                                                const AwsEnvironment& env,
                                                const storage::CallOptions& call);

struct ContainerConfig {
  std::string url;                         // full credentials URL
  std::optional<std::string> token;        // AWS_CONTAINER_AUTHORIZATION_TOKEN
  std::optional<std::string> token_file;   // ..._TOKEN_FILE; read per fetch; wins
};

// OK if `url` may carry container credentials: https to any host, or http to a loopback
// address or to the ECS / EKS link-local hosts (169.254.170.2, 169.254.170.23,
// fd00:ec2::23). InvalidArgument otherwise (credentials must not cross a network in
// clear text).
Status ValidateContainerUrl(std::string_view url);

Result<Credentials> FetchContainerCredentials(HttpTransport& transport,
                                              const ContainerConfig& config,
                                              const AwsEnvironment& env,
                                              const storage::CallOptions& call);

// `endpoint`: "http://169.254.169.254" or AWS_EC2_METADATA_SERVICE_ENDPOINT.
Result<Credentials> FetchImdsCredentials(HttpTransport& transport, std::string_view endpoint,
                                         const storage::CallOptions& call);

// Parses the JSON document of the container endpoint and of IMDS ({"AccessKeyId",
// "SecretAccessKey", "Token", "Expiration"}; IMDS adds "Code": "Success"). DataLoss if it
// is not one; Unauthenticated if IMDS says Code is not "Success". `source` names the
// endpoint in messages.
Result<Credentials> ParseCredentialsJson(std::string_view body, std::string_view source);

// Parses an AssumeRoleWithWebIdentity response. DataLoss if it is not one.
Result<Credentials> ParseAssumeRoleWithWebIdentity(std::string_view body);

}  // namespace strata::s3
