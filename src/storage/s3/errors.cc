#include "storage/s3/errors.h"

#include <array>
#include <utility>

namespace strata::s3 {
namespace {

// Longest part of S3's <Message> we repeat.
constexpr std::size_t kMaxMessageBytes = 300;

using Code = StatusCode;

constexpr std::array<std::pair<std::string_view, StatusCode>, 44> kByCode = {{
    {"InternalError", Code::kUnavailable},
    {"ServiceUnavailable", Code::kUnavailable},
    {"SlowDown", Code::kUnavailable},
    {"RequestTimeout", Code::kUnavailable},
    {"RequestTimeoutException", Code::kUnavailable},
    {"Throttling", Code::kUnavailable},
    {"ThrottlingException", Code::kUnavailable},
    {"RequestThrottled", Code::kUnavailable},
    {"RequestLimitExceeded", Code::kUnavailable},
    {"TooManyRequests", Code::kUnavailable},
    {"InvalidAccessKeyId", Code::kUnauthenticated},
    {"SignatureDoesNotMatch", Code::kUnauthenticated},
    {"ExpiredToken", Code::kUnauthenticated},
    {"InvalidToken", Code::kUnauthenticated},
    {"TokenRefreshRequired", Code::kUnauthenticated},
    {"MissingSecurityHeader", Code::kUnauthenticated},
    {"AccessDenied", Code::kPermissionDenied},
    {"AllAccessDisabled", Code::kPermissionDenied},
    {"AccountProblem", Code::kPermissionDenied},
    {"NoSuchKey", Code::kNotFound},
    {"NoSuchVersion", Code::kNotFound},
    {"NoSuchUpload", Code::kNotFound},
    {"NoSuchBucket", Code::kFailedPrecondition},
    {"PermanentRedirect", Code::kFailedPrecondition},
    {"TemporaryRedirect", Code::kFailedPrecondition},
    {"IllegalLocationConstraintException", Code::kFailedPrecondition},
    {"RequestTimeTooSkewed", Code::kFailedPrecondition},
    {"BucketNotEmpty", Code::kFailedPrecondition},
    {"InvalidObjectState", Code::kFailedPrecondition},
    {"PreconditionFailed", Code::kAlreadyExists},
    {"BucketAlreadyExists", Code::kAlreadyExists},
    {"BucketAlreadyOwnedByYou", Code::kAlreadyExists},
    {"ConditionalRequestConflict", Code::kAborted},
    {"OperationAborted", Code::kAborted},
    {"InvalidRange", Code::kOutOfRange},
    {"BadDigest", Code::kDataLoss},
    {"XAmzContentSHA256Mismatch", Code::kDataLoss},
    {"TooManyBuckets", Code::kResourceExhausted},
    {"NotImplemented", Code::kUnimplemented},
    {"AuthorizationHeaderMalformed", Code::kInvalidArgument},
    {"InvalidArgument", Code::kInvalidArgument},
    {"InvalidRequest", Code::kInvalidArgument},
    {"MalformedXML", Code::kInvalidArgument},
    {"InvalidBucketName", Code::kInvalidArgument},
}};

std::optional<StatusCode> ByCode(std::string_view code) {
  for (const auto& [name, status] : kByCode) {
    if (name == code) return status;
  }
  return std::nullopt;
}

StatusCode ByHttpStatus(int status) {
  if (status >= 200 && status < 300) return Code::kOk;
  switch (status) {
    case 301: case 307: return Code::kFailedPrecondition;
    case 401: return Code::kUnauthenticated;
    case 403: return Code::kPermissionDenied;
    case 404: return Code::kNotFound;
    case 408: case 429: return Code::kUnavailable;
    case 409: return Code::kAborted;
    case 412: return Code::kAlreadyExists;
    case 416: return Code::kOutOfRange;
    case 501: return Code::kUnimplemented;
    default: break;
  }
  if (status >= 500 && status < 600) return Code::kUnavailable;
  if (status >= 400 && status < 500) return Code::kInvalidArgument;
  return Code::kUnknown;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 301: return "Moved Permanently";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::string Sanitize(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxMessageBytes)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
  if (text.size() > kMaxMessageBytes) out += "...";
  return out;
}

std::string ProfileSuffix(const ErrorHints& h) {
  return h.profile.has_value() ? " of profile \"" + *h.profile + "\"" : "";
}

std::string Hint(StatusCode status, std::string_view code, const std::optional<S3ErrorInfo>& e,
                 const ErrorHints& h) {
  const std::string creds = "the credentials" + ProfileSuffix(h);
  if (code == "SignatureDoesNotMatch") {
    return "check the secret access key of " + creds +
           (h.region ? " and that the region (\"" + *h.region + "\") is right" : "");
  }
  if (code == "InvalidAccessKeyId") return "check the access key id of " + creds;
  if (ShouldRefreshCredentials(code)) {
    return "the session token is no longer valid; refresh " + creds;
  }
  if (code == "NoSuchBucket") {
    return "check the bucket name, and the region and endpoint" +
           (h.endpoint ? " (\"" + *h.endpoint + "\")" : std::string());
  }
  if (code == "RequestTimeTooSkewed") return "the system clock is off; synchronise it (NTP)";
  if (code == "InvalidObjectState") return "the object is archived; restore it first";
  if (code == "BucketNotEmpty") return "the bucket still holds objects";
  if (code == "NoSuchUpload") return "the multipart upload was aborted or already completed";
  if (code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect" ||
      code == "TemporaryRedirect" || code == "IllegalLocationConstraintException" ||
      (code.empty() && status == Code::kFailedPrecondition)) {
    std::string hint = "the bucket is in another region; set the region";
    if (e && e->region) hint += " to \"" + *e->region + "\"";
    if (e && e->endpoint) hint += " (S3 suggests endpoint \"" + *e->endpoint + "\")";
    return hint;
  }
  switch (status) {
    case Code::kUnavailable: return "the store is overloaded or failing; retry with backoff";
    case Code::kUnauthenticated: return "check " + creds;
    case Code::kPermissionDenied:
      return "check that " + creds + " may do this on the bucket (IAM and bucket policy)";
    case Code::kAlreadyExists: return "the object or bucket already exists";
    case Code::kAborted: return "a concurrent request changed the object; redo the operation";
    case Code::kDataLoss: return "the body was corrupted in transit (checksum mismatch)";
    case Code::kUnimplemented: return "this S3-compatible store does not support the operation";
    case Code::kInvalidArgument:
      return "the store rejected the request; check the endpoint and whether it supports "
             "this request";
    default: return "";
  }
}

}  // namespace

StatusCode ClassifyS3Error(int http_status, std::string_view code) {
  if (std::optional<StatusCode> by_code = ByCode(code)) return *by_code;
  const StatusCode by_status = ByHttpStatus(http_status);
  // A 2xx with an unknown code (an <Error> body after "200 OK") is still a failure.
  if (by_status == Code::kOk && !code.empty()) return Code::kUnknown;
  return by_status;
}

bool ShouldRefreshCredentials(std::string_view code) {
  return code == "ExpiredToken" || code == "TokenRefreshRequired" || code == "InvalidToken";
}

Status FromS3Response(int http_status, const std::optional<S3ErrorInfo>& error,
                      std::string_view operation, std::string_view target,
                      const ErrorHints& hints) {
  const std::string_view code = error ? std::string_view(error->code) : std::string_view();
  const StatusCode status = ClassifyS3Error(http_status, code);
  if (status == Code::kOk && !error.has_value()) return OkStatus();

  std::string message(operation);
  if (!operation.empty()) message += ' ';
  message += target;
  message += ": ";
  if (!code.empty()) {
    message += Sanitize(code);
    if (error && !error->message.empty()) message += ": " + Sanitize(error->message);
  } else {
    message += "HTTP " + std::to_string(http_status);
    if (std::string_view reason = ReasonPhrase(http_status); !reason.empty()) {
      message += ' ';
      message += reason;
    }
  }
  if (error && error->request_id && !error->request_id->empty()) {
    message += " (request-id " + Sanitize(*error->request_id) + ")";
  }
  if (std::string hint = Hint(status, code, error, hints); !hint.empty()) {
    message += "; " + hint;
  }
  // An error body with no recognisable failure after 2xx still must not pass as success.
  return Status(status == Code::kOk ? Code::kUnknown : status, std::move(message));
}

}  // namespace strata::s3
