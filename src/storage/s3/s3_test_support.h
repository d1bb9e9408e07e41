// Shared set-up of the S3 client unit tests: an S3Store opened against an in-process
// TestHttpServer with explicit keys, no process environment, and retries that do not
// sleep; plus canned S3 response bodies. Test-only.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "storage/s3/s3_opener.h"
#include "storage/s3/test_http_server.h"

namespace strata::s3::testing {

inline constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

// Explicit keys, us-east-1, path style, the server as endpoint, 3 attempts per request
// without real waits, conditional create trusted (no probe) unless a test says otherwise.
inline S3Config TestConfig(const TestHttpServer& server) {
  S3Config config;
  config.endpoint = server.url();
  config.region = "us-east-1";
  config.access_key_id = "AKIDEXAMPLE";
  config.secret_access_key = kSecret;
  config.environment = AwsEnvironment::Fixed({});
  config.retry.max_attempts = 3;
  config.retry_sleep = [](std::chrono::nanoseconds, const CancelToken&) {};
  config.conditional_create = ConditionalCreate::kServer;
  config.check_access_on_open = false;
  config.part_size = kMinPartSize;
  return config;
}

inline std::unique_ptr<S3Store> OpenTestStore(const std::string& url, const S3Config& config) {
  auto store = OpenS3Store(url, config);
  STRATA_CHECK(store.ok(), store.status().ToString());
  return std::move(store).value();
}

inline CannedResponse Xml(int status, std::string body) {
  CannedResponse r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/xml"});
  r.body = std::move(body);
  return r;
}

inline CannedResponse Ok(std::string body = "", std::vector<HttpHeader> headers = {}) {
  CannedResponse r;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

inline std::unique_ptr<TestHttpServer> Serve(Handler handler) {
  auto server = TestHttpServer::Start(std::move(handler));
  STRATA_CHECK(server.ok(), server.status().ToString());
  return std::move(server).value();
}

}  // namespace strata::s3::testing
