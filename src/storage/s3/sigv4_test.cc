#include "storage/s3/sigv4.h"

#include <gtest/gtest.h>

#include <chrono>

namespace strata::s3 {
namespace {

using std::chrono::sys_days;
using std::chrono::system_clock;
using namespace std::chrono_literals;

const system_clock::time_point kTime = sys_days(std::chrono::year(2013) / 5 / 24);
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kToken = "FQoGZXIvYXdzEXAMPLE/token+with=chars";

Credentials Keys() {
  return Credentials{"AKIAIOSFODNN7EXAMPLE", std::string(kSecret), std::nullopt, std::nullopt};
}

SigningRequest Get(std::string path) {
  return SigningRequest{"GET", std::move(path), {}, {{"Host", "examplebucket.s3.amazonaws.com"}},
                        std::string(kEmptyPayloadSha256)};
}

const SignerConfig kS3{.region = "us-east-1"};

TEST(UriEncodingTest, EncodesAllButUnreserved) {
  EXPECT_EQ(UriEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a b+c=d&e/f", false), "a%20b%2Bc%3Dd%26e%2Ff");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("!'()*$", true), "%21%27%28%29%2A%24");
  EXPECT_EQ(UriEncode("\xe1\x88\xb4", true), "%E1%88%B4");
  EXPECT_EQ(UriEncode(std::string_view("\0", 1), true), "%00");
}

TEST(UriEncodingTest, PercentDecodeKeepsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("a%20b%2fc%2F"), "a b/c/");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
}

TEST(CanonicalUriTest, S3EncodesOnceAndDoesNotNormalize) {
  EXPECT_EQ(CanonicalUri("/bkt/my key//./../x", UriEncoding::kS3), "/bkt/my%20key//./../x");
  // A path built with UriEncode signs as itself.
  EXPECT_EQ(CanonicalUri("/bkt/a%20b%2Bc%24", UriEncoding::kS3), "/bkt/a%20b%2Bc%24");
  // Lowercase escapes and unencoded reserved bytes become the canonical form.
  EXPECT_EQ(CanonicalUri("/bkt/a%2bc$", UriEncoding::kS3), "/bkt/a%2Bc%24");
}

TEST(CanonicalUriTest, GenericNormalizesAndEncodesAgain) {
  EXPECT_EQ(CanonicalUri("/a%20b", UriEncoding::kDoubleEncode), "/a%2520b");
  EXPECT_EQ(CanonicalUri("//a/./b/../c//", UriEncoding::kDoubleEncode), "/a/c/");
  EXPECT_EQ(CanonicalUri("/a/..", UriEncoding::kDoubleEncode), "/");
  EXPECT_EQ(CanonicalUri("/", UriEncoding::kDoubleEncode), "/");
}

TEST(CanonicalQueryStringTest, SortsByEncodedNameThenValue) {
  EXPECT_EQ(CanonicalQueryString({}), "");
  EXPECT_EQ(CanonicalQueryString({{"prefix", "J"}, {"max-keys", "2"}}), "max-keys=2&prefix=J");
  EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"b", "1"}, {"a", ""}}), "a=&b=1&b=2");
  EXPECT_EQ(CanonicalQueryString({{"uploadId", "a/b+c=="}, {"partNumber", "2"}}),
            "partNumber=2&uploadId=a%2Fb%2Bc%3D%3D");
  // Sorting is by the encoded bytes: '%' (0x25) sorts before letters.
  EXPECT_EQ(CanonicalQueryString({{"a", "x"}, {" ", "y"}}), "%20=y&a=x");
}

TEST(FormatAmzDateTest, FormatsUtcAndRejectsOutOfRange) {
  EXPECT_EQ(*FormatAmzDate(kTime), "20130524T000000Z");
  EXPECT_EQ(*FormatAmzDate(kTime + 23h + 59min + 59s + 999ms), "20130524T235959Z");
  EXPECT_EQ(*FormatAmzDate(system_clock::time_point{}), "19700101T000000Z");
  EXPECT_EQ(FormatAmzDate(system_clock::time_point{} - 1s).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(SignRequestTest, AddsS3HeadersInOrder) {
  Result<SigningResult> r = SignRequest(Get("/test.txt"), kS3, Keys(), kTime);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->headers.size(), 3u);
  EXPECT_EQ(r->headers[0].name, "Authorization");
  EXPECT_EQ(r->headers[0].value, r->authorization);
  EXPECT_EQ(r->headers[1], (HttpHeader{"x-amz-date", "20130524T000000Z"}));
  EXPECT_EQ(r->headers[2], (HttpHeader{"x-amz-content-sha256", std::string(kEmptyPayloadSha256)}));
  EXPECT_EQ(r->signed_headers, "host;x-amz-content-sha256;x-amz-date");
  EXPECT_EQ(r->amz_date, "20130524T000000Z");
  EXPECT_EQ(r->signature.size(), 64u);
}

TEST(SignRequestTest, SessionTokenIsSignedForS3) {
  Credentials c = Keys();
  c.session_token = std::string(kToken);
  Result<SigningResult> r = SignRequest(Get("/k"), kS3, c, kTime);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signed_headers, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  EXPECT_EQ(r->headers.back(), (HttpHeader{"x-amz-security-token", std::string(kToken)}));
  Result<SigningResult> without = SignRequest(Get("/k"), kS3, Keys(), kTime);
  EXPECT_NE(r->signature, without->signature);
}

TEST(SignRequestTest, SecretNeverAppearsInTheResult) {
  Result<SigningResult> r = SignRequest(Get("/k"), kS3, Keys(), kTime);
  ASSERT_TRUE(r.ok());
  for (const std::string& s : {r->authorization, r->canonical_request, r->string_to_sign}) {
    EXPECT_EQ(s.find(kSecret), std::string::npos);
  }
  for (const HttpHeader& h : r->headers) EXPECT_EQ(h.value.find(kSecret), std::string::npos);
}

TEST(SignRequestTest, UnsignedPayloadAndQuery) {
  SigningRequest req = Get("/k");
  req.payload_hash = std::string(kUnsignedPayload);
  req.query = {{"uploadId", "x/y"}, {"partNumber", "3"}};
  Result<SigningResult> r = SignRequest(req, kS3, Keys(), kTime);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->canonical_request.starts_with("GET\n/k\npartNumber=3&uploadId=x%2Fy\n"));
  EXPECT_TRUE(r->canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
}

TEST(SignRequestTest, RejectsMalformedRequests) {
  auto code = [](SigningRequest req, SignerConfig config = kS3, Credentials c = Keys()) {
    return SignRequest(req, config, c, kTime).status().code();
  };
  SigningRequest no_host = Get("/k");
  no_host.headers = {{"Range", "bytes=0-9"}};
  EXPECT_EQ(code(no_host), StatusCode::kInvalidArgument);
  for (const char* owned : {"Authorization", "X-Amz-Date", "x-amz-security-token",
                            "X-Amz-Content-SHA256"}) {
    SigningRequest r = Get("/k");
    r.headers.push_back({owned, "v"});
    EXPECT_EQ(code(r), StatusCode::kInvalidArgument) << owned;
  }
  SigningRequest injected = Get("/k");
  injected.headers.push_back({"x-amz-meta-a", "v\r\nX-Evil: 1"});
  EXPECT_EQ(code(injected), StatusCode::kInvalidArgument);
  SigningRequest bad_name = Get("/k");
  bad_name.headers.push_back({"bad name", "v"});
  EXPECT_EQ(code(bad_name), StatusCode::kInvalidArgument);
  SigningRequest bad_hash = Get("/k");
  bad_hash.payload_hash = "E3B0";
  EXPECT_EQ(code(bad_hash), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Get("k")), StatusCode::kInvalidArgument);
  SigningRequest bad_method = Get("/k");
  bad_method.method = "";
  EXPECT_EQ(code(bad_method), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Get("/k"), SignerConfig{.region = ""}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Get("/k"), SignerConfig{.region = "us/east"}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Get("/k"), kS3, Credentials{}), StatusCode::kUnauthenticated);
}

TEST(SignRequestTest, ErrorMessagesDoNotEchoHeaderValues) {
  SigningRequest req = Get("/k");
  req.headers.push_back({"x-amz-meta-secret", std::string(kSecret) + "\n"});
  Status s = SignRequest(req, kS3, Keys(), kTime).status();
  EXPECT_EQ(s.message().find(kSecret), std::string::npos);
}

TEST(PresignTest, ValidatesExpiry) {
  PresignRequest req{"GET", "/k", {}, {{"host", "b.s3.amazonaws.com"}}, 0s};
  EXPECT_EQ(Presign(req, kS3, Keys(), kTime).status().code(), StatusCode::kInvalidArgument);
  req.expires = kMaxPresignExpiry + 1s;
  EXPECT_EQ(Presign(req, kS3, Keys(), kTime).status().code(), StatusCode::kInvalidArgument);
  req.expires = kMaxPresignExpiry;
  Result<PresignResult> r = Presign(req, kS3, Keys(), kTime);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->query_string.find("X-Amz-Expires=604800"), std::string::npos);
}

TEST(PresignTest, RejectsReservedQueryParameters) {
  PresignRequest req{"GET", "/k", {{"X-Amz-Signature", "x"}}, {{"host", "h"}}, 60s};
  EXPECT_EQ(Presign(req, kS3, Keys(), kTime).status().code(), StatusCode::kInvalidArgument);
}

TEST(PresignTest, SignsSessionTokenAndEndsWithSignature) {
  Credentials c = Keys();
  c.session_token = std::string(kToken);
  PresignRequest req{"PUT", "/bkt/a%20b", {{"partNumber", "1"}}, {{"host", "h"}}, 900s};
  Result<PresignResult> r = Presign(req, kS3, c, kTime);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->canonical_request.find(
                "X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE%2Ftoken%2Bwith%3Dchars"),
            std::string::npos);
  EXPECT_TRUE(r->query_string.ends_with("&X-Amz-Signature=" + r->signature));
  EXPECT_TRUE(r->query_string.starts_with("X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
  EXPECT_EQ(r->query.back(), (QueryParam{"X-Amz-Signature", r->signature}));
  EXPECT_EQ(r->query_string.find(kSecret), std::string::npos);
}

TEST(SigV4SignerTest, UsesTheInjectedClock) {
  int calls = 0;
  SigV4Signer signer(kS3, [&calls] {
    ++calls;
    return kTime + 36h;
  });
  Result<SigningResult> r = signer.Sign(Get("/k"), Keys());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->amz_date, "20130525T120000Z");
  EXPECT_EQ(calls, 1);
  Result<SigningResult> direct = SignRequest(Get("/k"), kS3, Keys(), kTime + 36h);
  EXPECT_EQ(r->authorization, direct->authorization);
  PresignRequest p{"GET", "/k", {}, {{"host", "h"}}, 60s};
  Result<PresignResult> url = signer.Presign(p, Keys());
  ASSERT_TRUE(url.ok());
  EXPECT_NE(url->query_string.find("X-Amz-Date=20130525T120000Z"), std::string::npos);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(signer.config().region, "us-east-1");
}

}  // namespace
}  // namespace strata::s3
