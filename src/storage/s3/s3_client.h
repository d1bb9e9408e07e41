// S3Client: sends the S3 requests of one bucket. For each request it takes credentials
// from the provider, signs with SigV4 at the current time, sends through the transport,
// and turns the answer into a Status (FromS3Response; the transport's own errors come
// from FromCurl). Transient failures (500, 503, SlowDown, RequestTimeout, timeouts,
// connection resets: IsTransient) are retried with capped exponential backoff and full
// jitter (core/retry.h) within the call's deadline; other 4xx answers are returned at
// once. A request refused for an expired session token is retried once with refreshed
// credentials. Every attempt is signed again, so retries never reuse a stale signature.
//
// Errors carry S3's code, message and request id, the operation and the s3:// name of
// the key; authentication errors also name the credential source. Never a secret.
//
// Immutable after construction and safe for concurrent use.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/retry.h"
#include "storage/object_store.h"
#include "storage/s3/credentials_provider.h"
#include "storage/s3/errors.h"
#include "storage/s3/http_transport.h"
#include "storage/s3/request.h"
#include "storage/s3/sigv4.h"

namespace strata::s3 {

struct S3ClientOptions {
  // Attempts and backoff for transient failures. Default: 5 attempts, waits drawn from
  // [0, 200 ms], [0, 400 ms], ... capped at 20 s.
  RetryPolicy retry;
  // A request moving fewer bytes per second than this for `low_speed_time` is abandoned
  // (and retried): how a hung server is noticed. Default 1 KiB/s for 30 s.
  uint32_t low_speed_bytes_per_second = 1024;
  std::chrono::seconds low_speed_time{30};
  // Context for error hints (profile, region, endpoint).
  ErrorHints hints;
  // Waits between attempts; empty: really sleep. Tests pass one that returns at once.
  SleepFunction sleep;
  // The signing clock; empty: the system clock.
  std::function<std::chrono::system_clock::time_point()> clock;
};

// One S3 request to send.
struct S3Operation {
  // For messages: "PUT", "GET", "UploadPart 3", "CompleteMultipartUpload".
  std::string name;
  // The object key in the bucket ("" for bucket-level requests), for messages.
  std::string key;
  // From RequestBuilder, unsigned.
  HttpRequest request;
  // Object data to send (PutObject, UploadPart); empty: request.body is sent (and its
  // SHA-256 signed). Object data is sent as UNSIGNED-PAYLOAD: its integrity is checked
  // by the x-amz-checksum-crc32c header the caller adds.
  ByteView data;
  // CompleteMultipartUpload may answer 200 and then report failure in an <Error> body.
  bool error_in_ok_body = false;
  // Streams a 2xx body instead of keeping it (see TransportCallOptions::body_sink). A
  // retried request streams again from the start: the sink must cope (reset itself).
  BodySink body_sink;
};

class S3Client {
 public:
  S3Client(std::shared_ptr<HttpTransport> transport,
           std::shared_ptr<CredentialsProvider> credentials, RequestBuilder builder,
           SignerConfig signer, S3ClientOptions options);

  // Sends `op` (see the header comment for retries). Returns the 2xx response. Errors:
  // the Status from FromS3Response for an S3 error answer (NotFound, AlreadyExists,
  // PermissionDenied, FailedPrecondition for NoSuchBucket, ...), the transport's error,
  // the credential provider's error, DeadlineExceeded / Cancelled from the call, and for
  // transient failures that outlast the policy the last one, with the attempt count.
  // `attempts`, if given, receives the number of attempts made.
  Result<HttpResponse> Execute(const S3Operation& op, const storage::CallOptions& call,
                               int* attempts = nullptr) const;

  // A presigned URL for `request` (usually a GetObject), valid for `expires` (1 s to 7
  // days). The URL grants access and may hold a session token: treat it as a secret.
  // Errors: InvalidArgument for a bad expiry, the provider's errors.
  Result<std::string> Presign(const HttpRequest& request, std::chrono::seconds expires,
                              const storage::CallOptions& call = {}) const;

  const RequestBuilder& builder() const { return builder_; }
  // "s3://bucket/key".
  std::string Describe(std::string_view key) const { return builder_.Describe(key); }
  // Where the credentials come from (CredentialsProvider::Source()).
  std::string credential_source() const { return credentials_->Source(); }
  const S3ClientOptions& options() const { return options_; }

 private:
  // One attempt: sign, send, classify. `refreshed` tracks the single credentials retry.
  Result<HttpResponse> Attempt(const S3Operation& op, const storage::CallOptions& call,
                               bool& refreshed) const;
  Status ErrorFromResponse(const S3Operation& op, const HttpResponse& response) const;
  void LogRetry(const S3Operation& op, const RetryEvent& event) const;

  const std::shared_ptr<HttpTransport> transport_;
  const std::shared_ptr<CredentialsProvider> credentials_;
  const RequestBuilder builder_;
  const SigV4Signer signer_;
  const S3ClientOptions options_;
  // Steady-clock milliseconds of the last retry logged at warning level (rate limit).
  mutable std::atomic<int64_t> last_retry_log_ms_{0};
};

}  // namespace strata::s3
