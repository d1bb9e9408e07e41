#include "storage/s3/s3_client.h"

#include <utility>

#include "storage/s3/digest.h"
#include "storage/s3/log.h"
#include "storage/s3/xml.h"

namespace strata::s3 {
namespace {

// At most one retry line per interval at warning level; the rest go to debug.
constexpr int64_t kRetryLogIntervalMs = 5000;
// Error documents are small; a huge "error" body is not worth keeping.
constexpr std::size_t kMaxErrorBodyBytes = 1 << 20;
// The status used to classify an <Error> that came with 200 OK (see Attempt).
constexpr int kLateErrorStatus = 400;

SigV4Signer MakeSigner(SignerConfig config,
                       const std::function<std::chrono::system_clock::time_point()>& clock) {
  if (clock) return SigV4Signer(std::move(config), clock);
  return SigV4Signer(std::move(config), [] { return std::chrono::system_clock::now(); });
}

bool IsAuthError(StatusCode code) {
  return code == StatusCode::kUnauthenticated || code == StatusCode::kPermissionDenied;
}

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

S3Client::S3Client(std::shared_ptr<HttpTransport> transport,
                   std::shared_ptr<CredentialsProvider> credentials, RequestBuilder builder,
                   SignerConfig signer, S3ClientOptions options)
    : transport_(std::move(transport)),
      credentials_(std::move(credentials)),
      builder_(std::move(builder)),
      signer_(MakeSigner(std::move(signer), options.clock)),
      options_(std::move(options)) {}

Status S3Client::ErrorFromResponse(const S3Operation& op, const HttpResponse& response) const {
  std::optional<S3ErrorInfo> error;
  if (!response.body.empty()) {
    if (Result<S3ErrorInfo> parsed = ParseError(response.body); parsed.ok()) error = *parsed;
  }
  // HEAD answers have no body; the request id is still in a header.
  if (std::optional<std::string_view> id = response.Header("x-amz-request-id")) {
    if (!error.has_value()) error = S3ErrorInfo{};
    if (!error->request_id.has_value()) error->request_id = std::string(*id);
  }
  Status status =
      FromS3Response(response.status, error, op.name, Describe(op.key), options_.hints);
  if (IsAuthError(status.code())) {
    status = Status(status.code(), status.message() + " (credentials from " +
                                       credentials_->Source() + ")");
  }
  return status;
}

Result<HttpResponse> S3Client::Attempt(const S3Operation& op, const storage::CallOptions& call,
                                       bool& refreshed) const {
  STRATA_ASSIGN_OR_RETURN(Credentials credentials, credentials_->Get(call));
  const ByteView body = op.data.empty() ? ByteView(op.request.body) : op.data;
  std::string payload_hash;
  if (body.empty()) {
    payload_hash = std::string(kEmptyPayloadSha256);
  } else if (op.data.empty()) {
    payload_hash = Sha256Hex(body);
  } else {
    payload_hash = std::string(kUnsignedPayload);
  }
  STRATA_ASSIGN_OR_RETURN(
      SigningResult signature,
      signer_.Sign(ToSigningRequest(op.request, std::move(payload_hash)), credentials));
  HttpRequest signed_request = op.request;
  for (HttpHeader& h : signature.headers) signed_request.headers.push_back(std::move(h));

  TransportCallOptions limits;
  limits.deadline = call.deadline;
  limits.cancel = call.cancel;
  limits.low_speed_bytes_per_second = options_.low_speed_bytes_per_second;
  limits.low_speed_time = options_.low_speed_time;
  limits.body_sink = op.body_sink;
  Result<HttpResponse> response = transport_->Send(signed_request, body, limits);
  if (!response.ok()) {
    const Status& s = response.status();
    // The transport names the URL; say which operation and key it was for.
    return Status(s.code(), op.name + " " + Describe(op.key) + ": " + s.message());
  }
  if (response->status >= 200 && response->status < 300) {
    if (op.error_in_ok_body && ParseError(response->body).ok()) {
      // A late failure reported after "200 OK". Its code decides; an unknown code is
      // classified as the client error it would have been sent as (not as Unknown).
      HttpResponse as_error = std::move(*response);
      as_error.status = kLateErrorStatus;
      return ErrorFromResponse(op, as_error);
    }
    return response;
  }
  if (response->body.size() > kMaxErrorBodyBytes) response->body.resize(kMaxErrorBodyBytes);
  Status status = ErrorFromResponse(op, *response);
  std::optional<S3ErrorInfo> error;
  if (Result<S3ErrorInfo> parsed = ParseError(response->body); parsed.ok()) error = *parsed;
  if (error.has_value() && ShouldRefreshCredentials(error->code) && !refreshed) {
    // Fetch new temporary credentials and try again, once.
    refreshed = true;
    credentials_->Invalidate();
    return UnavailableError(status.message() + "; retrying with refreshed credentials");
  }
  return status;
}

Result<HttpResponse> S3Client::Execute(const S3Operation& op, const storage::CallOptions& call,
                                       int* attempts) const {
  std::optional<HttpResponse> response;
  bool refreshed = false;
  int count = 0;
  Status status = Retry(
      options_.retry, RetryContext{call.deadline, call.cancel, options_.sleep},
      [&]() -> Status {
        ++count;
        Result<HttpResponse> r = Attempt(op, call, refreshed);
        if (!r.ok()) return r.status();
        response = std::move(r).value();
        return OkStatus();
      },
      [&](const RetryEvent& event) { LogRetry(op, event); });
  if (attempts != nullptr) *attempts = count;
  if (!status.ok()) return status;
  return std::move(*response);
}

void S3Client::LogRetry(const S3Operation& op, const RetryEvent& event) const {
  const int64_t now = SteadyMillis();
  int64_t last = last_retry_log_ms_.load();
  const bool warn = now - last >= kRetryLogIntervalMs &&
                    last_retry_log_ms_.compare_exchange_strong(last, now);
  Log().log(warn ? spdlog::level::warn : spdlog::level::debug,
            "{} {}: attempt {}/{} failed ({}); retrying in {} ms", op.name, Describe(op.key),
            event.attempt, event.max_attempts, event.status.ToString(),
            std::chrono::duration_cast<std::chrono::milliseconds>(event.backoff).count());
}

Result<std::string> S3Client::Presign(const HttpRequest& request, std::chrono::seconds expires,
                                      const storage::CallOptions& call) const {
  STRATA_ASSIGN_OR_RETURN(Credentials credentials, credentials_->Get(call));
  PresignRequest presign;
  presign.method = request.method;
  presign.path = request.path;
  presign.query = request.query;
  presign.headers = request.headers;
  presign.expires = expires;
  STRATA_ASSIGN_OR_RETURN(PresignResult result, signer_.Presign(presign, credentials));
  return std::string(UrlWithoutQuery(request.url)) + "?" + result.query_string;
}

}  // namespace strata::s3
