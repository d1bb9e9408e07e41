// Opening s3://bucket/prefix repositories: S3Config (what the CLI fills from its flags),
// OpenS3Store (URL + config -> a ready S3Store) and MakeS3Opener (the same, in the form
// StoreOptions::open_s3 takes, so storage/open_store.cc needs no S3 dependency).
//
// Settings not given in S3Config come from the usual AWS places (aws_environment.h):
//   region      S3Config::region > AWS_REGION > AWS_DEFAULT_REGION > profile > us-east-1
//   endpoint    S3Config::endpoint > AWS_ENDPOINT_URL_S3 > AWS_ENDPOINT_URL > profile
//               (services s3 endpoint_url, then endpoint_url) > https://s3.<region>.amazonaws.com
//   addressing  S3Config::addressing > profile s3.addressing_style > auto (virtual-hosted
//               for AWS endpoints, path style elsewhere)
//   CA bundle   S3Config::ca_bundle > AWS_CA_BUNDLE > the system store
//   credentials see credentials_provider.h
//
// Thread-safe: the functions keep no state; the opener may be called concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/retry.h"
#include "storage/open_store.h"
#include "storage/s3/aws_environment.h"
#include "storage/s3/http_transport.h"
#include "storage/s3/request.h"
#include "storage/s3/s3_store.h"

namespace strata::s3 {

struct S3Config {
  // "https://host[:port]" of an S3-compatible server. Unset: see the table above.
  std::optional<std::string> endpoint;
  std::optional<std::string> region;
  // Unset: the profile's s3.addressing_style, else kAuto.
  std::optional<AddressingStyle> addressing;
  // Verify TLS certificates. Default true; false only for a test endpoint with a
  // self-signed certificate (the traffic can then be read and altered on the way).
  bool verify_tls = true;
  // PEM file of CA certificates to trust (a private CA). Unset: AWS_CA_BUNDLE, else the
  // system store.
  std::optional<std::string> ca_bundle;
  // AWS profile for credentials and settings. Unset: AWS_PROFILE, else "default".
  std::optional<std::string> profile;
  // Explicit keys: first in the credentials chain. Both or neither.
  std::optional<std::string> access_key_id;
  std::optional<std::string> secret_access_key;
  std::optional<std::string> session_token;
  // Server-side encryption of new objects. Default none (the bucket's default applies).
  ServerSideEncryption sse;
  // Multipart part size (5 MiB .. 5 GiB) and parts in flight per writer (1..64). Memory
  // per writer is at most part_size x parallel_parts. Defaults 8 MiB and 4.
  std::size_t part_size = std::size_t{8} << 20;
  int parallel_parts = 4;
  // Retries of each request on 5xx, SlowDown, timeouts and resets. Default 5 attempts,
  // exponential backoff from 200 ms with full jitter, waits capped at 20 s.
  RetryPolicy retry;
  ConditionalCreate conditional_create = ConditionalCreate::kAuto;
  // Verify whole-object GETs against the checksum the server stored (see s3_bucket.h).
  // Default true.
  bool verify_get_checksums = true;
  // TCP + TLS connect limit. Default 10 s.
  std::chrono::milliseconds connect_timeout{10'000};
  // A request slower than this many bytes per second for low_speed_time is abandoned
  // and retried (a hung server). Defaults 1 KiB/s over 30 s.
  uint32_t low_speed_bytes_per_second = 1024;
  std::chrono::seconds low_speed_time{30};
  // Check on open that the bucket exists and the credentials work (one small LIST).
  // Default true, so a typo fails at once instead of at the first write.
  bool check_access_on_open = true;

  // For tests: the transport (unset: libcurl with the TLS options above), the
  // environment (unset: the process's), and the wait between retries (unset: sleep).
  std::shared_ptr<HttpTransport> transport;
  std::optional<AwsEnvironment> environment;
  SleepFunction retry_sleep;
};

// The parts of "s3://bucket[/prefix]". The prefix is taken literally (no percent
// decoding, as the AWS CLI reads such URLs), without leading or trailing '/'.
struct S3Url {
  std::string bucket;
  std::string prefix;

  // InvalidArgument if `url` is not s3:// (any case), has no bucket, or has a query
  // string or fragment.
  static Result<S3Url> Parse(std::string_view url);
};

// Opens the store for `url`. Errors: InvalidArgument (bad URL, endpoint, config values,
// or a half-configured credential source), FailedPrecondition "bucket X does not exist
// at ENDPOINT", Unauthenticated / PermissionDenied naming the credential source (never
// the secret), the transport's errors for an unreachable endpoint, and the credential
// chain's errors (credentials_provider.h). The last three only with
// check_access_on_open.
Result<std::unique_ptr<S3Store>> OpenS3Store(std::string_view url, const S3Config& config,
                                             const storage::CallOptions& call = {});

// A StoreOpener for StoreOptions::open_s3 that calls OpenS3Store with `config`:
//   storage::StoreOptions options;
//   options.open_s3 = s3::MakeS3Opener(config);
//   auto store = storage::OpenStore("s3://bucket/prefix", options);
storage::StoreOpener MakeS3Opener(S3Config config);

}  // namespace strata::s3
