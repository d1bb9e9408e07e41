// FromS3Response: the one place where S3's answers (HTTP status + <Error> Code) become a
// strata::Status. The code tells the caller what to do (see core/status.h):
//
//   Unavailable        500 502 503 504 (other 5xx), 408, 429, InternalError,
//                      ServiceUnavailable, SlowDown, RequestTimeout, Throttling...   retry
//   Unauthenticated    401, InvalidAccessKeyId, SignatureDoesNotMatch, ExpiredToken,
//                      InvalidToken, TokenRefreshRequired                 fix or refresh
//   PermissionDenied   403, AccessDenied, AllAccessDisabled, AccountProblem      fix IAM
//   NotFound           404, NoSuchKey, NoSuchVersion, NoSuchUpload       caller decides
//   FailedPrecondition NoSuchBucket (a missing bucket is configuration, not data: stop and
//                      tell the user), PermanentRedirect / 301 / 307 (wrong region),
//                      RequestTimeTooSkewed (clock), BucketNotEmpty, InvalidObjectState
//   AlreadyExists      412 PreconditionFailed (we send preconditions only as
//                      If-None-Match: *, i.e. create-only), BucketAlreadyExists,
//                      BucketAlreadyOwnedByYou
//   Aborted            409, ConditionalRequestConflict, OperationAborted   redo the unit
//   OutOfRange         416 InvalidRange
//   DataLoss           BadDigest, XAmzContentSHA256Mismatch (body corrupted in transit)
//   ResourceExhausted  TooManyBuckets
//   Unimplemented      501 NotImplemented
//   InvalidArgument    every other 4xx (400 MalformedXML, InvalidPart, EntityTooSmall,
//                      AuthorizationHeaderMalformed, ...)
// A known Code decides; otherwise the HTTP status does.
//
// Messages: "<operation> <target>: <Code>: <Message> (request-id <id>); <hint>", e.g.
// `PUT s3://bkt/key: AccessDenied: Access Denied (request-id 4442587FB7D0A2F9); check
// that the credentials of profile "backup" may do this on the bucket`. Without an error
// body the Code part is "HTTP 404 Not Found". S3's message is cut to a few hundred bytes
// and stripped of control characters; nothing else from the body (never the
// StringToSign / CanonicalRequest S3 echoes back) and no credential ever appears.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/s3/xml.h"

namespace strata::s3 {

// Context that makes hints concrete. All optional.
struct ErrorHints {
  // AWS profile the credentials came from.
  std::optional<std::string> profile = std::nullopt;
  // Signing region in use.
  std::optional<std::string> region = std::nullopt;
  // Endpoint in use, e.g. "https://minio:9000".
  std::optional<std::string> endpoint = std::nullopt;
};

// The StatusCode for an S3 answer with `http_status` and error `code` ("" if unknown).
// kOk for 2xx without a code.
StatusCode ClassifyS3Error(int http_status, std::string_view code);

// True when signing again with fresh credentials may succeed (ExpiredToken,
// TokenRefreshRequired, InvalidToken): the provider should refresh before the retry.
bool ShouldRefreshCredentials(std::string_view code);

// The Status for the answer to `operation` ("PUT", "CompleteMultipartUpload") on `target`
// ("s3://bkt/key"). `error` is the parsed <Error> body if there was one. Returns OK only
// for a 2xx status without an error body; otherwise the code from ClassifyS3Error and a
// message in the format above.
Status FromS3Response(int http_status, const std::optional<S3ErrorInfo>& error,
                      std::string_view operation, std::string_view target,
                      const ErrorHints& hints = {});

}  // namespace strata::s3
