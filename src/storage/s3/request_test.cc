#include "storage/s3/request.h"

#include <gtest/gtest.h>

#include <chrono>

namespace strata::s3 {
namespace {

Endpoint Aws() { return Endpoint::ForAwsRegion("us-east-1"); }

Endpoint Minio() { return *Endpoint::Parse("http://minio.local:9000"); }

RequestBuilder Builder(Endpoint e, std::string bucket,
                       AddressingStyle style = AddressingStyle::kAuto) {
  Result<RequestBuilder> b = RequestBuilder::Create(std::move(e), std::move(bucket), style);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return *b;
}

std::string HeaderValue(const HttpRequest& r, std::string_view name) {
  for (const HttpHeader& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "<absent>";
}

TEST(EndpointTest, Parse) {
  Result<Endpoint> e = Endpoint::Parse("HTTPS://S3.EU-West-1.amazonaws.com/");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, (Endpoint{"https", "s3.eu-west-1.amazonaws.com", std::nullopt}));
  EXPECT_EQ(*Endpoint::Parse("http://127.0.0.1:9000"), (Endpoint{"http", "127.0.0.1", 9000}));
  EXPECT_EQ(*Endpoint::Parse("http://[::1]:9000"), (Endpoint{"http", "[::1]", 9000}));
  EXPECT_EQ(*Endpoint::Parse("https://[fd00::5]"), (Endpoint{"https", "[fd00::5]", std::nullopt}));
  for (std::string_view bad :
       {"minio:9000", "ftp://host", "https://", "https://host/prefix", "https://u:p@host",
        "https://host?x=1", "http://host:", "http://host:0", "http://host:65536",
        "http://host:9x", "http://[::1", "http://[::1]x", "http://[::1]:", "http://ho st"}) {
    EXPECT_EQ(Endpoint::Parse(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(AddressingTest, AutoPicksVirtualHostedOnlyForAwsAndDnsNames) {
  EXPECT_EQ(Builder(Aws(), "examplebucket").style(), AddressingStyle::kVirtualHosted);
  EXPECT_EQ(Builder(Minio(), "examplebucket").style(), AddressingStyle::kPath);
  EXPECT_EQ(Builder(Aws(), "Legacy_Bucket").style(), AddressingStyle::kPath);
  // Dots break the wildcard certificate over https.
  EXPECT_EQ(Builder(Aws(), "my.bucket").style(), AddressingStyle::kPath);
  Endpoint plain_aws = Aws();
  plain_aws.scheme = "http";
  EXPECT_EQ(Builder(plain_aws, "my.bucket").style(), AddressingStyle::kVirtualHosted);
  EXPECT_EQ(Builder(*Endpoint::Parse("https://s3.cn-north-1.amazonaws.com.cn"), "b-1").style(),
            AddressingStyle::kVirtualHosted);
  EXPECT_EQ(Builder(Minio(), "examplebucket", AddressingStyle::kVirtualHosted).style(),
            AddressingStyle::kVirtualHosted);
  EXPECT_EQ(Builder(Aws(), "examplebucket", AddressingStyle::kPath).style(),
            AddressingStyle::kPath);
}

TEST(AddressingTest, RejectsBadBuckets) {
  auto code = [](std::string bucket, AddressingStyle style = AddressingStyle::kAuto) {
    return RequestBuilder::Create(Aws(), std::move(bucket), style).status().code();
  };
  EXPECT_EQ(code(""), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("a/b"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("a b"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(std::string(256, 'a')), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("Upper", AddressingStyle::kVirtualHosted), StatusCode::kInvalidArgument);
  EXPECT_EQ(RequestBuilder::Create(Endpoint{"https", "", std::nullopt}, "b").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(AddressingTest, DnsCompatibleNames) {
  const std::string longest(63, 'a');
  for (std::string_view ok : {"abc", "my-bucket", "my.bucket.1", "1bucket", "1.2.3.4x"}) {
    EXPECT_TRUE(IsDnsCompatibleBucketName(ok)) << ok;
  }
  EXPECT_TRUE(IsDnsCompatibleBucketName(longest));
  EXPECT_FALSE(IsDnsCompatibleBucketName(longest + "a"));
  for (std::string_view bad : {"ab", "-abc", "abc-", ".abc", "a..b", "a.-b", "a-.b", "ABC",
                               "a_b", "192.168.1.1"}) {
    EXPECT_FALSE(IsDnsCompatibleBucketName(bad)) << bad;
  }
}

TEST(RequestBuilderTest, GetObjectVirtualHostedWithRange) {
  Result<HttpRequest> r = Builder(Aws(), "examplebucket")
                              .GetObject({"dir/my file+ü.txt", storage::ByteRange{0, 10}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->path, "/dir/my%20file%2B%C3%BC.txt");
  EXPECT_EQ(r->url, "https://examplebucket.s3.us-east-1.amazonaws.com/dir/my%20file%2B%C3%BC.txt");
  EXPECT_EQ(r->headers.front(), (HttpHeader{"host", "examplebucket.s3.us-east-1.amazonaws.com"}));
  EXPECT_EQ(HeaderValue(*r, "Range"), "bytes=0-9");
  EXPECT_TRUE(r->query.empty());
}

TEST(RequestBuilderTest, RangesAndConditions) {
  RequestBuilder b = Builder(Minio(), "bkt");
  EXPECT_EQ(HeaderValue(*b.GetObject({"k", storage::ByteRange{100, std::nullopt}}), "Range"),
            "bytes=100-");
  EXPECT_EQ(HeaderValue(*b.GetObject({"k", storage::ByteRange{5, 1}}), "Range"), "bytes=5-5");
  EXPECT_EQ(HeaderValue(*b.GetObject({"k", std::nullopt, "\"etag\""}), "If-Match"), "\"etag\"");
  EXPECT_EQ(HeaderValue(*b.GetObject({"k"}), "Range"), "<absent>");
  EXPECT_EQ(b.GetObject({"k", storage::ByteRange{5, 0}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(b.GetObject({"k", storage::ByteRange{UINT64_MAX, 2}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(HeaderValue(*b.GetObject({"k", storage::ByteRange{UINT64_MAX, 1}}), "Range"),
            "bytes=18446744073709551615-18446744073709551615");
}

TEST(RequestBuilderTest, PathStyleObjectOperations) {
  RequestBuilder b = Builder(Minio(), "bkt");
  Result<HttpRequest> put = b.PutObject(
      {"a//b/./c", "application/octet-stream", true, "yZRlqg==", std::nullopt});
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->method, "PUT");
  // No normalisation: S3 keys may hold "//" and "./".
  EXPECT_EQ(put->url, "http://minio.local:9000/bkt/a//b/./c");
  EXPECT_EQ(HeaderValue(*put, "host"), "minio.local:9000");
  EXPECT_EQ(HeaderValue(*put, "Content-Type"), "application/octet-stream");
  EXPECT_EQ(HeaderValue(*put, "If-None-Match"), "*");
  EXPECT_EQ(HeaderValue(*put, "x-amz-checksum-crc32c"), "yZRlqg==");
  EXPECT_EQ(HeaderValue(*put, "x-amz-checksum-sha256"), "<absent>");

  EXPECT_EQ(b.HeadObject({"k"})->method, "HEAD");
  Result<HttpRequest> del = b.DeleteObject({"k"});
  EXPECT_EQ(del->method, "DELETE");
  EXPECT_EQ(del->url, "http://minio.local:9000/bkt/k");
  EXPECT_EQ(b.DeleteObject({""}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(b.HeadObject({std::string(kMaxKeyBytes + 1, 'k')}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(b.HeadObject({std::string(kMaxKeyBytes, 'k')}).ok());
  EXPECT_EQ(b.Describe("a/b"), "s3://bkt/a/b");
}

TEST(RequestBuilderTest, DefaultPortIsOmitted) {
  RequestBuilder b = Builder(*Endpoint::Parse("https://store.example:443"), "bkt");
  EXPECT_EQ(b.HeadObject({"k"})->url, "https://store.example/bkt/k");
}

TEST(RequestBuilderTest, ListObjectsV2) {
  RequestBuilder b = Builder(Aws(), "examplebucket");
  Result<HttpRequest> r = b.ListObjectsV2(
      {"kafka/c 1/", "kafka/c 1/x", "1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==",
       "/", 500});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path, "/");
  EXPECT_EQ(r->url,
            "https://examplebucket.s3.us-east-1.amazonaws.com/?continuation-token="
            "1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI%2FEyIJg%3D%3D&delimiter=%2F&"
            "list-type=2&max-keys=500&prefix=kafka%2Fc%201%2F&start-after=kafka%2Fc%201%2Fx");
  EXPECT_EQ(r->query.front(), (QueryParam{"list-type", "2"}));
  Result<HttpRequest> minimal = Builder(Minio(), "bkt").ListObjectsV2({});
  EXPECT_EQ(minimal->url, "http://minio.local:9000/bkt?list-type=2");
  EXPECT_EQ(b.ListObjectsV2({.max_keys = 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(b.ListObjectsV2({.max_keys = 1001}).status().code(), StatusCode::kInvalidArgument);
}

TEST(RequestBuilderTest, MultipartUpload) {
  RequestBuilder b = Builder(Minio(), "bkt");
  Result<HttpRequest> create =
      b.CreateMultipartUpload({"big.log", std::nullopt, ChecksumAlgorithm::kCrc32c});
  ASSERT_TRUE(create.ok());
  EXPECT_EQ(create->method, "POST");
  EXPECT_EQ(create->url, "http://minio.local:9000/bkt/big.log?uploads=");
  EXPECT_EQ(HeaderValue(*create, "x-amz-checksum-algorithm"), "CRC32C");

  Result<HttpRequest> part = b.UploadPart({"big.log", "id/+=", 7, std::nullopt, "47DEQ=="});
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->url, "http://minio.local:9000/bkt/big.log?partNumber=7&uploadId=id%2F%2B%3D");
  EXPECT_EQ(HeaderValue(*part, "x-amz-checksum-sha256"), "47DEQ==");
  EXPECT_EQ(b.UploadPart({"big.log", "id", 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(b.UploadPart({"big.log", "id", 10001}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(b.UploadPart({"big.log", "", 1}).status().code(), StatusCode::kInvalidArgument);

  Result<HttpRequest> complete = b.CompleteMultipartUpload(
      {"big.log", "id", {{1, "\"e1\"", std::nullopt, std::nullopt}}, true});
  ASSERT_TRUE(complete.ok());
  EXPECT_EQ(complete->url, "http://minio.local:9000/bkt/big.log?uploadId=id");
  EXPECT_EQ(HeaderValue(*complete, "Content-Type"), "application/xml");
  EXPECT_EQ(HeaderValue(*complete, "If-None-Match"), "*");
  EXPECT_EQ(complete->body,
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part>"
            "<PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
  EXPECT_EQ(b.CompleteMultipartUpload({"big.log", "id", {}}).status().code(),
            StatusCode::kInvalidArgument);

  Result<HttpRequest> abort = b.AbortMultipartUpload({"big.log", "id"});
  EXPECT_EQ(abort->method, "DELETE");
  EXPECT_EQ(abort->url, "http://minio.local:9000/bkt/big.log?uploadId=id");
}

TEST(RequestBuilderTest, BucketOperations) {
  RequestBuilder aws = Builder(Aws(), "examplebucket");
  Result<HttpRequest> us = aws.CreateBucket({});
  ASSERT_TRUE(us.ok());
  EXPECT_EQ(us->method, "PUT");
  EXPECT_EQ(us->url, "https://examplebucket.s3.us-east-1.amazonaws.com/");
  EXPECT_TRUE(us->body.empty());
  Result<HttpRequest> eu = Builder(Minio(), "bkt").CreateBucket({"eu-west-1"});
  ASSERT_TRUE(eu.ok());
  EXPECT_EQ(eu->url, "http://minio.local:9000/bkt");
  EXPECT_NE(eu->body.find("<LocationConstraint>eu-west-1</LocationConstraint>"),
            std::string::npos);
  EXPECT_EQ(HeaderValue(*eu, "Content-Type"), "application/xml");

  Result<HttpRequest> list = ListBucketsRequest(Minio());
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->url, "http://minio.local:9000/");
  EXPECT_EQ(HeaderValue(*list, "host"), "minio.local:9000");
}

// Builder + signer reproduce the S3 documentation's "GET Object" example end to end.
TEST(RequestBuilderTest, SignsLikeTheAwsExample) {
  Endpoint global{"https", "s3.amazonaws.com", std::nullopt};
  Result<HttpRequest> r =
      Builder(global, "examplebucket").GetObject({"test.txt", storage::ByteRange{0, 10}});
  ASSERT_TRUE(r.ok());
  const Credentials keys{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                         std::nullopt, std::nullopt};
  Result<SigningResult> s = SignRequest(
      ToSigningRequest(*r, std::string(kEmptyPayloadSha256)), SignerConfig{.region = "us-east-1"},
      keys, std::chrono::sys_days(std::chrono::year(2013) / 5 / 24));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

}  // namespace
}  // namespace strata::s3

namespace strata::s3 {
namespace {

TEST(RequestBuilderTest, ListMultipartUploads) {
  Result<RequestBuilder> b = RequestBuilder::Create(*Endpoint::Parse("http://minio:9000"), "bkt");
  ASSERT_TRUE(b.ok());
  Result<HttpRequest> r = b->ListMultipartUploads({.prefix = "p/", .key_marker = "p/k"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->url, "http://minio:9000/bkt?key-marker=p%2Fk&prefix=p%2F&uploads=");
}

}  // namespace
}  // namespace strata::s3
