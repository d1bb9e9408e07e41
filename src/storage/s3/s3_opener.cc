#include "storage/s3/s3_opener.h"

#include <utility>

#include "core/text.h"
#include "storage/s3/credentials_provider.h"
#include "storage/s3/curl_transport.h"
#include "storage/s3/log.h"

namespace strata::s3 {
namespace {

constexpr std::string_view kScheme = "s3://";

Result<AddressingStyle> ParseAddressing(std::string_view text) {
  const std::string v = AsciiLower(text);
  if (v == "path") return AddressingStyle::kPath;
  if (v == "virtual") return AddressingStyle::kVirtualHosted;
  if (v == "auto") return AddressingStyle::kAuto;
  return InvalidArgumentError("s3 addressing_style must be path, virtual or auto, not \"" +
                              std::string(text) + "\"");
}

std::string EndpointUrl(const Endpoint& e) {
  return e.scheme + "://" + e.host + (e.port ? ":" + std::to_string(*e.port) : "");
}

Result<std::shared_ptr<HttpTransport>> MakeTransport(const S3Config& config,
                                                     const AwsEnvironment& env) {
  if (config.transport != nullptr) return config.transport;
  CurlTransportOptions options;
  options.verify_tls = config.verify_tls;
  options.ca_bundle = config.ca_bundle;
  if (!options.ca_bundle.has_value()) options.ca_bundle = env.get(aws_env::kCaBundle);
  options.connect_timeout = config.connect_timeout;
  // Enough idle handles for the part uploads of a few writers at once.
  options.max_idle_handles = std::max(16, 2 * config.parallel_parts);
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<CurlTransport> transport,
                          CurlTransport::Create(std::move(options)));
  return std::shared_ptr<HttpTransport>(std::move(transport));
}

std::optional<Credentials> ExplicitCredentials(const S3Config& config) {
  if (!config.access_key_id.has_value() && !config.secret_access_key.has_value()) {
    return std::nullopt;
  }
  return Credentials{config.access_key_id.value_or(""), config.secret_access_key.value_or(""),
                     config.session_token, std::nullopt};
}

}  // namespace

Result<S3Url> S3Url::Parse(std::string_view url) {
  if (url.size() < kScheme.size() || AsciiLower(url.substr(0, kScheme.size())) != kScheme) {
    return InvalidArgumentError("not an s3:// URL: \"" + std::string(url) + "\"");
  }
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return InvalidArgumentError("s3:// URL may not have a query or fragment: \"" +
                                std::string(url) + "\"");
  }
  const std::size_t slash = rest.find('/');
  S3Url out;
  out.bucket = std::string(rest.substr(0, slash));
  if (out.bucket.empty()) {
    return InvalidArgumentError("s3:// URL needs a bucket, as in s3://my-bucket/backups (got \"" +
                                std::string(url) + "\")");
  }
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash + 1);
    while (prefix.starts_with('/')) prefix.remove_prefix(1);
    while (prefix.ends_with('/')) prefix.remove_suffix(1);
    out.prefix = std::string(prefix);
  }
  return out;
}

Result<std::unique_ptr<S3Store>> OpenS3Store(std::string_view url, const S3Config& config,
                                             const storage::CallOptions& call) {
  STRATA_ASSIGN_OR_RETURN(S3Url parsed, S3Url::Parse(url));
  const AwsEnvironment env = config.environment.value_or(AwsEnvironment::Process());

  // The profile supplies region, endpoint and addressing; a broken config file matters
  // only when a profile was asked for by name.
  const ProfileChoice choice = ChooseProfile(config.profile, env);
  std::optional<ProfileSettings> profile;
  if (Result<std::optional<LoadedProfile>> loaded = LoadSharedProfile(choice, env); loaded.ok()) {
    if (loaded->has_value()) profile = (*loaded)->settings;
  } else if (choice.named) {
    return loaded.status();
  } else {
    Log().debug("ignoring the shared AWS config: {}", loaded.status().ToString());
  }
  const ProfileSettings* p = profile.has_value() ? &*profile : nullptr;

  const std::string region = ResolveRegion(config.region, env, p);
  Endpoint endpoint = Endpoint::ForAwsRegion(region);
  if (std::optional<std::string> u = ResolveS3EndpointUrl(config.endpoint, env, p)) {
    STRATA_ASSIGN_OR_RETURN(endpoint, Endpoint::Parse(*u));
  }
  AddressingStyle addressing = AddressingStyle::kAuto;
  if (config.addressing.has_value()) {
    addressing = *config.addressing;
  } else if (p != nullptr && p->s3_addressing_style.has_value()) {
    STRATA_ASSIGN_OR_RETURN(addressing, ParseAddressing(*p->s3_addressing_style));
  }
  STRATA_ASSIGN_OR_RETURN(RequestBuilder builder,
                          RequestBuilder::Create(endpoint, parsed.bucket, addressing));
  STRATA_ASSIGN_OR_RETURN(std::shared_ptr<HttpTransport> transport, MakeTransport(config, env));

  CredentialsChainOptions chain;
  chain.explicit_credentials = ExplicitCredentials(config);
  chain.profile = config.profile;
  chain.region = region;
  chain.transport = transport;
  chain.env = env;
  STRATA_ASSIGN_OR_RETURN(std::shared_ptr<CredentialsProvider> credentials,
                          ResolveCredentialsChain(chain));

  S3ClientOptions client_options;
  client_options.retry = config.retry;
  client_options.low_speed_bytes_per_second = config.low_speed_bytes_per_second;
  client_options.low_speed_time = config.low_speed_time;
  client_options.sleep = config.retry_sleep;
  client_options.hints.region = region;
  client_options.hints.endpoint = EndpointUrl(endpoint);
  if (choice.named) client_options.hints.profile = choice.name;
  auto client = std::make_shared<S3Client>(transport, credentials, std::move(builder),
                                           SignerConfig{.region = region}, client_options);

  S3StoreOptions store_options;
  store_options.prefix = parsed.prefix;
  store_options.part_size = config.part_size;
  store_options.parallel_parts = config.parallel_parts;
  store_options.sse = config.sse;
  store_options.conditional_create = config.conditional_create;
  store_options.verify_get_checksums = config.verify_get_checksums;
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<S3Store> store,
                          S3Store::Create(client, std::move(store_options)));
  Log().debug("s3://{}/{}: endpoint {}, region {}, {} addressing, credentials from {}",
              parsed.bucket, parsed.prefix, EndpointUrl(endpoint), region,
              client->builder().style() == AddressingStyle::kPath ? "path" : "virtual-hosted",
              credentials->Source());
  if (config.check_access_on_open) STRATA_RETURN_IF_ERROR(store->CheckAccess(call));
  return store;
}

storage::StoreOpener MakeS3Opener(S3Config config) {
  return [config = std::move(config)](std::string_view url, const storage::StoreOptions&)
             -> Result<std::unique_ptr<storage::ObjectStore>> {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<S3Store> store, OpenS3Store(url, config));
    return std::unique_ptr<storage::ObjectStore>(std::move(store));
  };
}

}  // namespace strata::s3
