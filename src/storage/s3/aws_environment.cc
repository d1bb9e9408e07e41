#include "storage/s3/aws_environment.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace strata::s3 {
namespace {

// Shared config files are small; a bigger one is a mistake (or not a config file).
constexpr std::streamoff kMaxFileBytes = 1 << 20;

Result<std::string> ReadRealFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return NotFoundError(path + " does not exist");
    if (err == EACCES) return PermissionDeniedError("cannot read " + path + ": permission denied");
    return UnavailableError("cannot read " + path + ": " + std::strerror(err));
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size > kMaxFileBytes) return InvalidArgumentError(path + " is larger than 1 MiB");
  in.seekg(0);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string Home(const AwsEnvironment& env) { return env.get(aws_env::kHome).value_or(""); }

// Reads a file that may be missing: nullopt then.
Result<std::optional<std::string>> ReadOptional(const AwsEnvironment& env,
                                                const std::string& path) {
  Result<std::string> r = env.read_file(path);
  if (r.ok()) return std::optional<std::string>(std::move(r).value());
  if (r.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
  return r.status();
}

}  // namespace

AwsEnvironment AwsEnvironment::Process() {
  AwsEnvironment env;
  env.get = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
  env.read_file = ReadRealFile;
  return env;
}

AwsEnvironment AwsEnvironment::Fixed(std::map<std::string, std::string> vars,
                                     std::map<std::string, std::string> files) {
  AwsEnvironment env;
  env.get = [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  env.read_file = [files = std::move(files)](const std::string& path) -> Result<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return NotFoundError(path + " does not exist");
    return it->second;
  };
  return env;
}

bool EnvIsTrue(const AwsEnvironment& env, std::string_view name) {
  std::optional<std::string> v = env.get(name);
  if (!v.has_value()) return false;
  std::string lower = *v;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "true";
}

ProfileChoice ChooseProfile(const std::optional<std::string>& explicit_profile,
                            const AwsEnvironment& env) {
  if (explicit_profile.has_value() && !explicit_profile->empty()) {
    return {*explicit_profile, true};
  }
  if (std::optional<std::string> p = env.get(aws_env::kProfile)) return {*p, true};
  return {std::string(kDefaultProfile), false};
}

Result<std::optional<LoadedProfile>> LoadSharedProfile(const ProfileChoice& choice,
                                                       const AwsEnvironment& env) {
  const std::string credentials_path =
      env.get(aws_env::kSharedCredentialsFile).value_or(Home(env) + "/.aws/credentials");
  const std::string config_path =
      env.get(aws_env::kConfigFile).value_or(Home(env) + "/.aws/config");
  STRATA_ASSIGN_OR_RETURN(std::optional<std::string> credentials,
                          ReadOptional(env, credentials_path));
  STRATA_ASSIGN_OR_RETURN(std::optional<std::string> config, ReadOptional(env, config_path));
  if (!credentials.has_value() && !config.has_value()) {
    if (!choice.named) return std::optional<LoadedProfile>();
    return InvalidArgumentError("AWS profile \"" + choice.name + "\" was asked for, but neither " +
                                credentials_path + " nor " + config_path + " exists");
  }
  SharedConfigContents files;
  if (credentials.has_value()) files.credentials_file = *credentials;
  if (config.has_value()) files.config_file = *config;
  Result<ProfileSettings> settings = LoadProfile(choice.name, files);
  if (!settings.ok()) {
    if (settings.status().code() == StatusCode::kNotFound) {
      if (!choice.named) return std::optional<LoadedProfile>();
      return InvalidArgumentError(settings.status().message() + " (files: " + credentials_path +
                                  ", " + config_path + ")");
    }
    return settings.status();
  }
  LoadedProfile loaded;
  loaded.settings = std::move(settings).value();
  if (loaded.settings.credentials.has_value()) {
    // LoadProfile prefers the credentials file; say which file the keys came from.
    Result<ProfileSettings> from_credentials =
        credentials.has_value()
            ? LoadProfile(choice.name, SharedConfigContents{*credentials, std::nullopt})
            : Result<ProfileSettings>(NotFoundError(""));
    loaded.credentials_path =
        from_credentials.ok() && from_credentials->credentials.has_value() ? credentials_path
                                                                            : config_path;
  }
  return std::optional<LoadedProfile>(std::move(loaded));
}

std::string ResolveRegion(const std::optional<std::string>& explicit_region,
                          const AwsEnvironment& env, const ProfileSettings* profile) {
  if (explicit_region.has_value() && !explicit_region->empty()) return *explicit_region;
  if (std::optional<std::string> r = env.get(aws_env::kRegion)) return *r;
  if (std::optional<std::string> r = env.get(aws_env::kDefaultRegion)) return *r;
  if (profile != nullptr && profile->region.has_value() && !profile->region->empty()) {
    return *profile->region;
  }
  return std::string(kFallbackRegion);
}

std::optional<std::string> ResolveS3EndpointUrl(const std::optional<std::string>& explicit_url,
                                                const AwsEnvironment& env,
                                                const ProfileSettings* profile) {
  if (explicit_url.has_value() && !explicit_url->empty()) return explicit_url;
  if (EnvIsTrue(env, aws_env::kIgnoreConfiguredEndpoints)) return std::nullopt;
  if (std::optional<std::string> e = env.get(aws_env::kEndpointUrlS3)) return e;
  if (std::optional<std::string> e = env.get(aws_env::kEndpointUrl)) return e;
  if (profile != nullptr) {
    if (profile->s3_endpoint_url.has_value()) return profile->s3_endpoint_url;
    if (profile->endpoint_url.has_value()) return profile->endpoint_url;
  }
  return std::nullopt;
}

std::string ResolveStsEndpointUrl(std::string_view region, const AwsEnvironment& env) {
  if (!EnvIsTrue(env, aws_env::kIgnoreConfiguredEndpoints)) {
    if (std::optional<std::string> e = env.get(aws_env::kEndpointUrlSts)) return *e;
    if (std::optional<std::string> e = env.get(aws_env::kEndpointUrl)) return *e;
  }
  return "https://sts." + std::string(region) + ".amazonaws.com";
}

}  // namespace strata::s3
