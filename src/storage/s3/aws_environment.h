// AwsEnvironment: where the S3 client reads the usual AWS settings from, the environment
// variables and the shared config / credentials files, behind two functions so tests
// can supply their own without touching the process environment (setenv is not
// thread-safe). Also the resolution rules built on them: which profile, which region,
// which endpoint. Every AWS variable name strata reads is a constant here.
//
// AwsEnvironment is a value; its functions must be safe to call from any thread (those
// of Process() are). The free functions are thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "storage/s3/credentials_file.h"

namespace strata::s3 {

namespace aws_env {
inline constexpr std::string_view kAccessKeyId = "AWS_ACCESS_KEY_ID";
inline constexpr std::string_view kSecretAccessKey = "AWS_SECRET_ACCESS_KEY";
inline constexpr std::string_view kSessionToken = "AWS_SESSION_TOKEN";
inline constexpr std::string_view kProfile = "AWS_PROFILE";
inline constexpr std::string_view kSharedCredentialsFile = "AWS_SHARED_CREDENTIALS_FILE";
inline constexpr std::string_view kConfigFile = "AWS_CONFIG_FILE";
inline constexpr std::string_view kRegion = "AWS_REGION";
inline constexpr std::string_view kDefaultRegion = "AWS_DEFAULT_REGION";
inline constexpr std::string_view kEndpointUrl = "AWS_ENDPOINT_URL";
inline constexpr std::string_view kEndpointUrlS3 = "AWS_ENDPOINT_URL_S3";
inline constexpr std::string_view kEndpointUrlSts = "AWS_ENDPOINT_URL_STS";
inline constexpr std::string_view kIgnoreConfiguredEndpoints =
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
inline constexpr std::string_view kCaBundle = "AWS_CA_BUNDLE";
inline constexpr std::string_view kWebIdentityTokenFile = "AWS_WEB_IDENTITY_TOKEN_FILE";
inline constexpr std::string_view kRoleArn = "AWS_ROLE_ARN";
inline constexpr std::string_view kRoleSessionName = "AWS_ROLE_SESSION_NAME";
inline constexpr std::string_view kContainerRelativeUri = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
inline constexpr std::string_view kContainerFullUri = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
inline constexpr std::string_view kContainerAuthToken = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
inline constexpr std::string_view kContainerAuthTokenFile =
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
inline constexpr std::string_view kImdsEndpoint = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
inline constexpr std::string_view kImdsDisabled = "AWS_EC2_METADATA_DISABLED";
inline constexpr std::string_view kHome = "HOME";
}  // namespace aws_env

// The region used when nothing names one, as in the AWS CLI.
inline constexpr std::string_view kFallbackRegion = "us-east-1";

struct AwsEnvironment {
  // The value of variable `name`; nullopt if unset or empty.
  std::function<std::optional<std::string>(std::string_view name)> get;
  // The contents of file `path`: NotFound if it does not exist, PermissionDenied or
  // Unavailable if it cannot be read.
  std::function<Result<std::string>(const std::string& path)> read_file;

  // The process environment (getenv) and the real file system.
  static AwsEnvironment Process();
  // Variables from `vars`; files from `files` (path -> contents), others NotFound.
  static AwsEnvironment Fixed(std::map<std::string, std::string> vars,
                              std::map<std::string, std::string> files = {});
};

// True if variable `name` is "true" (any case), as AWS_EC2_METADATA_DISABLED is read.
bool EnvIsTrue(const AwsEnvironment& env, std::string_view name);

// The profile in effect: `explicit_profile`, else AWS_PROFILE, else "default".
struct ProfileChoice {
  std::string name;
  bool named = false;  // chosen explicitly or by AWS_PROFILE (not the implicit default)
};
ProfileChoice ChooseProfile(const std::optional<std::string>& explicit_profile,
                            const AwsEnvironment& env);

// A profile read from the shared files, and the file its keys came from (for messages).
struct LoadedProfile {
  ProfileSettings settings;
  std::string credentials_path;  // the file that held the keys; "" if none did
};

// Reads `choice` from AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) and
// AWS_CONFIG_FILE (default ~/.aws/config). Returns nullopt if neither file exists, or if
// the profile is the implicit default and is in neither file. Errors: InvalidArgument
// for a malformed file, or for a named profile found in neither file (the message lists
// the profiles that exist); what read_file returns for an unreadable file.
Result<std::optional<LoadedProfile>> LoadSharedProfile(const ProfileChoice& choice,
                                                       const AwsEnvironment& env);

// The region: `explicit_region` > AWS_REGION > AWS_DEFAULT_REGION > the profile's
// region > us-east-1.
std::string ResolveRegion(const std::optional<std::string>& explicit_region,
                          const AwsEnvironment& env, const ProfileSettings* profile);

// The S3 endpoint URL: `explicit_url` > AWS_ENDPOINT_URL_S3 > AWS_ENDPOINT_URL > the
// profile's "services" s3 endpoint_url > the profile's endpoint_url; nullopt means
// AWS's own endpoint for the region. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true leaves
// only the explicit URL.
std::optional<std::string> ResolveS3EndpointUrl(const std::optional<std::string>& explicit_url,
                                                const AwsEnvironment& env,
                                                const ProfileSettings* profile);

// The STS endpoint URL for web identity: AWS_ENDPOINT_URL_STS > AWS_ENDPOINT_URL >
// https://sts.<region>.amazonaws.com.
std::string ResolveStsEndpointUrl(std::string_view region, const AwsEnvironment& env);

}  // namespace strata::s3
