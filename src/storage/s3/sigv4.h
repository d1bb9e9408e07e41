// SigV4: AWS Signature Version 4, the request signing S3 and every S3-compatible store
// accept. Two forms: an Authorization header (SignRequest) and a presigned URL whose
// query string carries the signature (Presign).
//
// Pure: no IO and no clock reads. The signing time is an argument; SigV4Signer binds a
// configuration to an injected clock for callers that want "now".
//
// Secrets: the results hold the signature, never the secret key. They do hold the session
// token when one is used (x-amz-security-token header, X-Amz-Security-Token parameter, and
// inside canonical_request), so treat a result like credentials: never log it whole.
//
// Thread-safety: the free functions are safe to call concurrently. SigV4Signer is immutable
// after construction and safe for concurrent use if its clock is.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "storage/s3/credentials.h"
#include "storage/s3/uri_encoding.h"

namespace strata::s3 {

// x-amz-content-sha256 value for a body that is sent but not hashed (S3 only).
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// Hex SHA-256 of the empty string: the payload hash of a request without a body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// Longest validity of a presigned URL that AWS accepts (7 days).
inline constexpr std::chrono::seconds kMaxPresignExpiry{604800};

struct HttpHeader {
  std::string name;
  std::string value;
  friend bool operator==(const HttpHeader&, const HttpHeader&) = default;
};

// One query parameter, NOT percent-encoded: {"prefix", "a b/c"}. A valueless parameter
// ("?uploads") has an empty value.
struct QueryParam {
  std::string name;
  std::string value;
  friend bool operator==(const QueryParam&, const QueryParam&) = default;
};

// How the request path becomes the canonical URI.
enum class UriEncoding {
  // S3: the path is used as is (no "." / ".." / "//" normalisation) and encoded once:
  // the wire path is percent-decoded, then every byte except A-Za-z0-9-._~ and '/' is
  // percent-encoded. A path built with UriEncode() therefore signs as itself.
  kS3,
  // Every other AWS service (and the generic SigV4 test suite): the wire path is
  // normalised (RFC 3986 dot segments removed, empty segments dropped) and then encoded
  // again, so "%20" on the wire signs as "%2520".
  kDoubleEncode,
};

struct SignerConfig {
  // Signing region, e.g. "us-east-1". Most S3-compatible stores accept any value they
  // are configured with ("us-east-1" for MinIO, "auto" for R2).
  std::string region;
  // Signing service name. "s3" for S3 and S3-compatible stores.
  std::string service = "s3";
  // Default kS3; use kDoubleEncode only for non-S3 services.
  UriEncoding uri_encoding = UriEncoding::kS3;
  // Adds x-amz-content-sha256 (= the payload hash) to the header-signed request and signs
  // it. S3 requires the header; other services do not use it. Default true.
  bool add_content_sha256_header = true;
  // Includes the session token in what is signed (S3 requires this). When false the
  // token is still returned for sending but added after signing, as a few services
  // expect. Default true.
  bool sign_session_token = true;
};

// A request to sign with an Authorization header.
struct SigningRequest {
  // HTTP method, e.g. "GET". Used as given.
  std::string method;
  // Path as it goes on the wire (percent-encoded), starting with '/'.
  std::string path = "/";
  // Query parameters, decoded; order does not matter.
  std::vector<QueryParam> query;
  // Headers to sign; must include Host. Names are case-insensitive; a repeated name
  // signs as its values joined by ',' in the order given. Must not include
  // Authorization, X-Amz-Date or X-Amz-Security-Token (the signer adds them), nor
  // X-Amz-Content-Sha256 when SignerConfig::add_content_sha256_header is set.
  std::vector<HttpHeader> headers;
  // Hex SHA-256 of the body (lowercase), kUnsignedPayload, or a "STREAMING-..." value.
  std::string payload_hash = std::string(kUnsignedPayload);
};

struct SigningResult {
  // Headers to add to the request: Authorization, x-amz-date, and when applicable
  // x-amz-content-sha256 and x-amz-security-token.
  std::vector<HttpHeader> headers;
  std::string authorization;      // value of the Authorization header
  std::string amz_date;           // "20150830T123600Z"
  std::string signed_headers;     // "host;x-amz-content-sha256;x-amz-date"
  std::string signature;          // 64 lowercase hex characters
  std::string canonical_request;  // may contain the session token: do not log
  std::string string_to_sign;
};

// A request to sign as a presigned URL.
struct PresignRequest {
  std::string method;
  std::string path = "/";
  std::vector<QueryParam> query;  // must not contain X-Amz-* signing parameters
  // Headers the URL's user must send; must include Host. Usually only Host.
  std::vector<HttpHeader> headers;
  // 1 s .. kMaxPresignExpiry.
  std::chrono::seconds expires{3600};
  std::string payload_hash = std::string(kUnsignedPayload);
};

struct PresignResult {
  // request.query plus the X-Amz-* parameters, X-Amz-Signature last.
  std::vector<QueryParam> query;
  // `query` encoded, ready to follow '?' in the URL. The URL grants access until it
  // expires and may contain the session token: treat it as a secret.
  std::string query_string;
  std::string signature;
  std::string canonical_request;  // may contain the session token: do not log
  std::string string_to_sign;
};

// Signs `request` for header authentication at time `now`.
// Returns InvalidArgument if the request or config is malformed (no Host header, a
// header the signer owns, a bad payload hash, a path without a leading '/', a control
// character in a header, an empty region or service, a time outside years 1970-9999),
// Unauthenticated if the credentials lack an access key id or secret.
Result<SigningResult> SignRequest(const SigningRequest& request, const SignerConfig& config,
                                  const Credentials& credentials,
                                  std::chrono::system_clock::time_point now);

// Signs `request` as a presigned URL valid from `now` for request.expires.
// Returns InvalidArgument as SignRequest does, and if expires is outside
// [1 s, kMaxPresignExpiry] or the query already holds X-Amz-* signing parameters;
// Unauthenticated if the credentials are incomplete.
Result<PresignResult> Presign(const PresignRequest& request, const SignerConfig& config,
                              const Credentials& credentials,
                              std::chrono::system_clock::time_point now);

// Binds a SignerConfig to a clock, so callers sign "now" without reading time themselves.
class SigV4Signer {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // REQUIRES: `clock` is callable.
  SigV4Signer(SignerConfig config, Clock clock);

  // SignRequest() at clock(); same errors.
  Result<SigningResult> Sign(const SigningRequest& request, const Credentials& credentials) const;
  // Presign() at clock(); same errors.
  Result<PresignResult> Presign(const PresignRequest& request,
                                const Credentials& credentials) const;

  const SignerConfig& config() const { return config_; }

 private:
  SignerConfig config_;
  Clock clock_;
};

// The canonical URI of wire path `path` under `encoding` (see UriEncoding).
std::string CanonicalUri(std::string_view path, UriEncoding encoding);

// Encodes each name and value with UriEncode, sorts by encoded name then value, and joins
// them as "a=1&b=&c=3".
std::string CanonicalQueryString(const std::vector<QueryParam>& params);

// `now` as SigV4's "YYYYMMDDTHHMMSSZ" (UTC), e.g. "20130524T000000Z".
// Returns InvalidArgument for times before 1970 or after 9999.
Result<std::string> FormatAmzDate(std::chrono::system_clock::time_point now);

}  // namespace strata::s3
