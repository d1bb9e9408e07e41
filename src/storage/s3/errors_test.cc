#include "storage/s3/errors.h"

#include <gtest/gtest.h>

namespace strata::s3 {
namespace {

S3ErrorInfo Err(std::string code, std::string message = "",
                std::optional<std::string> request_id = std::nullopt) {
  S3ErrorInfo e;
  e.code = std::move(code);
  e.message = std::move(message);
  e.request_id = std::move(request_id);
  return e;
}

TEST(ClassifyS3ErrorTest, Table) {
  struct Case {
    int http;
    std::string_view code;
    StatusCode want;
  };
  const Case cases[] = {
      {500, "InternalError", StatusCode::kUnavailable},
      {502, "", StatusCode::kUnavailable},
      {503, "SlowDown", StatusCode::kUnavailable},
      {503, "ServiceUnavailable", StatusCode::kUnavailable},
      {504, "", StatusCode::kUnavailable},
      {599, "", StatusCode::kUnavailable},
      {400, "RequestTimeout", StatusCode::kUnavailable},
      {429, "", StatusCode::kUnavailable},
      {408, "", StatusCode::kUnavailable},
      {200, "InternalError", StatusCode::kUnavailable},
      {403, "AccessDenied", StatusCode::kPermissionDenied},
      {403, "", StatusCode::kPermissionDenied},
      {403, "InvalidAccessKeyId", StatusCode::kUnauthenticated},
      {403, "SignatureDoesNotMatch", StatusCode::kUnauthenticated},
      {400, "ExpiredToken", StatusCode::kUnauthenticated},
      {401, "", StatusCode::kUnauthenticated},
      {404, "NoSuchKey", StatusCode::kNotFound},
      {404, "", StatusCode::kNotFound},
      {404, "NoSuchUpload", StatusCode::kNotFound},
      {404, "NoSuchBucket", StatusCode::kFailedPrecondition},
      {301, "PermanentRedirect", StatusCode::kFailedPrecondition},
      {301, "", StatusCode::kFailedPrecondition},
      {403, "RequestTimeTooSkewed", StatusCode::kFailedPrecondition},
      {412, "PreconditionFailed", StatusCode::kAlreadyExists},
      {412, "", StatusCode::kAlreadyExists},
      {409, "ConditionalRequestConflict", StatusCode::kAborted},
      {409, "OperationAborted", StatusCode::kAborted},
      {409, "BucketAlreadyOwnedByYou", StatusCode::kAlreadyExists},
      {409, "BucketNotEmpty", StatusCode::kFailedPrecondition},
      {416, "InvalidRange", StatusCode::kOutOfRange},
      {400, "BadDigest", StatusCode::kDataLoss},
      {400, "MalformedXML", StatusCode::kInvalidArgument},
      {400, "AuthorizationHeaderMalformed", StatusCode::kInvalidArgument},
      {400, "EntityTooSmall", StatusCode::kInvalidArgument},
      {400, "SomeFutureCode", StatusCode::kInvalidArgument},
      {405, "", StatusCode::kInvalidArgument},
      {501, "NotImplemented", StatusCode::kUnimplemented},
      {200, "", StatusCode::kOk},
      {204, "", StatusCode::kOk},
      {200, "WeirdCode", StatusCode::kUnknown},
      {304, "", StatusCode::kUnknown},
      {0, "", StatusCode::kUnknown},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ClassifyS3Error(c.http, c.code), c.want) << c.http << " " << c.code;
  }
}

TEST(FromS3ResponseTest, MessageFormat) {
  Status s = FromS3Response(403, Err("AccessDenied", "Access Denied", "4442587FB7D0A2F9"), "PUT",
                            "s3://bkt/key", ErrorHints{.profile = "backup"});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "PUT s3://bkt/key: AccessDenied: Access Denied (request-id 4442587FB7D0A2F9); check "
            "that the credentials of profile \"backup\" may do this on the bucket (IAM and "
            "bucket policy)");
}

TEST(FromS3ResponseTest, NoBodyUsesHttpStatus) {
  Status s = FromS3Response(404, std::nullopt, "HEAD", "s3://bkt/missing");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "HEAD s3://bkt/missing: HTTP 404 Not Found");
  Status busy = FromS3Response(503, std::nullopt, "GET", "s3://bkt/k");
  EXPECT_EQ(busy.code(), StatusCode::kUnavailable);
  EXPECT_EQ(busy.message(),
            "GET s3://bkt/k: HTTP 503 Service Unavailable; the store is overloaded or failing; "
            "retry with backoff");
  S3ErrorInfo only_id;
  only_id.request_id = "ABC";
  EXPECT_EQ(FromS3Response(404, only_id, "HEAD", "s3://b/k").message(),
            "HEAD s3://b/k: HTTP 404 Not Found (request-id ABC)");
}

TEST(FromS3ResponseTest, SuccessIsOkButErrorBodyAfter200IsNot) {
  EXPECT_TRUE(FromS3Response(200, std::nullopt, "PUT", "s3://b/k").ok());
  Status s = FromS3Response(200, Err("InternalError", "We encountered an internal error."),
                            "CompleteMultipartUpload", "s3://b/k");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(FromS3Response(200, Err(""), "CompleteMultipartUpload", "s3://b/k").code(),
            StatusCode::kUnknown);
}

TEST(FromS3ResponseTest, HintsPerClass) {
  const ErrorHints hints{.profile = "p", .region = "us-east-1", .endpoint = "https://minio:9000"};
  auto msg = [&](int http, S3ErrorInfo e) {
    return FromS3Response(http, e, "GET", "s3://b/k", hints).message();
  };
  EXPECT_NE(msg(403, Err("SignatureDoesNotMatch")).find(
                "check the secret access key of the credentials of profile \"p\" and that the "
                "region (\"us-east-1\") is right"),
            std::string::npos);
  EXPECT_NE(msg(403, Err("InvalidAccessKeyId")).find("access key id"), std::string::npos);
  EXPECT_NE(msg(400, Err("ExpiredToken")).find("refresh"), std::string::npos);
  EXPECT_NE(msg(404, Err("NoSuchBucket")).find("bucket name, and the region and endpoint "
                                                "(\"https://minio:9000\")"),
            std::string::npos);
  S3ErrorInfo wrong_region = Err("AuthorizationHeaderMalformed");
  wrong_region.region = "eu-central-1";
  EXPECT_NE(msg(400, wrong_region).find("set the region to \"eu-central-1\""), std::string::npos);
  S3ErrorInfo redirect = Err("PermanentRedirect");
  redirect.endpoint = "b.s3.eu-west-1.amazonaws.com";
  EXPECT_NE(msg(301, redirect).find("endpoint \"b.s3.eu-west-1.amazonaws.com\""),
            std::string::npos);
  EXPECT_NE(msg(403, Err("RequestTimeTooSkewed")).find("clock"), std::string::npos);
  EXPECT_NE(msg(409, Err("ConditionalRequestConflict")).find("redo"), std::string::npos);
  EXPECT_NE(msg(412, Err("PreconditionFailed")).find("already exists"), std::string::npos);
  // NotFound for an object needs no advice: the caller decides.
  EXPECT_EQ(msg(404, Err("NoSuchKey", "The specified key does not exist.")),
            "GET s3://b/k: NoSuchKey: The specified key does not exist.");
}

TEST(FromS3ResponseTest, ServerTextIsBoundedAndCleaned) {
  S3ErrorInfo e = Err("AccessDenied", std::string(1000, 'x') + "\r\nInjected: header");
  const std::string m = FromS3Response(403, e, "GET", "s3://b/k").message();
  EXPECT_EQ(m.find('\n'), std::string::npos);
  EXPECT_EQ(m.find("Injected"), std::string::npos);
  EXPECT_NE(m.find("..."), std::string::npos);
  EXPECT_LT(m.size(), 500u);
}

TEST(ShouldRefreshCredentialsTest, Codes) {
  EXPECT_TRUE(ShouldRefreshCredentials("ExpiredToken"));
  EXPECT_TRUE(ShouldRefreshCredentials("TokenRefreshRequired"));
  EXPECT_TRUE(ShouldRefreshCredentials("InvalidToken"));
  EXPECT_FALSE(ShouldRefreshCredentials("AccessDenied"));
  EXPECT_FALSE(ShouldRefreshCredentials("SignatureDoesNotMatch"));
}

}  // namespace
}  // namespace strata::s3
