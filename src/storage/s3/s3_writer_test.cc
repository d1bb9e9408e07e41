// S3Writer (multipart upload) against an in-process server that plays the multipart API:
// part checksums, parallelism and its memory bound, Complete's 200-with-Error answer,
// and that every failure path aborts the upload.
#include "storage/s3/s3_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>

#include "storage/s3/crc32c.h"
#include "storage/s3/s3_test_support.h"

namespace strata::s3 {
namespace {

using storage::ObjectKey;
using storage::WriteOptions;
using testing::CannedResponse;
using testing::Ok;
using testing::ReceivedRequest;
using testing::S3Error;
using testing::TestConfig;
using testing::Xml;

constexpr std::size_t kPart = kMinPartSize;

// Plays CreateMultipartUpload / UploadPart / Complete / Abort / PutObject. Each hook may
// replace an answer.
class FakeMultipart {
 public:
  std::function<std::optional<CannedResponse>(const ReceivedRequest&, int part)> on_part;
  std::function<std::optional<CannedResponse>(const ReceivedRequest&, int attempt)> on_complete;
  std::chrono::milliseconds part_delay{0};

  CannedResponse Handle(const ReceivedRequest& r) {
    if (r.method == "POST" && r.Query("uploads")) {
      return Xml(200, "<InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>k</Key>"
                      "<UploadId>UP-1</UploadId></InitiateMultipartUploadResult>");
    }
    if (r.method == "PUT" && r.Query("partNumber")) {
      const int part = std::stoi(*r.Query("partNumber"));
      const int now = ++in_flight_;
      for (int seen = max_in_flight_; now > seen && !max_in_flight_.compare_exchange_weak(seen, now);) {
      }
      std::this_thread::sleep_for(part_delay);
      --in_flight_;
      if (on_part) {
        if (auto answer = on_part(r, part)) return *answer;
      }
      if (r.Header("x-amz-checksum-crc32c") != Crc32cHeaderValue(Crc32c(r.body))) {
        return S3Error(400, "BadDigest");
      }
      std::lock_guard lock(mu_);
      parts_[part] = r.body;
      return Ok("", {{"ETag", "\"etag-" + std::to_string(part) + "\""}});
    }
    if (r.method == "POST" && r.Query("uploadId")) {
      const int attempt = ++completes_;
      if (on_complete) {
        if (auto answer = on_complete(r, attempt)) return *answer;
      }
      return Xml(200, "<CompleteMultipartUploadResult><ETag>\"final-2\"</ETag>"
                      "</CompleteMultipartUploadResult>");
    }
    if (r.method == "DELETE" && r.Query("uploadId")) {
      ++aborts_;
      CannedResponse c = Ok();
      c.status = 204;
      return c;
    }
    if (r.method == "PUT") {
      std::lock_guard lock(mu_);
      single_put_ = r.body;
      return Ok("", {{"ETag", "\"single\""}});
    }
    return S3Error(400, "InvalidRequest");
  }

  Bytes Assembled() {
    std::lock_guard lock(mu_);
    Bytes out;
    for (auto& [n, data] : parts_) out += data;
    return out;
  }
  int aborts() const { return aborts_.load(); }
  int completes() const { return completes_.load(); }
  int max_in_flight() const { return max_in_flight_.load(); }
  std::optional<Bytes> single_put() {
    std::lock_guard lock(mu_);
    return single_put_;
  }

 private:
  std::mutex mu_;
  std::map<int, Bytes> parts_;
  std::optional<Bytes> single_put_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  std::atomic<int> completes_{0};
  std::atomic<int> aborts_{0};
};

struct Harness {
  FakeMultipart fake;
  std::unique_ptr<testing::TestHttpServer> server;
  std::unique_ptr<S3Store> store;

  explicit Harness(int parallel = 4) {
    server = testing::Serve([this](const ReceivedRequest& r) { return fake.Handle(r); });
    S3Config config = TestConfig(*server);
    config.parallel_parts = parallel;
    store = testing::OpenTestStore("s3://bkt", config);
  }
  std::unique_ptr<storage::ObjectWriter> Writer(WriteOptions options = {}) {
    auto w = store->NewWriter(ObjectKey("k"), options);
    STRATA_CHECK(w.ok(), w.status().ToString());
    return std::move(w).value();
  }
};

Bytes Data(std::size_t size) {
  Bytes out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 131) >> 3);
  return out;
}

TEST(S3WriterTest, LargeObjectGoesUpInChecksummedParts) {
  Harness h;
  const Bytes data = Data(3 * kPart + 12345);
  auto w = h.Writer();
  for (std::size_t off = 0; off < data.size(); off += 1 << 20) {
    ASSERT_TRUE(w->Append(ByteView(data).substr(off, 1 << 20)).ok());
  }
  auto info = w->Commit();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, data.size());
  EXPECT_EQ(info->etag, "final-2");
  EXPECT_EQ(info->key, "k");
  EXPECT_TRUE(h.fake.Assembled() == data);
  EXPECT_EQ(h.fake.aborts(), 0);
  // The completion lists the four parts in order with their checksums.
  for (const ReceivedRequest& r : h.server->requests()) {
    if (r.method != "POST" || !r.Query("uploadId")) continue;
    EXPECT_NE(r.body.find("<PartNumber>4</PartNumber><ETag>&quot;etag-4&quot;</ETag>"),
              std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find("<ChecksumCRC32C>"), std::string::npos);
  }
}

TEST(S3WriterTest, SmallObjectIsASinglePutOnCommit) {
  Harness h;
  auto w = h.Writer();
  ASSERT_TRUE(w->Append("small").ok());
  EXPECT_TRUE(h.server->requests().empty());  // nothing sent before Commit
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(h.fake.single_put(), "small");
  EXPECT_EQ(h.server->requests().size(), 1u);
}

TEST(S3WriterTest, ParallelPartsAreBoundedByTheLimit) {
  Harness h(/*parallel=*/2);
  h.fake.part_delay = std::chrono::milliseconds(100);
  auto w = h.Writer();
  const Bytes part = Data(kPart);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(w->Append(part).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_GE(h.fake.max_in_flight(), 1);
  // Two buffers in all: while one is being filled at most one more is uploading, and
  // when both are uploading Append waits.
  EXPECT_LE(h.fake.max_in_flight(), 2);
}

TEST(S3WriterTest, CompleteAnswering200WithErrorIsRetried) {
  Harness h;
  h.fake.on_complete = [](const ReceivedRequest&, int attempt) -> std::optional<CannedResponse> {
    if (attempt > 1) return std::nullopt;
    return Xml(200, "\n  <Error><Code>InternalError</Code><Message>We encountered an internal "
                    "error. Please try again.</Message><RequestId>R1</RequestId></Error>");
  };
  auto w = h.Writer();
  ASSERT_TRUE(w->Append(Data(kPart + 1)).ok());
  auto info = w->Commit();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(h.fake.completes(), 2);
  EXPECT_EQ(h.fake.aborts(), 0);
}

TEST(S3WriterTest, CompleteFailingFor200WithPermanentErrorAborts) {
  Harness h;
  h.fake.on_complete = [](const ReceivedRequest&, int) -> std::optional<CannedResponse> {
    return Xml(200, "<Error><Code>InvalidPart</Code><Message>bad part</Message></Error>");
  };
  auto w = h.Writer();
  ASSERT_TRUE(w->Append(Data(kPart + 1)).ok());
  auto info = w->Commit();
  EXPECT_EQ(info.status().code(), StatusCode::kInvalidArgument) << info.status().ToString();
  EXPECT_NE(info.status().message().find("InvalidPart"), std::string::npos);
  EXPECT_EQ(h.fake.aborts(), 1);
}

TEST(S3WriterTest, CreateOnlyCompleteRefusedIsAlreadyExistsAndAborts) {
  Harness h;
  h.fake.on_complete = [](const ReceivedRequest& r, int) -> std::optional<CannedResponse> {
    EXPECT_EQ(r.Header("if-none-match"), "*");
    return S3Error(412, "PreconditionFailed");
  };
  auto w = h.Writer(WriteOptions{.if_absent = true});
  ASSERT_TRUE(w->Append(Data(kPart + 1)).ok());
  EXPECT_EQ(w->Commit().status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(h.fake.aborts(), 1);
}

TEST(S3WriterTest, PartThatFailsForGoodBreaksTheWriterAndAborts) {
  Harness h;
  h.fake.on_part = [](const ReceivedRequest&, int part) -> std::optional<CannedResponse> {
    if (part == 2) return S3Error(503, "SlowDown");
    return std::nullopt;
  };
  auto w = h.Writer();
  Status s = OkStatus();
  for (int i = 0; i < 8 && s.ok(); ++i) s = w->Append(Data(kPart));
  Result<storage::ObjectInfo> info = s.ok() ? w->Commit() : Result<storage::ObjectInfo>(s);
  EXPECT_FALSE(info.ok());
  // A lost part is never reported as transient from Append (its bytes were taken).
  if (!s.ok()) {
    EXPECT_EQ(s.code(), StatusCode::kAborted) << s.ToString();
  }
  EXPECT_NE(info.status().message().find("SlowDown"), std::string::npos)
      << info.status().ToString();
  if (s.ok()) {
    EXPECT_GE(h.fake.aborts(), 1);
  }
  w->Abort();
  // Once, or twice when part requests had to be cut off (see S3Writer::Abort).
  EXPECT_GE(h.fake.aborts(), 1);
  EXPECT_EQ(h.fake.completes(), 0);
}

TEST(S3WriterTest, DestroyedWriterAbortsItsUpload) {
  Harness h;
  {
    auto w = h.Writer();
    ASSERT_TRUE(w->Append(Data(2 * kPart + 1)).ok());
  }
  EXPECT_GE(h.fake.aborts(), 1);
  EXPECT_EQ(h.fake.completes(), 0);
}

TEST(S3WriterTest, NoAppendOrCommitAfterCommitOrAbort) {
  Harness h;
  auto w = h.Writer();
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(w->Append("x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(w->Commit().status().code(), StatusCode::kFailedPrecondition);
  auto aborted = h.Writer();
  aborted->Abort();
  EXPECT_EQ(aborted->Commit().status().code(), StatusCode::kFailedPrecondition);
}

TEST(S3WriterTest, CancelledWriterStopsAndAborts) {
  Harness h;
  h.fake.part_delay = std::chrono::milliseconds(50);
  storage::CallOptions call;
  auto w = h.store->NewWriter(ObjectKey("k"), {}, call);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append(Data(2 * kPart)).ok());
  call.cancel.Cancel();
  EXPECT_EQ((*w)->Append("more").code(), StatusCode::kCancelled);
  EXPECT_EQ((*w)->Commit().status().code(), StatusCode::kCancelled);
  EXPECT_GE(h.fake.aborts(), 1);
}

}  // namespace
}  // namespace strata::s3
