#include "storage/s3/curl_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "storage/s3/test_http_server.h"

namespace strata::s3 {
namespace {

using testing::CannedResponse;
using testing::ReceivedRequest;
using testing::TestHttpServer;

std::unique_ptr<TestHttpServer> Serve(testing::Handler handler) {
  auto server = TestHttpServer::Start(std::move(handler));
  STRATA_CHECK(server.ok(), server.status().ToString());
  return std::move(server).value();
}

std::unique_ptr<CurlTransport> Transport(CurlTransportOptions options = {}) {
  auto t = CurlTransport::Create(std::move(options));
  STRATA_CHECK(t.ok(), t.status().ToString());
  return std::move(t).value();
}

HttpRequest Request(const std::string& method, const std::string& url) {
  HttpRequest r;
  r.method = method;
  r.url = url;
  return r;
}

CannedResponse Ok(Bytes body, std::vector<HttpHeader> headers = {}) {
  CannedResponse r;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(CurlTransportTest, GetReturnsStatusHeadersAndBody) {
  auto server = Serve([](const ReceivedRequest&) { return Ok("hello", {{"ETag", "\"abc\""}}); });
  auto response = Transport()->Send(Request("GET", server->url() + "/b/k"), "", {});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->Header("etag"), "\"abc\"");
  EXPECT_EQ(response->Header("ETAG"), "\"abc\"");
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0].method, "GET");
  EXPECT_EQ(server->requests()[0].target, "/b/k");
}

TEST(CurlTransportTest, PutSendsBodyWithOctetStreamAndNoExpect) {
  auto server = Serve([](const ReceivedRequest&) { return Ok(""); });
  HttpRequest r = Request("PUT", server->url() + "/b/k");
  r.headers.push_back({"x-amz-meta-a", "1"});
  const Bytes body(3 * 1024 * 1024, 'x');
  auto response = Transport()->Send(r, body, {});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  const ReceivedRequest got = server->requests().at(0);
  EXPECT_EQ(got.method, "PUT");
  EXPECT_EQ(got.body, body);
  EXPECT_EQ(got.Header("content-type"), "application/octet-stream");
  EXPECT_EQ(got.Header("content-length"), std::to_string(body.size()));
  EXPECT_EQ(got.Header("expect"), std::nullopt);
  EXPECT_EQ(got.Header("x-amz-meta-a"), "1");
}

TEST(CurlTransportTest, BodilessPostAndPutSendContentLengthZero) {
  auto server = Serve([](const ReceivedRequest&) { return Ok("<x/>"); });
  auto transport = Transport();
  ASSERT_TRUE(transport->Send(Request("POST", server->url() + "/b/k?uploads"), "", {}).ok());
  ASSERT_TRUE(transport->Send(Request("PUT", server->url() + "/t"), "", {}).ok());
  for (const ReceivedRequest& got : server->requests()) {
    EXPECT_EQ(got.Header("content-length"), "0") << got.method;
    EXPECT_EQ(got.Header("content-type"), std::nullopt) << got.method;
  }
  EXPECT_EQ(server->requests()[0].method, "POST");
}

TEST(CurlTransportTest, PostKeepsGivenContentType) {
  auto server = Serve([](const ReceivedRequest&) { return Ok(""); });
  HttpRequest r = Request("POST", server->url() + "/b/k?uploadId=1");
  r.headers.push_back({"Content-Type", "application/xml"});
  ASSERT_TRUE(Transport()->Send(r, "<CompleteMultipartUpload/>", {}).ok());
  EXPECT_EQ(server->requests()[0].Header("content-type"), "application/xml");
  EXPECT_EQ(server->requests()[0].body, "<CompleteMultipartUpload/>");
}

TEST(CurlTransportTest, HeadAndDelete) {
  auto server = Serve([](const ReceivedRequest& r) {
    CannedResponse c;
    if (r.method == "HEAD") c.head_content_length = 12345;
    if (r.method == "DELETE") c.status = 204;
    return c;
  });
  auto transport = Transport();
  auto head = transport->Send(Request("HEAD", server->url() + "/b/k"), "", {});
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->Header("content-length"), "12345");
  EXPECT_EQ(head->body, "");
  auto del = transport->Send(Request("DELETE", server->url() + "/b/k"), "", {});
  ASSERT_TRUE(del.ok()) << del.status().ToString();
  EXPECT_EQ(del->status, 204);
  EXPECT_EQ(server->requests()[1].method, "DELETE");
}

TEST(CurlTransportTest, ErrorStatusIsAResponseNotAnError) {
  auto server = Serve([](const ReceivedRequest&) { return testing::S3Error(404, "NoSuchKey"); });
  auto response = Transport()->Send(Request("GET", server->url() + "/b/k"), "", {});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 404);
  EXPECT_NE(response->body.find("NoSuchKey"), std::string::npos);
}

TEST(CurlTransportTest, ReusesConnections) {
  auto server = Serve([](const ReceivedRequest&) { return Ok("x"); });
  auto transport = Transport();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(transport->Send(Request("GET", server->url() + "/k"), "", {}).ok());
    ASSERT_TRUE(transport->Send(Request("PUT", server->url() + "/k"), "data", {}).ok());
  }
  EXPECT_EQ(server->connections(), 1);
}

TEST(CurlTransportTest, ConnectionRefusedIsUnavailable) {
  auto server = Serve([](const ReceivedRequest&) { return Ok(""); });
  const std::string url = server->url() + "/k";
  server->Stop();
  auto response = Transport()->Send(Request("GET", url), "", {});
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status().ToString();
  EXPECT_NE(response.status().message().find("GET http://127.0.0.1"), std::string::npos);
}

TEST(CurlTransportTest, DroppedConnectionIsUnavailable) {
  auto server = Serve([](const ReceivedRequest&) {
    CannedResponse r;
    r.drop_connection = true;
    return r;
  });
  auto response = Transport()->Send(Request("GET", server->url() + "/k"), "", {});
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status().ToString();
}

TEST(CurlTransportTest, DeadlineIsDeadlineExceeded) {
  auto server = Serve([](const ReceivedRequest&) {
    CannedResponse r;
    r.delay = std::chrono::seconds(5);
    return r;
  });
  TransportCallOptions options;
  options.deadline = Deadline::After(std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  auto response = Transport()->Send(Request("GET", server->url() + "/k"), "", options);
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded) << response.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(CurlTransportTest, StalledServerTripsTheLowSpeedLimit) {
  auto server = Serve([](const ReceivedRequest&) {
    CannedResponse r;
    r.delay = std::chrono::seconds(10);
    return r;
  });
  TransportCallOptions options;
  options.low_speed_time = std::chrono::seconds(1);
  const auto start = std::chrono::steady_clock::now();
  auto response = Transport()->Send(Request("PUT", server->url() + "/k"), "body", options);
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded) << response.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(CurlTransportTest, CancelStopsARunningRequest) {
  auto server = Serve([](const ReceivedRequest&) {
    CannedResponse r;
    r.delay = std::chrono::seconds(10);
    return r;
  });
  TransportCallOptions options;
  std::thread canceller([cancel = options.cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.Cancel();
  });
  auto response = Transport()->Send(Request("GET", server->url() + "/k"), "", options);
  canceller.join();
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled) << response.status().ToString();
}

TEST(CurlTransportTest, BodySinkReceivesSuccessfulBodies) {
  const Bytes big(2 * 1024 * 1024 + 17, 'b');
  auto server = Serve([&](const ReceivedRequest& r) {
    return r.path == "/missing" ? testing::S3Error(404, "NoSuchKey") : Ok(big);
  });
  Bytes streamed;
  TransportCallOptions options;
  options.body_sink = [&](ByteView piece) {
    streamed.append(piece);
    return OkStatus();
  };
  auto transport = Transport();
  auto response = transport->Send(Request("GET", server->url() + "/k"), "", options);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body, "");
  EXPECT_TRUE(streamed == big);
  // An error document is kept, not streamed.
  streamed.clear();
  auto missing = transport->Send(Request("GET", server->url() + "/missing"), "", options);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(streamed, "");
  EXPECT_NE(missing->body.find("NoSuchKey"), std::string::npos);
  // A sink error stops the transfer and is returned.
  options.body_sink = [](ByteView) { return DataLossError("disk full"); };
  auto failed = transport->Send(Request("GET", server->url() + "/k"), "", options);
  EXPECT_EQ(failed.status().code(), StatusCode::kDataLoss) << failed.status().ToString();
}

TEST(CurlTransportTest, BodyOverLimitIsResourceExhausted) {
  auto server = Serve([](const ReceivedRequest&) { return Ok(Bytes(100'000, 'z')); });
  TransportCallOptions options;
  options.max_body_bytes = 1000;
  auto response = Transport()->Send(Request("GET", server->url() + "/k"), "", options);
  EXPECT_EQ(response.status().code(), StatusCode::kResourceExhausted) << response.status().ToString();
}

// A plain-text server that answers anything with an HTTP error line: a TLS client reads
// that as a broken handshake.
TEST(CurlTransportTest, TlsFailureIsFailedPreconditionWithHint) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::thread plain([fd] {
    const int conn = accept(fd, nullptr, nullptr);
    if (conn < 0) return;
    const std::string_view reply = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    if (send(conn, reply.data(), reply.size(), MSG_NOSIGNAL) < 0) ADD_FAILURE() << "send";
    close(conn);
  });
  const std::string url = "https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/k";
  auto response = Transport()->Send(Request("GET", url), "", {});
  plain.join();
  close(fd);
  EXPECT_EQ(response.status().code(), StatusCode::kFailedPrecondition)
      << response.status().ToString();
  EXPECT_NE(response.status().message().find("CA bundle"), std::string::npos);
}

TEST(CurlTransportTest, MissingCaBundleIsInvalidArgument) {
  CurlTransportOptions options;
  options.ca_bundle = "/nonexistent/ca.pem";
  EXPECT_EQ(CurlTransport::Create(options).status().code(), StatusCode::kInvalidArgument);
}

TEST(CurlTransportTest, FromCurlOkIsOk) { EXPECT_TRUE(FromCurl(0, "GET u", "").ok()); }

TEST(HttpTransportTest, RedactedForLogHidesCredentials) {
  HttpRequest r = Request("GET", "https://h/b/k?X-Amz-Signature=abc&X-Amz-Security-Token=t");
  r.headers = {{"host", "h"},
               {"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/.., Signature=deadbeef"},
               {"x-amz-security-token", "SESSIONTOKEN"},
               {"x-amz-date", "20240101T000000Z"}};
  const std::string text = RedactedForLog(r);
  EXPECT_EQ(text.find("deadbeef"), std::string::npos) << text;
  EXPECT_EQ(text.find("SESSIONTOKEN"), std::string::npos) << text;
  EXPECT_EQ(text.find("X-Amz-Signature"), std::string::npos) << text;
  EXPECT_NE(text.find("x-amz-date: 20240101T000000Z"), std::string::npos) << text;
  EXPECT_NE(text.find("GET https://h/b/k"), std::string::npos) << text;
}

TEST(HttpTransportTest, ParsesHttpDates) {
  auto t = ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, 784111777000);
  EXPECT_FALSE(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT").ok());
  EXPECT_FALSE(ParseHttpDate("Sun, 31 Feb 1994 08:49:37 GMT").ok());
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT").ok());
  EXPECT_FALSE(ParseHttpDate("").ok());
}

}  // namespace
}  // namespace strata::s3
