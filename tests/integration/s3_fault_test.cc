// Faults between strata's S3 client and a real server. After each one the caller gets a
// clear error or a successful retry, never a visible half-written object, and an
// aborted upload leaves no parts behind.
//
//   * injected 503 SlowDown answers and dropped connections (an in-process proxy in
//     front of the shared versitygw) -> retried, everything succeeds;
//   * a body corrupted on the way -> the server's checksum check refuses it (DataLoss);
//   * the server hung (SIGSTOP) or killed in the middle of a multipart upload -> a clear
//     error, no object, and after Abort no upload in ListMultipartUploads.
// The hang and kill tests run a versitygw of their own (VersitygwProcess), so the shared
// stack other tests use in parallel is never disturbed.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/s3/curl_transport.h"
#include "storage/s3/test_http_server.h"
#include "tests/integration/s3_stack_store.h"
#include "tests/integration/stack_env.h"
#include "tests/integration/versitygw_process.h"

namespace strata::s3 {
namespace {

using storage::ObjectKey;
using testing::CannedResponse;
using testing::ReceivedRequest;

constexpr std::size_t kMiB = 1 << 20;

Bytes Data(std::size_t size, unsigned seed) {
  Bytes out(size, '\0');
  uint32_t x = seed * 2654435761u + 7;
  for (std::size_t i = 0; i < size; ++i) {
    x = x * 1664525u + 1013904223u;
    out[i] = static_cast<char>(x >> 24);
  }
  return out;
}

// Forwards requests to `upstream` unchanged (Host included, so signatures stay valid),
// unless `fault` answers first.
class FaultProxy {
 public:
  using Fault = std::function<std::optional<CannedResponse>(ReceivedRequest&, int n)>;

  FaultProxy(std::string upstream, Fault fault)
      : upstream_(std::move(upstream)), fault_(std::move(fault)) {
    transport_ = std::move(CurlTransport::Create()).value();
    server_ = std::move(testing::TestHttpServer::Start(
                            [this](const ReceivedRequest& r) { return Forward(r); }))
                  .value();
  }
  std::string url() const { return server_->url(); }
  int faults() const { return faults_.load(); }

 private:
  CannedResponse Forward(const ReceivedRequest& received) {
    ReceivedRequest r = received;
    if (std::optional<CannedResponse> injected = fault_(r, ++count_)) {
      ++faults_;
      return *injected;
    }
    HttpRequest out;
    out.method = r.method;
    out.url = upstream_ + r.target;
    for (const HttpHeader& h : r.headers) {
      if (h.name != "content-length" && h.name != "expect") out.headers.push_back(h);
    }
    CannedResponse answer;
    auto response = transport_->Send(out, r.body, {});
    if (!response.ok()) {
      answer.drop_connection = true;
      return answer;
    }
    answer.status = response->status;
    for (const HttpHeader& h : response->headers) {
      if (h.name == "content-length" && r.method == "HEAD") {
        answer.head_content_length = std::stoull(h.value);
      } else if (h.name != "content-length" && h.name != "transfer-encoding" &&
                 h.name != "connection") {
        answer.headers.push_back(h);
      }
    }
    answer.body = std::move(response->body);
    return answer;
  }

  const std::string upstream_;
  const Fault fault_;
  std::unique_ptr<CurlTransport> transport_;
  std::unique_ptr<testing::TestHttpServer> server_;
  std::atomic<int> count_{0};
  std::atomic<int> faults_{0};
};

S3Config ThroughProxy(const FaultProxy& proxy) {
  S3Config config = ::strata::testing::StackS3Config(::strata::testing::kVersitygw);
  config.endpoint = proxy.url();
  config.retry.max_attempts = 6;
  config.retry.initial_backoff = std::chrono::milliseconds(20);
  return config;
}

TEST(S3FaultTest, InjectedServerErrorsAndResetsAreRetried) {
  FaultProxy proxy(::strata::testing::StackEnv::Get().Require(::strata::testing::kVersitygw),
                   [](ReceivedRequest&, int n) -> std::optional<CannedResponse> {
                     if (n % 3 == 0) return testing::S3Error(503, "SlowDown", "Reduce rate");
                     if (n % 7 == 0) {
                       CannedResponse drop;
                       drop.drop_connection = true;
                       return drop;
                     }
                     return std::nullopt;
                   });
  auto store = ::strata::testing::OpenOrFail(::strata::testing::FreshUrl("faults"),
                                             ThroughProxy(proxy));
  ASSERT_NE(store, nullptr);
  const Bytes big = Data(17 * kMiB + 5, 1);
  for (int i = 0; i < 5; ++i) {
    const ObjectKey key("small/" + std::to_string(i));
    ASSERT_TRUE(store->Put(key, "value " + std::to_string(i)).ok());
    auto got = store->Get(key);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, "value " + std::to_string(i));
  }
  auto writer = store->NewWriter(ObjectKey("big"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(big).ok());
  auto info = (*writer)->Commit();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  auto all = storage::ListAll(*store, "");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), 6u);
  auto got = store->Get(ObjectKey("big"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == big);
  EXPECT_GT(proxy.faults(), 5);
  ::strata::testing::DeleteAll(*store);
}

TEST(S3FaultTest, BodyCorruptedOnTheWayIsRefusedByTheServer) {
  FaultProxy proxy(::strata::testing::StackEnv::Get().Require(::strata::testing::kVersitygw),
                   [](ReceivedRequest& r, int) -> std::optional<CannedResponse> {
                     if (r.method == "PUT" && !r.body.empty()) r.body[r.body.size() / 2] ^= 1;
                     return std::nullopt;
                   });
  auto store = ::strata::testing::OpenOrFail(::strata::testing::FreshUrl("corrupt"),
                                             ThroughProxy(proxy));
  ASSERT_NE(store, nullptr);
  Status s = store->Put(ObjectKey("k"), "precious bytes");
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_NE(s.message().find("BadDigest"), std::string::npos) << s.ToString();
  EXPECT_EQ(store->Head(ObjectKey("k")).status().code(), StatusCode::kNotFound);
}

// A store on a private server that gives up quickly: a stalled request is abandoned
// after 2 s, and each request is tried twice.
std::unique_ptr<S3Store> QuickStore(const ::strata::testing::VersitygwProcess& gw) {
  S3Config config = ::strata::testing::StackS3Config(::strata::testing::kVersitygw);
  config.endpoint = gw.endpoint();
  config.parallel_parts = 2;
  config.low_speed_time = std::chrono::seconds(2);
  config.connect_timeout = std::chrono::seconds(2);
  config.retry.max_attempts = 2;
  config.retry.initial_backoff = std::chrono::milliseconds(50);
  return ::strata::testing::OpenOrFail("s3://faults/x", config);
}

std::unique_ptr<::strata::testing::VersitygwProcess> PrivateServer() {
  auto gw = ::strata::testing::VersitygwProcess::Start("faults");
  if (!gw.ok()) {
    ADD_FAILURE() << gw.status().ToString();
    return nullptr;
  }
  return std::move(gw).value();
}

// Waits until no multipart upload is left (a server may finish a cut-off part late).
bool NoUploadsLeft(const S3Store& store) {
  for (int i = 0; i < 20; ++i) {
    auto uploads = store.ListUploads();
    if (uploads.ok() && uploads->empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

TEST(S3FaultTest, HungServerMidMultipartGivesAClearErrorAndLeavesNothing) {
  auto gw = PrivateServer();
  ASSERT_NE(gw, nullptr);
  auto store = QuickStore(*gw);
  ASSERT_NE(store, nullptr);
  auto writer = store->NewWriter(ObjectKey("hung.bin"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(Data(6 * kMiB, 2)).ok());  // part 1 goes out
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  gw->Pause();
  Status appended = (*writer)->Append(Data(12 * kMiB, 3));
  Result<storage::ObjectInfo> committed =
      appended.ok() ? (*writer)->Commit() : Result<storage::ObjectInfo>(appended);
  gw->Resume();
  ASSERT_FALSE(committed.ok());
  const Status& s = committed.status();
  EXPECT_TRUE(s.code() == StatusCode::kDeadlineExceeded || s.code() == StatusCode::kAborted)
      << s.ToString();
  EXPECT_NE(s.message().find("did not answer in time"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("hung.bin"), std::string::npos) << s.ToString();
  (*writer)->Abort();  // again, now that the server answers
  EXPECT_EQ(store->Head(ObjectKey("hung.bin")).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(NoUploadsLeft(*store));
  // The server is fine afterwards.
  EXPECT_TRUE(store->Put(ObjectKey("after"), "ok").ok());
}

TEST(S3FaultTest, HungServerDuringPutIsDeadlineExceededThenRecovers) {
  auto gw = PrivateServer();
  ASSERT_NE(gw, nullptr);
  auto store = QuickStore(*gw);
  ASSERT_NE(store, nullptr);
  gw->Pause();
  Status s = store->Put(ObjectKey("k"), Data(kMiB, 4));
  gw->Resume();
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded) << s.ToString();
  EXPECT_NE(s.message().find("gave up after 2 attempts"), std::string::npos) << s.ToString();
  EXPECT_TRUE(store->Put(ObjectKey("k"), "now").ok());
}

TEST(S3FaultTest, KilledServerMidMultipartGivesAClearErrorAndAbortCleansUpLater) {
  auto gw = PrivateServer();
  ASSERT_NE(gw, nullptr);
  auto store = QuickStore(*gw);
  ASSERT_NE(store, nullptr);
  auto writer = store->NewWriter(ObjectKey("killed.bin"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(Data(11 * kMiB, 5)).ok());  // parts 1 and 2 go out
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  gw->Kill();
  Status appended = (*writer)->Append(Data(6 * kMiB, 6));
  Result<storage::ObjectInfo> committed =
      appended.ok() ? (*writer)->Commit() : Result<storage::ObjectInfo>(appended);
  ASSERT_FALSE(committed.ok());
  const Status& s = committed.status();
  EXPECT_TRUE(s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kAborted)
      << s.ToString();
  EXPECT_NE(s.message().find("is the server running"), std::string::npos) << s.ToString();
  // The server comes back with the upload it had started; Abort now removes it.
  ASSERT_TRUE(gw->Restart().ok());
  (*writer)->Abort();
  EXPECT_EQ(store->Head(ObjectKey("killed.bin")).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(NoUploadsLeft(*store));
}

}  // namespace
}  // namespace strata::s3
