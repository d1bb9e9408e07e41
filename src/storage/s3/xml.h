// S3 XML bodies: parsers for the responses the client reads (ListObjectsV2, Error,
// CreateMultipartUpload, CompleteMultipartUpload, ListMultipartUploads, ListParts,
// ListBuckets) and builders for the request bodies it sends (CompleteMultipartUpload,
// CreateBucket). Built on xml_document.h; the element names are those of the Amazon S3
// API Reference. Unknown elements are ignored, so additions by AWS or by S3-compatible
// stores do not break parsing.
//
// Every parser returns DataLoss when the body is not well-formed XML, has an unexpected
// root element, or lacks or garbles a required element (the message names the element,
// never the body), and ResourceExhausted when it exceeds XmlLimits. No input crashes.
//
// Pure functions and value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace strata::s3 {

// <Error>: what S3 says about a failed request.
struct S3ErrorInfo {
  std::string code;                      // "NoSuchKey"; may be empty for odd servers
  std::string message;                   // "The specified key does not exist."
  std::optional<std::string> request_id;
  std::optional<std::string> host_id;
  std::optional<std::string> resource;   // "/bucket/key"
  std::optional<std::string> region;     // PermanentRedirect / AuthorizationHeaderMalformed
  std::optional<std::string> endpoint;   // PermanentRedirect
  friend bool operator==(const S3ErrorInfo&, const S3ErrorInfo&) = default;
};

struct ListedObject {
  std::string key;
  uint64_t size = 0;
  std::string etag;            // as sent, quotes included: "\"d41d8cd9...\""
  std::string last_modified;   // as sent, ISO 8601
  int64_t last_modified_unix_ms = 0;
  std::optional<std::string> storage_class;
};

// <ListBucketResult> of ListObjectsV2.
struct ListObjectsV2Result {
  std::vector<ListedObject> contents;   // in the order sent (lexicographic on S3)
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  // Set with is_truncated on S3. Some compatible stores omit it: page on with
  // start-after = the last key then.
  std::optional<std::string> next_continuation_token;
  std::optional<int64_t> key_count;
  std::optional<std::string> prefix;
  std::optional<std::string> start_after;
};

// <InitiateMultipartUploadResult>.
struct InitiateMultipartUploadResult {
  std::string bucket;
  std::string key;
  std::string upload_id;
};

// <CompleteMultipartUploadResult>, or the <Error> S3 may send with status 200 after it
// started answering (then only `error` is set and the upload did not complete).
struct CompleteMultipartUploadResult {
  std::string location;
  std::string bucket;
  std::string key;
  std::string etag;  // quotes included; a multipart ETag ends in "-<part count>"
  std::optional<S3ErrorInfo> error;
};

struct MultipartUpload {
  std::string key;
  std::string upload_id;
  std::string initiated;  // ISO 8601, as sent
};

// <ListMultipartUploadsResult>.
struct ListMultipartUploadsResult {
  std::vector<MultipartUpload> uploads;
  bool is_truncated = false;
  std::optional<std::string> next_key_marker;
  std::optional<std::string> next_upload_id_marker;
};

struct UploadedPart {
  int part_number = 0;
  std::string etag;
  uint64_t size = 0;
  std::optional<std::string> checksum_crc32c;  // base64
  std::optional<std::string> checksum_sha256;  // base64
};

// <ListPartsResult>.
struct ListPartsResult {
  std::string upload_id;
  std::vector<UploadedPart> parts;
  bool is_truncated = false;
  std::optional<int> next_part_number_marker;
};

struct BucketEntry {
  std::string name;
  std::string creation_date;  // ISO 8601, as sent
};

// Parses an <Error> body. DataLoss if the root is not <Error>.
Result<S3ErrorInfo> ParseError(std::string_view body);
// DataLoss if the root is not <ListBucketResult>, or a <Contents> lacks Key, or Size,
// KeyCount, IsTruncated or LastModified are not numbers / booleans / timestamps.
Result<ListObjectsV2Result> ParseListObjectsV2(std::string_view body);
// DataLoss if the root is not <InitiateMultipartUploadResult> or UploadId is missing/empty.
Result<InitiateMultipartUploadResult> ParseInitiateMultipartUpload(std::string_view body);
// Accepts <CompleteMultipartUploadResult> (ETag required) or <Error> (sets `error`).
Result<CompleteMultipartUploadResult> ParseCompleteMultipartUpload(std::string_view body);
Result<ListMultipartUploadsResult> ParseListMultipartUploads(std::string_view body);
Result<ListPartsResult> ParseListParts(std::string_view body);
// <ListAllMyBucketsResult>.
Result<std::vector<BucketEntry>> ParseListBuckets(std::string_view body);

// An S3 timestamp ("2009-10-12T17:50:30.000Z"; fraction optional; "Z" or "+00:00") as
// milliseconds since the Unix epoch. InvalidArgument if it is not one.
Result<int64_t> ParseS3Timestamp(std::string_view text);

// One part of a multipart upload, as the CompleteMultipartUpload body lists it.
struct CompletedPart {
  int part_number = 0;   // 1..10000
  std::string etag;      // as UploadPart returned it, quotes included
  std::optional<std::string> checksum_crc32c;  // base64, if the upload uses CRC32C
  std::optional<std::string> checksum_sha256;  // base64, if the upload uses SHA256
};

// Largest part number S3 accepts.
inline constexpr int kMaxPartNumber = 10000;

// The <CompleteMultipartUpload> request body for `parts`.
// InvalidArgument if `parts` is empty, part numbers are outside 1..kMaxPartNumber or not
// strictly ascending, an ETag is empty, or a value holds a control character.
Result<std::string> BuildCompleteMultipartUploadBody(const std::vector<CompletedPart>& parts);

// The <CreateBucketConfiguration> body that places a new bucket in `region`; empty for
// us-east-1, where S3 wants no body. InvalidArgument if `region` holds anything but
// letters, digits, '-', '_' and '.'.
Result<std::string> BuildCreateBucketBody(std::string_view region);

}  // namespace strata::s3
