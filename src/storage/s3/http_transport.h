// HttpTransport: sends one HTTP request and returns the response. The seam between the
// S3 client (which builds, signs and interprets requests) and the network: CurlTransport
// (curl_transport.h) is the real one; tests plug in the real one against an in-process
// server (test_http_server.h). A transport knows nothing about S3: any HTTP status,
// 4xx and 5xx included, is a successful Send; only failures to get a response at all are
// errors.
//
// Implementations are safe for concurrent use from many threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/deadline.h"
#include "core/result.h"
#include "storage/s3/request.h"

namespace strata::s3 {

struct HttpResponse {
  int status = 0;
  // Headers of the final response (not of a "100 Continue"), names lower-cased, values
  // trimmed, in the order received.
  std::vector<HttpHeader> headers;
  // The body, unless it went to TransportCallOptions::body_sink.
  Bytes body;

  // The value of the first header called `name` (any case), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Receives a response body piece by piece. A non-OK status stops the transfer and is
// what Send returns.
using BodySink = std::function<Status(ByteView piece)>;

// Per-call limits and options. Copy freely.
struct TransportCallOptions {
  // The call fails with DeadlineExceeded once this passes (connecting included).
  Deadline deadline = Deadline::Infinite();
  // Checked while the request runs (at least once a second); Cancelled when set.
  CancelToken cancel;
  // A transfer slower than `low_speed_bytes_per_second` for `low_speed_time` is given up
  // (DeadlineExceeded): this is what detects a hung server on an open connection.
  // 0 bytes per second turns the check off.
  uint32_t low_speed_bytes_per_second = 1024;
  std::chrono::seconds low_speed_time{30};
  // When set, a 2xx response body is passed here instead of being kept in
  // HttpResponse::body (other statuses always keep theirs: it is an error document).
  BodySink body_sink;
  // A kept body larger than this fails the call with ResourceExhausted.
  std::size_t max_body_bytes = std::numeric_limits<std::size_t>::max();
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends `request` (method, url, headers) with `body` as its body (Content-Length is
  // set from it; `request.body` is ignored). `body` must stay valid until Send returns.
  // Returns the response for any HTTP status. Errors, when no response was received:
  // Unavailable (connection refused or reset, DNS failure, empty reply: worth a
  // retry), DeadlineExceeded (deadline, connect timeout or low-speed limit),
  // Cancelled, FailedPrecondition (TLS: certificate not trusted, handshake failed),
  // InvalidArgument (malformed URL), ResourceExhausted (body over max_body_bytes), or
  // the status the body sink returned.
  virtual Result<HttpResponse> Send(const HttpRequest& request, ByteView body,
                                    const TransportCallOptions& options) = 0;
};

// `request` for a log line or an error message: method and URL without a query string
// that could carry a presigned signature or token, and header names with the values of
// Authorization, X-Amz-Security-Token and any other credential header replaced by
// "<redacted>". Never log a request any other way.
std::string RedactedForLog(const HttpRequest& request);

// The URL without its query string ("http://host/bucket/key"), for messages.
std::string_view UrlWithoutQuery(std::string_view url);

// An HTTP date (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", as in Last-Modified) as
// milliseconds since the Unix epoch. InvalidArgument if it is not one.
Result<int64_t> ParseHttpDate(std::string_view text);

}  // namespace strata::s3
