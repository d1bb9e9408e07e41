// RequestBuilder: turns S3 operations on one bucket (GetObject, PutObject, multipart
// upload, ListObjectsV2, ...) into HTTP requests: method, URL, Host header, the encoded
// path (which is also the canonical URI for SigV4), decoded query parameters and the
// operation's headers. Pure: it sends nothing and signs nothing; the transport signs the
// result (ToSigningRequest) and sends it.
//
// Addressing: path style puts the bucket in the path ("https://host/bucket/key"),
// virtual-hosted style in the host name ("https://bucket.host/key"). kAuto picks
// virtual-hosted for AWS endpoints (*.amazonaws.com, *.amazonaws.com.cn) when the bucket
// name is DNS-compatible (and, over https, has no '.', which the wildcard TLS certificate
// would not cover), and path style otherwise (MinIO, Ceph and most other stores).
//
// RequestBuilder is immutable after Create() and safe for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "storage/object_store.h"
#include "storage/s3/sigv4.h"
#include "storage/s3/xml.h"

namespace strata::s3 {

enum class AddressingStyle { kAuto, kPath, kVirtualHosted };

// Where the S3 API is served. No path, user info or query.
struct Endpoint {
  std::string scheme = "https";   // "https" or "http"
  std::string host;               // "s3.eu-west-1.amazonaws.com", "10.0.0.5", "[::1]"
  std::optional<uint16_t> port;   // unset: the scheme's default

  // Parses "https://host", "http://host:9000/" or "http://[::1]:9000". Scheme and host
  // are lowercased. InvalidArgument for anything else (other schemes, a path, user
  // info, a query, a bad port).
  static Result<Endpoint> Parse(std::string_view url);
  // The AWS S3 endpoint of `region`: https://s3.<region>.amazonaws.com.
  static Endpoint ForAwsRegion(std::string_view region);

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// An HTTP request ready to be signed and sent.
struct HttpRequest {
  std::string method;
  std::string url;                  // scheme://host[:port]/path[?query], all encoded
  std::string path;                 // encoded path; also SigV4's canonical URI for S3
  std::vector<QueryParam> query;    // decoded; `url` carries them sorted and encoded
  std::vector<HttpHeader> headers;  // "host" first, then the operation's headers
  // Set only for bodies the builder makes (CompleteMultipartUpload, CreateBucket); object
  // data for PutObject / UploadPart is attached by the caller.
  std::string body;
};

// The SigningRequest for `request` with `payload_hash` (hex SHA-256 of the body, or
// kUnsignedPayload).
SigningRequest ToSigningRequest(const HttpRequest& request, std::string payload_hash);

enum class ChecksumAlgorithm { kCrc32c, kSha256 };

struct GetObjectRequest {
  std::string key;
  std::optional<storage::ByteRange> range = std::nullopt;  // Range: bytes=...
  std::optional<std::string> if_match = std::nullopt;      // only if the ETag still matches
};

struct HeadObjectRequest {
  std::string key;
};

struct PutObjectRequest {
  std::string key;
  std::optional<std::string> content_type = std::nullopt;
  // Create-only: "If-None-Match: *"; S3 answers 412 if the key exists.
  bool if_none_match = false;
  std::optional<std::string> checksum_crc32c = std::nullopt;  // base64, x-amz-checksum-crc32c
  std::optional<std::string> checksum_sha256 = std::nullopt;  // base64, x-amz-checksum-sha256
};

struct DeleteObjectRequest {
  std::string key;
};

struct ListObjectsV2Request {
  std::optional<std::string> prefix = std::nullopt;
  std::optional<std::string> start_after = std::nullopt;
  std::optional<std::string> continuation_token = std::nullopt;
  std::optional<std::string> delimiter = std::nullopt;
  std::optional<int> max_keys = std::nullopt;  // 1..1000; S3's default is 1000
};

struct CreateMultipartUploadRequest {
  std::string key;
  std::optional<std::string> content_type = std::nullopt;
  // Declares the per-part checksum every UploadPart will carry.
  std::optional<ChecksumAlgorithm> checksum_algorithm = std::nullopt;
};

struct UploadPartRequest {
  std::string key;
  std::string upload_id;
  int part_number = 0;  // 1..kMaxPartNumber
  std::optional<std::string> checksum_crc32c = std::nullopt;
  std::optional<std::string> checksum_sha256 = std::nullopt;
};

struct CompleteMultipartUploadRequest {
  std::string key;
  std::string upload_id;
  std::vector<CompletedPart> parts;
  bool if_none_match = false;  // create-only, as for PutObjectRequest
};

struct AbortMultipartUploadRequest {
  std::string key;
  std::string upload_id;
};

struct ListMultipartUploadsRequest {
  std::optional<std::string> prefix = std::nullopt;
  std::optional<std::string> key_marker = std::nullopt;        // page on from here
  std::optional<std::string> upload_id_marker = std::nullopt;  // with key_marker
};

struct CreateBucketRequest {
  // Region to create the bucket in; unset or "us-east-1" sends no body.
  std::optional<std::string> location_constraint = std::nullopt;
};

// Longest object key S3 accepts, in bytes.
inline constexpr std::size_t kMaxKeyBytes = 1024;

class RequestBuilder {
 public:
  // Returns InvalidArgument if `endpoint` has no host or an unknown scheme, if `bucket` is
  // empty, longer than 255 bytes or holds bytes other than A-Za-z0-9.-_, or if
  // kVirtualHosted is requested for a bucket name that is not DNS-compatible.
  static Result<RequestBuilder> Create(Endpoint endpoint, std::string bucket,
                                       AddressingStyle style = AddressingStyle::kAuto);

  // kPath or kVirtualHosted: what kAuto resolved to.
  AddressingStyle style() const { return style_; }
  const std::string& bucket() const { return bucket_; }

  // "s3://bucket/key", for messages.
  std::string Describe(std::string_view key) const;

  // Each returns InvalidArgument if the key is empty or longer than kMaxKeyBytes, or an
  // operation-specific field is invalid (as noted).
  // Also InvalidArgument for an empty range (length 0) or one that overflows.
  Result<HttpRequest> GetObject(const GetObjectRequest& r) const;
  Result<HttpRequest> HeadObject(const HeadObjectRequest& r) const;
  Result<HttpRequest> PutObject(const PutObjectRequest& r) const;
  Result<HttpRequest> DeleteObject(const DeleteObjectRequest& r) const;
  // No key. InvalidArgument if max_keys is outside 1..1000.
  Result<HttpRequest> ListObjectsV2(const ListObjectsV2Request& r) const;
  Result<HttpRequest> CreateMultipartUpload(const CreateMultipartUploadRequest& r) const;
  // Also InvalidArgument for an empty upload id or a part number outside 1..kMaxPartNumber.
  Result<HttpRequest> UploadPart(const UploadPartRequest& r) const;
  // Builds the XML body; also InvalidArgument for the reasons of
  // BuildCompleteMultipartUploadBody().
  Result<HttpRequest> CompleteMultipartUpload(const CompleteMultipartUploadRequest& r) const;
  Result<HttpRequest> AbortMultipartUpload(const AbortMultipartUploadRequest& r) const;
  // No key: the uploads in progress in the bucket (GET /?uploads).
  Result<HttpRequest> ListMultipartUploads(const ListMultipartUploadsRequest& r) const;
  // No key. Also InvalidArgument for a malformed location constraint.
  Result<HttpRequest> CreateBucket(const CreateBucketRequest& r) const;

 private:
  RequestBuilder(Endpoint endpoint, std::string bucket, AddressingStyle style)
      : endpoint_(std::move(endpoint)), bucket_(std::move(bucket)), style_(style) {}

  // `key` nullopt: a bucket-level request.
  Result<HttpRequest> Build(std::string_view method, const std::optional<std::string>& key,
                            std::vector<QueryParam> query, std::vector<HttpHeader> headers) const;

  Endpoint endpoint_;
  std::string bucket_;
  AddressingStyle style_;
};

// GET / on the endpoint itself (ListBuckets). InvalidArgument for an endpoint without a
// host or with an unknown scheme.
Result<HttpRequest> ListBucketsRequest(const Endpoint& endpoint);

// True if `bucket` can be a DNS label sequence in a virtual-hosted URL: 3-63 bytes of
// a-z0-9.- , starting and ending with a letter or digit, no "..", ".-" or "-.", and not
// shaped like an IPv4 address.
bool IsDnsCompatibleBucketName(std::string_view bucket);

}  // namespace strata::s3
