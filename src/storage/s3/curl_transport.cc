#include "storage/s3/curl_transport.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <utility>
#include <vector>

#include "core/huge_pages.h"
#include "core/text.h"
#include "storage/s3/log.h"

namespace strata::s3 {
namespace {

// Larger socket reads and writes than libcurl's defaults (16 KiB / 64 KiB) cut the
// number of callbacks and system calls per part by an order of magnitude.
constexpr long kReceiveBufferBytes = 512 * 1024;
constexpr long kUploadBufferBytes = 1024 * 1024;
// Largest reservation made up front from a Content-Length; bigger bodies grow as they come.
constexpr std::size_t kMaxReserveBytes = std::size_t{1} << 30;
// Bodies from this size on ask for huge pages (see core/huge_pages.h).
constexpr std::size_t kHugePagesFromBytes = std::size_t{4} << 20;
constexpr int kHttpStatusDigits = 3;

bool GlobalInit() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

// State shared with libcurl's callbacks during one transfer.
struct Transfer {
  ByteView body;
  std::size_t sent = 0;
  const TransportCallOptions* options = nullptr;
  HttpResponse response;
  Status callback_status;  // set when a callback stopped the transfer
  bool reserved = false;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new response starts (after "100 Continue", say): forget the previous one's headers.
    t->response.headers.clear();
    const std::size_t space = line.find(' ');
    int status = 0;
    if (space != std::string_view::npos && line.size() >= space + 1 + kHttpStatusDigits) {
      std::from_chars(line.data() + space + 1, line.data() + space + 1 + kHttpStatusDigits,
                      status);
    }
    t->response.status = status;
    return line.size();
  }
  const std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response.headers.push_back(
        {AsciiLower(TrimBlanks(line.substr(0, colon))), std::string(TrimBlanks(line.substr(colon + 1)))});
  }
  return line.size();
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  const bool success = t->response.status >= 200 && t->response.status < 300;
  if (success && t->options->body_sink) {
    Status s = t->options->body_sink(ByteView(data, n));
    if (!s.ok()) {
      t->callback_status = std::move(s);
      return 0;  // libcurl stops with CURLE_WRITE_ERROR
    }
    return n;
  }
  Bytes& body = t->response.body;
  if (body.size() + n > t->options->max_body_bytes) {
    t->callback_status = ResourceExhaustedError(
        "response body is larger than " + std::to_string(t->options->max_body_bytes) + " bytes");
    return 0;
  }
  if (!t->reserved) {
    t->reserved = true;
    std::size_t length = 0;
    if (auto v = t->response.Header("content-length")) {
      std::from_chars(v->data(), v->data() + v->size(), length);
    }
    body.reserve(std::min({length, t->options->max_body_bytes, kMaxReserveBytes}));
    // A segment-sized body is a mapping of its own, written once from start to end.
    if (body.capacity() >= kHugePagesFromBytes) AdviseHugePages(body.data(), body.capacity());
  }
  body.append(data, n);
  return n;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = std::min(size * count, t->body.size() - t->sent);
  std::copy_n(t->body.data() + t->sent, n, buffer);
  t->sent += n;
  return n;
}

// libcurl rewinds the body when it must resend it (a reused connection that turned out
// to be closed by the server).
int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > t->body.size()) {
    return CURL_SEEKFUNC_FAIL;
  }
  t->sent = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->options->cancel.cancelled()) {
    t->callback_status = CancelledError("request cancelled");
    return 1;
  }
  return 0;
}

}  // namespace

// Idle easy handles. A handle keeps its connection cache across curl_easy_reset, so
// handing handles back and forth between threads is what gives keep-alive reuse.
class CurlTransport::Pool {
 public:
  explicit Pool(int max_idle) : max_idle_(static_cast<std::size_t>(std::max(0, max_idle))) {}
  ~Pool() {
    for (CURL* h : idle_) curl_easy_cleanup(h);
  }

  CURL* Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }

  void Release(CURL* h) {
    curl_easy_reset(h);
    {
      std::lock_guard lock(mu_);
      if (idle_.size() < max_idle_) {
        idle_.push_back(h);
        return;
      }
    }
    curl_easy_cleanup(h);
  }

 private:
  const std::size_t max_idle_;
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

Status FromCurl(int curl_code, std::string_view what, std::string_view detail) {
  const auto code = static_cast<CURLcode>(curl_code);
  if (code == CURLE_OK) return OkStatus();
  std::string message(what);
  message += ": ";
  message += detail.empty() ? curl_easy_strerror(code) : std::string(TrimBlanks(detail));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return DeadlineExceededError(message + "; the server did not answer in time");
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return UnavailableError(message + "; check the endpoint host name and DNS");
    case CURLE_COULDNT_CONNECT:
      return UnavailableError(message + "; is the server running and the endpoint right?");
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
      return FailedPreconditionError(
          message + "; TLS failed: for a private CA pass its certificate as the CA bundle, "
                    "check that the endpoint speaks https, or for a test endpoint only, turn "
                    "TLS verification off");
    case CURLE_ABORTED_BY_CALLBACK:
      return CancelledError(message);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgumentError(message);
    case CURLE_OUT_OF_MEMORY:
      return ResourceExhaustedError(message);
    default:
      // Reset, broken pipe, empty reply, partial body, HTTP/2 stream errors: the network
      // or the server failed mid-request; another attempt may well succeed.
      return UnavailableError(message);
  }
}

Result<std::unique_ptr<CurlTransport>> CurlTransport::Create(CurlTransportOptions options) {
  if (!GlobalInit()) return InternalError("libcurl failed to initialise");
  if (options.ca_bundle.has_value() && access(options.ca_bundle->c_str(), R_OK) != 0) {
    return InvalidArgumentError("CA bundle \"" + *options.ca_bundle +
                                "\" is not a readable file");
  }
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(options)));
}

CurlTransport::CurlTransport(CurlTransportOptions options)
    : options_(std::move(options)), pool_(std::make_unique<Pool>(options_.max_idle_handles)) {}

CurlTransport::~CurlTransport() = default;

Result<HttpResponse> CurlTransport::Send(const HttpRequest& request, ByteView body,
                                         const TransportCallOptions& options) {
  const std::string what = request.method + " " + std::string(UrlWithoutQuery(request.url));
  if (options.cancel.cancelled()) return CancelledError(what + ": cancelled");
  if (options.deadline.Expired()) return DeadlineExceededError(what + ": deadline exceeded");

  CURL* h = pool_->Acquire();
  if (h == nullptr) return ResourceExhaustedError(what + ": cannot create a curl handle");
  Transfer t;
  t.body = body;
  t.options = &options;

  curl_slist* headers = nullptr;
  bool has_content_type = false;
  for (const HttpHeader& hd : request.headers) {
    has_content_type = has_content_type || EqualsIgnoreCase(hd.name, "content-type");
    headers = curl_slist_append(headers, (hd.name + ": " + hd.value).c_str());
  }
  // No "Expect: 100-continue" round trip, and never a form content type: s3proxy parses
  // form bodies into the query string and then rejects the signature.
  headers = curl_slist_append(headers, "Expect:");
  if (!has_content_type && !body.empty()) {
    headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
  }

  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
  curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBufferBytes);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (options_.ca_bundle.has_value()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle->c_str());
  }
  const long remaining_ms = options.deadline.RemainingMillis();
  const long connect_ms = std::min<long>(
      remaining_ms, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, std::max(1L, connect_ms));
  if (!options.deadline.infinite()) {
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, std::max(1L, remaining_ms));
  }
  if (options.low_speed_bytes_per_second > 0) {
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT,
                     static_cast<long>(options.low_speed_bytes_per_second));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(std::max<int64_t>(1, options.low_speed_time.count())));
  }
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);

  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (!body.empty() || request.method == "PUT" || request.method == "POST") {
    // Upload mode streams `body` from our buffer without a copy and always sends a
    // Content-Length (0 included: S3 wants one on a bodiless POST).
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(h, CURLOPT_READDATA, &t);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, OnSeek);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, &t);
    if (request.method != "PUT") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    if (request.method != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  }

  if (Log().should_log(spdlog::level::trace)) Log().trace("send {}", RedactedForLog(request));
  const auto started = std::chrono::steady_clock::now();
  const CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(headers);
  pool_->Release(h);
  if (rc != CURLE_OK) {
    if (!t.callback_status.ok()) return t.callback_status.WithContext(what);
    Status s = FromCurl(rc, what, error);
    Log().debug("{} failed: {}", what, s.ToString());
    return s;
  }
  Log().debug("{} -> {} ({} ms)", what, t.response.status,
              std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count());
  return std::move(t.response);
}

}  // namespace strata::s3
