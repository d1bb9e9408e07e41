// TestHttpServer: a tiny HTTP/1.1 server on 127.0.0.1 for tests. It runs the real
// client code (CurlTransport, S3Client, credential providers) against canned answers:
// a handler function sees each parsed request and returns the response, which can also
// be delayed (a slow or hung server) or replaced by a dropped connection (a reset).
// Keep-alive is supported, so tests can check connection reuse.
//
// Test-only (not linked into strata). Only loopback is ever bound. Thread-safe: the
// handler runs on the connection threads, possibly concurrently, so it must be too.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "storage/s3/sigv4.h"

namespace strata::s3::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;  // path and query as sent: "/bkt/key?uploadId=x"
  std::string path;    // "/bkt/key" (still percent-encoded)
  std::vector<HttpHeader> headers;  // names lower-cased
  Bytes body;

  // The first header called `name` (any case), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
  // The decoded value of query parameter `name` ("" for "?uploads"), or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
};

struct CannedResponse {
  int status = 200;
  std::vector<HttpHeader> headers;
  Bytes body;
  // Wait this long before answering (a slow or, if long, hung server).
  std::chrono::milliseconds delay{0};
  // Close the connection without answering (the client sees an empty reply / reset).
  bool drop_connection = false;
  // For HEAD: the Content-Length to announce (no body is sent).
  std::optional<uint64_t> head_content_length;
};

// Returns the answer to one request.
using Handler = std::function<CannedResponse(const ReceivedRequest&)>;

class TestHttpServer {
 public:
  // Listens on 127.0.0.1 on a free port. Errors: Internal if no socket can be bound.
  static Result<std::unique_ptr<TestHttpServer>> Start(Handler handler);
  ~TestHttpServer();

  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  // "http://127.0.0.1:PORT".
  std::string url() const;
  uint16_t port() const { return port_; }
  // Every request received so far, in arrival order.
  std::vector<ReceivedRequest> requests() const;
  // Connections accepted so far.
  int connections() const { return connections_.load(); }
  // Stops accepting, cuts open connections and joins every thread. Idempotent.
  void Stop();

 private:
  TestHttpServer(int listen_fd, uint16_t port, Handler handler);
  void AcceptLoop();
  void Serve(int fd);
  // Sleeps up to `d`, returning early once Stop() is called.
  void Pause(std::chrono::milliseconds d);

  const int listen_fd_;
  const uint16_t port_;
  const Handler handler_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::vector<ReceivedRequest> requests_;
  std::set<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// A response with an S3 <Error> document: code, message and a request id.
CannedResponse S3Error(int status, std::string_view code, std::string_view message = "error");

}  // namespace strata::s3::testing
