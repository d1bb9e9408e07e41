#include "storage/s3/sigv4.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "core/check.h"
#include "core/text.h"
#include "storage/s3/digest.h"
#include "storage/s3/uri_encoding.h"

namespace strata::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kScopeTerminator = "aws4_request";
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 9999;
constexpr std::size_t kSha256HexSize = 64;

// ASCII only, whatever the process locale says.
bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 7230 "tchar": what a header name (and an HTTP method) may contain.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (IsAsciiAlnum(c)) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool HasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// SigV4 "trimall": drop leading and trailing blanks, collapse inner runs to one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool IsValidPayloadHash(std::string_view h) {
  if (h == kUnsignedPayload || h.starts_with("STREAMING-")) return true;
  if (h.size() != kSha256HexSize) return false;
  return std::all_of(h.begin(), h.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsValidScopePart(std::string_view s) {
  if (s.empty()) return false;
  return std::none_of(s.begin(), s.end(), [](unsigned char c) {
    return c == '/' || c == ' ' || c < 0x20 || c == 0x7f;
  });
}

// Removes "." and ".." segments and empty segments; keeps a trailing slash.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  bool trailing_slash = path.ends_with('/');
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    std::string_view seg = path.substr(pos, next - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      trailing_slash = next == path.size() || trailing_slash;
    } else if (seg == ".") {
      trailing_slash = next == path.size() || trailing_slash;
    } else if (!seg.empty()) {
      segments.push_back(seg);
    }
    pos = next + 1;
  }
  std::string out;
  for (std::string_view seg : segments) {
    out += '/';
    out += seg;
  }
  if (out.empty() || trailing_slash) out += '/';
  return out;
}

struct CanonicalHeaders {
  std::string lines;   // "name:value\n" per distinct name, sorted
  std::string names;   // "a;b;c"
};

CanonicalHeaders Canonicalize(std::vector<HttpHeader> headers) {
  for (HttpHeader& h : headers) {
    h.name = AsciiLower(h.name);
    h.value = TrimAll(h.value);
  }
  // Stable: values of a repeated header keep the order they were given in.
  std::stable_sort(headers.begin(), headers.end(),
                   [](const HttpHeader& a, const HttpHeader& b) { return a.name < b.name; });
  CanonicalHeaders out;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const bool same_as_previous = i > 0 && headers[i].name == headers[i - 1].name;
    if (same_as_previous) {
      out.lines.back() = ',';  // replace the previous line's '\n'
    } else {
      if (!out.names.empty()) out.names += ';';
      out.names += headers[i].name;
      out.lines += headers[i].name;
      out.lines += ':';
    }
    out.lines += headers[i].value;
    out.lines += '\n';
  }
  return out;
}

// Checks what SignRequest and Presign share. `owned` lists the header names the signer
// adds itself, which the caller must not pass.
Status ValidateCommon(std::string_view method, std::string_view path,
                      const std::vector<HttpHeader>& headers, std::string_view payload_hash,
                      const std::vector<std::string_view>& owned, const SignerConfig& config,
                      const Credentials& credentials) {
  if (!credentials.complete()) {
    return UnauthenticatedError("SigV4: credentials lack an access key id or secret access key");
  }
  if (!IsValidScopePart(config.region)) {
    return InvalidArgumentError("SigV4: region must be non-empty, without '/' or blanks");
  }
  if (!IsValidScopePart(config.service)) {
    return InvalidArgumentError("SigV4: service must be non-empty, without '/' or blanks");
  }
  if (!IsToken(method)) return InvalidArgumentError("SigV4: invalid HTTP method");
  if (!path.starts_with('/')) return InvalidArgumentError("SigV4: path must start with '/'");
  if (HasLineBreakOrNul(path)) return InvalidArgumentError("SigV4: control character in path");
  if (!IsValidPayloadHash(payload_hash)) {
    return InvalidArgumentError(
        "SigV4: payload hash must be 64 lowercase hex digits, UNSIGNED-PAYLOAD or STREAMING-*");
  }
  bool has_host = false;
  for (const HttpHeader& h : headers) {
    if (!IsToken(h.name)) return InvalidArgumentError("SigV4: invalid header name");
    // The name is safe to show; the value might be a credential, so it never is.
    if (HasLineBreakOrNul(h.value)) {
      return InvalidArgumentError("SigV4: control character in value of header " + h.name);
    }
    for (std::string_view o : owned) {
      if (EqualsIgnoreCase(h.name, o)) {
        return InvalidArgumentError("SigV4: header " + h.name + " is set by the signer");
      }
    }
    has_host = has_host || EqualsIgnoreCase(h.name, "host");
  }
  if (!has_host) return InvalidArgumentError("SigV4: the Host header is required");
  return OkStatus();
}

std::string BuildCanonicalRequest(std::string_view method, std::string_view path,
                                  std::string_view query, const CanonicalHeaders& headers,
                                  std::string_view payload_hash, UriEncoding encoding) {
  std::string out;
  out.reserve(method.size() + path.size() + query.size() + headers.lines.size() + 256);
  out += method;
  out += '\n';
  out += CanonicalUri(path, encoding);
  out += '\n';
  out += query;
  out += '\n';
  out += headers.lines;
  out += '\n';
  out += headers.names;
  out += '\n';
  out += payload_hash;
  return out;
}

struct Signed {
  std::string string_to_sign;
  std::string signature;
};

Signed ComputeSignature(const std::string& canonical_request, const std::string& amz_date,
            const std::string& scope, const SignerConfig& config,
            const Credentials& credentials) {
  Signed out;
  out.string_to_sign = std::string(kAlgorithm) + '\n' + amz_date + '\n' + scope + '\n' +
                       Sha256Hex(canonical_request);
  const std::string_view date = std::string_view(amz_date).substr(0, 8);
  Bytes key = HmacSha256("AWS4" + credentials.secret_access_key, date);
  key = HmacSha256(key, config.region);
  key = HmacSha256(key, config.service);
  key = HmacSha256(key, kScopeTerminator);
  out.signature = HexEncode(HmacSha256(key, out.string_to_sign));
  return out;
}

std::string Scope(std::string_view amz_date, const SignerConfig& config) {
  std::string scope(amz_date.substr(0, 8));
  scope += '/';
  scope += config.region;
  scope += '/';
  scope += config.service;
  scope += '/';
  scope += kScopeTerminator;
  return scope;
}

}  // namespace

std::string CanonicalUri(std::string_view path, UriEncoding encoding) {
  if (encoding == UriEncoding::kS3) return UriEncode(PercentDecode(path), /*keep_slash=*/true);
  return UriEncode(NormalizePath(path), /*keep_slash=*/true);
}

std::string CanonicalQueryString(const std::vector<QueryParam>& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const QueryParam& p : params) {
    encoded.emplace_back(UriEncode(p.name, false), UriEncode(p.value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

Result<std::string> FormatAmzDate(std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(now);
  const auto day = floor<days>(secs);
  const year_month_day ymd(day);
  const int y = static_cast<int>(ymd.year());
  if (y < kMinYear || y > kMaxYear) {
    return InvalidArgumentError("SigV4: signing time outside years 1970-9999");
  }
  const hh_mm_ss hms(secs - day);
  // Room for any int the compiler can imagine, though the checks above bound every field.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", y,
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return std::string(buf);
}

Result<SigningResult> SignRequest(const SigningRequest& request, const SignerConfig& config,
                                  const Credentials& credentials,
                                  std::chrono::system_clock::time_point now) {
  std::vector<std::string_view> owned = {"authorization", "x-amz-date", "x-amz-security-token"};
  if (config.add_content_sha256_header) owned.push_back("x-amz-content-sha256");
  STRATA_RETURN_IF_ERROR(ValidateCommon(request.method, request.path, request.headers,
                                        request.payload_hash, owned, config, credentials));
  STRATA_ASSIGN_OR_RETURN(std::string amz_date, FormatAmzDate(now));

  SigningResult result;
  result.amz_date = amz_date;
  std::vector<HttpHeader> added = {{"x-amz-date", amz_date}};
  if (config.add_content_sha256_header) {
    added.push_back({"x-amz-content-sha256", request.payload_hash});
  }
  const bool has_token = credentials.session_token.has_value();
  if (has_token && config.sign_session_token) {
    added.push_back({"x-amz-security-token", *credentials.session_token});
  }
  std::vector<HttpHeader> to_sign = request.headers;
  to_sign.insert(to_sign.end(), added.begin(), added.end());
  const CanonicalHeaders canonical = Canonicalize(std::move(to_sign));

  result.canonical_request =
      BuildCanonicalRequest(request.method, request.path, CanonicalQueryString(request.query),
                            canonical, request.payload_hash, config.uri_encoding);
  const std::string scope = Scope(amz_date, config);
  Signed s = ComputeSignature(result.canonical_request, amz_date, scope, config, credentials);
  result.string_to_sign = std::move(s.string_to_sign);
  result.signature = std::move(s.signature);
  result.signed_headers = canonical.names;
  result.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id +
                         "/" + scope + ", SignedHeaders=" + canonical.names +
                         ", Signature=" + result.signature;

  if (has_token && !config.sign_session_token) {
    added.push_back({"x-amz-security-token", *credentials.session_token});
  }
  result.headers.push_back({"Authorization", result.authorization});
  result.headers.insert(result.headers.end(), added.begin(), added.end());
  return result;
}

Result<PresignResult> Presign(const PresignRequest& request, const SignerConfig& config,
                              const Credentials& credentials,
                              std::chrono::system_clock::time_point now) {
  static const std::vector<std::string_view> kOwnedHeaders = {"authorization", "x-amz-date",
                                                              "x-amz-security-token"};
  STRATA_RETURN_IF_ERROR(ValidateCommon(request.method, request.path, request.headers,
                                        request.payload_hash, kOwnedHeaders, config,
                                        credentials));
  if (request.expires < std::chrono::seconds(1) || request.expires > kMaxPresignExpiry) {
    return InvalidArgumentError("SigV4: presigned URL expiry must be 1..604800 seconds");
  }
  for (const QueryParam& p : request.query) {
    if (p.name.size() >= 6 && EqualsIgnoreCase(std::string_view(p.name).substr(0, 6), "x-amz-")) {
      return InvalidArgumentError("SigV4: query parameter " + p.name +
                                  " is reserved for presigning");
    }
  }
  STRATA_ASSIGN_OR_RETURN(std::string amz_date, FormatAmzDate(now));
  const std::string scope = Scope(amz_date, config);
  const CanonicalHeaders canonical = Canonicalize(request.headers);

  PresignResult result;
  result.query = request.query;
  result.query.push_back({"X-Amz-Algorithm", std::string(kAlgorithm)});
  result.query.push_back({"X-Amz-Credential", credentials.access_key_id + "/" + scope});
  result.query.push_back({"X-Amz-Date", amz_date});
  result.query.push_back({"X-Amz-Expires", std::to_string(request.expires.count())});
  result.query.push_back({"X-Amz-SignedHeaders", canonical.names});
  const bool has_token = credentials.session_token.has_value();
  if (has_token && config.sign_session_token) {
    result.query.push_back({"X-Amz-Security-Token", *credentials.session_token});
  }
  const std::string signed_query = CanonicalQueryString(result.query);
  result.canonical_request = BuildCanonicalRequest(request.method, request.path, signed_query,
                                                   canonical, request.payload_hash,
                                                   config.uri_encoding);
  Signed s = ComputeSignature(result.canonical_request, amz_date, scope, config, credentials);
  result.string_to_sign = std::move(s.string_to_sign);
  result.signature = std::move(s.signature);

  result.query_string = signed_query + "&X-Amz-Signature=" + result.signature;
  result.query.push_back({"X-Amz-Signature", result.signature});
  if (has_token && !config.sign_session_token) {
    result.query.push_back({"X-Amz-Security-Token", *credentials.session_token});
    result.query_string += "&X-Amz-Security-Token=" + UriEncode(*credentials.session_token, false);
  }
  return result;
}

SigV4Signer::SigV4Signer(SignerConfig config, Clock clock)
    : config_(std::move(config)), clock_(std::move(clock)) {
  STRATA_CHECK(static_cast<bool>(clock_), "SigV4Signer needs a clock");
}

Result<SigningResult> SigV4Signer::Sign(const SigningRequest& request,
                                        const Credentials& credentials) const {
  return SignRequest(request, config_, credentials, clock_());
}

Result<PresignResult> SigV4Signer::Presign(const PresignRequest& request,
                                           const Credentials& credentials) const {
  return ::strata::s3::Presign(request, config_, credentials, clock_());
}

}  // namespace strata::s3
