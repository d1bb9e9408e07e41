// CurlTransport: the HttpTransport over libcurl, and the only file of the project that
// includes curl (curl_transport.cc). HTTP/1.1 with keep-alive: finished easy handles go
// back to a pool and keep their open connections, so the next request on any thread
// reuses one instead of connecting (and, for https, handshaking) again. TLS
// certificates are verified unless the options say otherwise. Redirects are not
// followed (S3 answers a wrong region with 301, which the S3 client reports).
//
// Thread-safe: each Send uses its own easy handle.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "storage/s3/http_transport.h"

namespace strata::s3 {

struct CurlTransportOptions {
  // Verify the server's certificate chain and host name. Default true. Turn it off only
  // for a test endpoint with a self-signed certificate: anyone on the network path
  // could then read and change the traffic, credentials-derived signatures included.
  bool verify_tls = true;
  // A PEM file of CA certificates to trust instead of the system store (for a private
  // CA). Unset: the system store.
  std::optional<std::string> ca_bundle;
  // Longest wait for TCP connect plus TLS handshake. Default 10 s; shorter fails over
  // faster from a dead endpoint, longer tolerates slow links.
  std::chrono::milliseconds connect_timeout{10'000};
  // Idle handles kept for reuse (each holds its open connections). Default 16, enough
  // for a store's parallel part uploads plus a few callers; more keeps more sockets.
  int max_idle_handles = 16;
};

class CurlTransport final : public HttpTransport {
 public:
  // InvalidArgument if options.ca_bundle is set but is not a readable file; Internal if
  // libcurl cannot be initialised.
  static Result<std::unique_ptr<CurlTransport>> Create(CurlTransportOptions options = {});
  ~CurlTransport() override;

  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // See HttpTransport::Send. TLS failures are FailedPrecondition with a hint (CA bundle,
  // verify_tls).
  Result<HttpResponse> Send(const HttpRequest& request, ByteView body,
                            const TransportCallOptions& options) override;

  // The handle pool; defined in curl_transport.cc.
  class Pool;

 private:
  explicit CurlTransport(CurlTransportOptions options);

  const CurlTransportOptions options_;
  std::unique_ptr<Pool> pool_;
};

// FromCurl: the one place libcurl result codes become a Status. `curl_code` is a
// CURLcode, `what` says what was being done ("GET http://host/bkt/key"), `detail` is
// libcurl's error buffer (may be empty). Connection refused / reset / DNS failure / empty
// reply -> Unavailable; timeouts -> DeadlineExceeded; TLS failures -> FailedPrecondition
// with a hint; aborted by our progress callback -> Cancelled; malformed URL or
// unsupported scheme -> InvalidArgument; out of memory -> ResourceExhausted; anything
// else -> Unavailable (network trouble is the usual cause). OK for CURLE_OK.
Status FromCurl(int curl_code, std::string_view what, std::string_view detail);

}  // namespace strata::s3
