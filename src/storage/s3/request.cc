#include "storage/s3/request.h"

#include <charconv>
#include <limits>
#include <utility>

#include "core/text.h"
#include "storage/s3/uri_encoding.h"

namespace strata::s3 {
namespace {

constexpr std::size_t kMinDnsBucket = 3;
constexpr std::size_t kMaxDnsBucket = 63;
constexpr std::size_t kMaxBucket = 255;
constexpr int kMaxListKeys = 1000;
constexpr uint16_t kHttpPort = 80;
constexpr uint16_t kHttpsPort = 443;

bool IsAwsHost(std::string_view host) {
  return host == "s3.amazonaws.com" || host.ends_with(".amazonaws.com") ||
         host.ends_with(".amazonaws.com.cn");
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool LooksLikeIpv4(std::string_view s) {
  int dots = 0;
  for (char c : s) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

Status ValidateEndpoint(const Endpoint& e) {
  if (e.scheme != "https" && e.scheme != "http") {
    return InvalidArgumentError("S3 endpoint scheme must be http or https");
  }
  if (e.host.empty()) return InvalidArgumentError("S3 endpoint has no host");
  for (char c : e.host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_' || c == '[' || c == ']' || c == ':';
    if (!ok) return InvalidArgumentError("S3 endpoint host holds an invalid character");
  }
  return OkStatus();
}

std::string HostWithPort(const Endpoint& e, std::string_view host) {
  std::string out(host);
  const uint16_t default_port = e.scheme == "http" ? kHttpPort : kHttpsPort;
  if (e.port.has_value() && *e.port != default_port) out += ":" + std::to_string(*e.port);
  return out;
}

HttpRequest Assemble(std::string_view method, const Endpoint& e, std::string host,
                     std::string path, std::vector<QueryParam> query,
                     std::vector<HttpHeader> headers) {
  HttpRequest r;
  r.method = std::string(method);
  r.url = e.scheme + "://" + host + path;
  if (!query.empty()) r.url += "?" + CanonicalQueryString(query);
  r.path = std::move(path);
  r.query = std::move(query);
  r.headers.push_back({"host", std::move(host)});
  for (HttpHeader& h : headers) r.headers.push_back(std::move(h));
  return r;
}

Status ValidateKey(const std::string& key) {
  if (key.empty()) return InvalidArgumentError("S3 object key is empty");
  if (key.size() > kMaxKeyBytes) {
    return InvalidArgumentError("S3 object key is longer than 1024 bytes");
  }
  return OkStatus();
}

Status ValidatePart(const std::string& upload_id, int part_number) {
  if (upload_id.empty()) return InvalidArgumentError("multipart upload id is empty");
  if (part_number < 1 || part_number > kMaxPartNumber) {
    return InvalidArgumentError("part number " + std::to_string(part_number) +
                                " is outside 1..10000");
  }
  return OkStatus();
}

void AddChecksums(std::vector<HttpHeader>& headers, const std::optional<std::string>& crc32c,
                  const std::optional<std::string>& sha256) {
  if (crc32c.has_value()) headers.push_back({"x-amz-checksum-crc32c", *crc32c});
  if (sha256.has_value()) headers.push_back({"x-amz-checksum-sha256", *sha256});
}

}  // namespace

Result<Endpoint> Endpoint::Parse(std::string_view url) {
  auto invalid = [](std::string_view why) {
    return InvalidArgumentError("S3 endpoint URL: " + std::string(why));
  };
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) return invalid("expected scheme://host[:port]");
  Endpoint e;
  e.scheme = AsciiLower(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find_first_of("/?#@") != std::string_view::npos) {
    return invalid("only scheme://host[:port] is supported (no path, query or user info)");
  }
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return invalid("unterminated IPv6 address");
    host = rest.substr(0, close + 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return invalid("junk after IPv6 address");
    if (!after.empty()) port = after.substr(1);
  } else if (const std::size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (port.empty()) return invalid("empty port");
  }
  e.host = AsciiLower(host);
  if (!port.empty() || rest.ends_with(':')) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 ||
        value > std::numeric_limits<uint16_t>::max()) {
      return invalid("port must be 1..65535");
    }
    e.port = static_cast<uint16_t>(value);
  }
  STRATA_RETURN_IF_ERROR(ValidateEndpoint(e));
  return e;
}

Endpoint Endpoint::ForAwsRegion(std::string_view region) {
  return Endpoint{"https", "s3." + AsciiLower(region) + ".amazonaws.com", std::nullopt};
}

SigningRequest ToSigningRequest(const HttpRequest& request, std::string payload_hash) {
  return SigningRequest{request.method, request.path, request.query, request.headers,
                        std::move(payload_hash)};
}

bool IsDnsCompatibleBucketName(std::string_view b) {
  if (b.size() < kMinDnsBucket || b.size() > kMaxDnsBucket) return false;
  if (!IsLowerAlnum(b.front()) || !IsLowerAlnum(b.back())) return false;
  for (std::size_t i = 0; i < b.size(); ++i) {
    const char c = b[i];
    if (!IsLowerAlnum(c) && c != '.' && c != '-') return false;
    if (i > 0 && c == '.' && (b[i - 1] == '.' || b[i - 1] == '-')) return false;
    if (i > 0 && c == '-' && b[i - 1] == '.') return false;
  }
  return !LooksLikeIpv4(b);
}

Result<RequestBuilder> RequestBuilder::Create(Endpoint endpoint, std::string bucket,
                                              AddressingStyle style) {
  STRATA_RETURN_IF_ERROR(ValidateEndpoint(endpoint));
  if (bucket.empty() || bucket.size() > kMaxBucket) {
    return InvalidArgumentError("S3 bucket name must be 1..255 bytes");
  }
  for (char c : bucket) {
    const bool ok = IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' ||
                    c == '_';
    if (!ok) {
      return InvalidArgumentError("S3 bucket name \"" + bucket +
                                  "\" may hold only letters, digits, '.', '-' and '_'");
    }
  }
  const bool dns_ok = IsDnsCompatibleBucketName(bucket);
  if (style == AddressingStyle::kVirtualHosted && !dns_ok) {
    return InvalidArgumentError("S3 bucket name \"" + bucket +
                                "\" is not DNS-compatible: use path-style addressing");
  }
  if (style == AddressingStyle::kAuto) {
    const bool tls_safe = endpoint.scheme == "http" || bucket.find('.') == std::string::npos;
    style = IsAwsHost(endpoint.host) && dns_ok && tls_safe ? AddressingStyle::kVirtualHosted
                                                           : AddressingStyle::kPath;
  }
  return RequestBuilder(std::move(endpoint), std::move(bucket), style);
}

std::string RequestBuilder::Describe(std::string_view key) const {
  return "s3://" + bucket_ + "/" + std::string(key);
}

Result<HttpRequest> RequestBuilder::Build(std::string_view method,
                                          const std::optional<std::string>& key,
                                          std::vector<QueryParam> query,
                                          std::vector<HttpHeader> headers) const {
  if (key.has_value()) STRATA_RETURN_IF_ERROR(ValidateKey(*key));
  const std::string encoded_key = key.has_value() ? UriEncode(*key, /*keep_slash=*/true) : "";
  std::string path;
  std::string host;
  if (style_ == AddressingStyle::kVirtualHosted) {
    host = HostWithPort(endpoint_, bucket_ + "." + endpoint_.host);
    path = "/" + encoded_key;
  } else {
    host = HostWithPort(endpoint_, endpoint_.host);
    path = "/" + UriEncode(bucket_, false) + (key.has_value() ? "/" + encoded_key : "");
  }
  return Assemble(method, endpoint_, std::move(host), std::move(path), std::move(query),
                  std::move(headers));
}

Result<HttpRequest> RequestBuilder::GetObject(const GetObjectRequest& r) const {
  std::vector<HttpHeader> headers;
  if (r.range.has_value()) {
    const uint64_t offset = r.range->offset;
    std::string value = "bytes=" + std::to_string(offset) + "-";
    if (r.range->length.has_value()) {
      const uint64_t length = *r.range->length;
      if (length == 0) return InvalidArgumentError("GetObject: empty byte range");
      if (length - 1 > std::numeric_limits<uint64_t>::max() - offset) {
        return InvalidArgumentError("GetObject: byte range overflows");
      }
      value += std::to_string(offset + length - 1);
    }
    headers.push_back({"Range", std::move(value)});
  }
  if (r.if_match.has_value()) headers.push_back({"If-Match", *r.if_match});
  return Build("GET", r.key, {}, std::move(headers));
}

Result<HttpRequest> RequestBuilder::HeadObject(const HeadObjectRequest& r) const {
  return Build("HEAD", r.key, {}, {});
}

Result<HttpRequest> RequestBuilder::PutObject(const PutObjectRequest& r) const {
  std::vector<HttpHeader> headers;
  if (r.content_type.has_value()) headers.push_back({"Content-Type", *r.content_type});
  if (r.if_none_match) headers.push_back({"If-None-Match", "*"});
  AddChecksums(headers, r.checksum_crc32c, r.checksum_sha256);
  return Build("PUT", r.key, {}, std::move(headers));
}

Result<HttpRequest> RequestBuilder::DeleteObject(const DeleteObjectRequest& r) const {
  return Build("DELETE", r.key, {}, {});
}

Result<HttpRequest> RequestBuilder::ListObjectsV2(const ListObjectsV2Request& r) const {
  std::vector<QueryParam> query = {{"list-type", "2"}};
  if (r.prefix.has_value()) query.push_back({"prefix", *r.prefix});
  if (r.start_after.has_value()) query.push_back({"start-after", *r.start_after});
  if (r.continuation_token.has_value()) {
    query.push_back({"continuation-token", *r.continuation_token});
  }
  if (r.delimiter.has_value()) query.push_back({"delimiter", *r.delimiter});
  if (r.max_keys.has_value()) {
    if (*r.max_keys < 1 || *r.max_keys > kMaxListKeys) {
      return InvalidArgumentError("ListObjectsV2: max-keys must be 1..1000");
    }
    query.push_back({"max-keys", std::to_string(*r.max_keys)});
  }
  return Build("GET", std::nullopt, std::move(query), {});
}

Result<HttpRequest> RequestBuilder::CreateMultipartUpload(
    const CreateMultipartUploadRequest& r) const {
  std::vector<HttpHeader> headers;
  if (r.content_type.has_value()) headers.push_back({"Content-Type", *r.content_type});
  if (r.checksum_algorithm.has_value()) {
    headers.push_back({"x-amz-checksum-algorithm",
                       *r.checksum_algorithm == ChecksumAlgorithm::kCrc32c ? "CRC32C" : "SHA256"});
  }
  return Build("POST", r.key, {{"uploads", ""}}, std::move(headers));
}

Result<HttpRequest> RequestBuilder::UploadPart(const UploadPartRequest& r) const {
  STRATA_RETURN_IF_ERROR(ValidatePart(r.upload_id, r.part_number));
  std::vector<HttpHeader> headers;
  AddChecksums(headers, r.checksum_crc32c, r.checksum_sha256);
  return Build("PUT", r.key,
               {{"partNumber", std::to_string(r.part_number)}, {"uploadId", r.upload_id}},
               std::move(headers));
}

Result<HttpRequest> RequestBuilder::CompleteMultipartUpload(
    const CompleteMultipartUploadRequest& r) const {
  STRATA_RETURN_IF_ERROR(ValidatePart(r.upload_id, 1));
  STRATA_ASSIGN_OR_RETURN(std::string body, BuildCompleteMultipartUploadBody(r.parts));
  std::vector<HttpHeader> headers = {{"Content-Type", "application/xml"}};
  if (r.if_none_match) headers.push_back({"If-None-Match", "*"});
  STRATA_ASSIGN_OR_RETURN(HttpRequest req,
                          Build("POST", r.key, {{"uploadId", r.upload_id}}, std::move(headers)));
  req.body = std::move(body);
  return req;
}

Result<HttpRequest> RequestBuilder::AbortMultipartUpload(
    const AbortMultipartUploadRequest& r) const {
  STRATA_RETURN_IF_ERROR(ValidatePart(r.upload_id, 1));
  return Build("DELETE", r.key, {{"uploadId", r.upload_id}}, {});
}

Result<HttpRequest> RequestBuilder::ListMultipartUploads(
    const ListMultipartUploadsRequest& r) const {
  std::vector<QueryParam> query = {{"uploads", ""}};
  if (r.prefix.has_value()) query.push_back({"prefix", *r.prefix});
  if (r.key_marker.has_value()) query.push_back({"key-marker", *r.key_marker});
  if (r.upload_id_marker.has_value()) query.push_back({"upload-id-marker", *r.upload_id_marker});
  return Build("GET", std::nullopt, std::move(query), {});
}

Result<HttpRequest> RequestBuilder::CreateBucket(const CreateBucketRequest& r) const {
  STRATA_ASSIGN_OR_RETURN(std::string body,
                          BuildCreateBucketBody(r.location_constraint.value_or("")));
  std::vector<HttpHeader> headers;
  if (!body.empty()) headers.push_back({"Content-Type", "application/xml"});
  STRATA_ASSIGN_OR_RETURN(HttpRequest req, Build("PUT", std::nullopt, {}, std::move(headers)));
  req.body = std::move(body);
  return req;
}

Result<HttpRequest> ListBucketsRequest(const Endpoint& endpoint) {
  STRATA_RETURN_IF_ERROR(ValidateEndpoint(endpoint));
  return Assemble("GET", endpoint, HostWithPort(endpoint, endpoint.host), "/", {}, {});
}

}  // namespace strata::s3
