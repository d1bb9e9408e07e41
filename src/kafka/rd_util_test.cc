#include "kafka/rd_util.h"

#include <gtest/gtest.h>

namespace strata::kafka {
namespace {

using internal::FromKafka;

TEST(FromKafkaTest, MapsCodesToCallerActions) {
  EXPECT_TRUE(FromKafka(RD_KAFKA_RESP_ERR_NO_ERROR, "x").ok());
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR__TRANSPORT, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR__TIMED_OUT, "x").code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "x").code(), StatusCode::kNotFound);
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS, "x").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, "x").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED, "x").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE, "x").code(), StatusCode::kOutOfRange);
}

TEST(FromKafkaTest, GroupAndAclAnswersMeanStopOrRetry) {
  // No authorizer on the cluster, a group with members: nothing to retry, the user acts.
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR_SECURITY_DISABLED, "x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP, "x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR__NOT_CONFIGURED, "x").code(), StatusCode::kFailedPrecondition);
  // An offset still held by an open transaction settles soon.
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(FromKafka(RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND, "x").code(), StatusCode::kNotFound);
}

TEST(FromKafkaTest, ErrorObjectsKeepTheirDetailAndOwnership) {
  rd_kafka_error_t* error = rd_kafka_error_new(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "topic %s is gone", "t1");
  Status borrowed = internal::DescribeKafkaError(error, "describe");
  EXPECT_EQ(borrowed.code(), StatusCode::kNotFound);
  EXPECT_NE(borrowed.message().find("topic t1 is gone"), std::string::npos) << borrowed.ToString();
  EXPECT_NE(borrowed.message().find("UNKNOWN_TOPIC_OR_PART"), std::string::npos) << borrowed.ToString();
  Status owned = internal::FromKafkaError(error, "describe");  // destroys `error`
  EXPECT_EQ(owned, borrowed);
  EXPECT_TRUE(internal::FromKafkaError(nullptr, "x").ok());
}

TEST(FromKafkaTest, MessageSaysWhatAndWhy) {
  Status s = FromKafka(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "metadata for \"orders\"");
  EXPECT_NE(s.message().find("metadata for \"orders\""), std::string::npos);
  EXPECT_NE(s.message().find("UNKNOWN_TOPIC_OR_PART"), std::string::npos);
}

TEST(ClientOptionsTest, SecretPropertiesAreRecognised) {
  EXPECT_TRUE(IsSecretProperty("sasl.password"));
  EXPECT_TRUE(IsSecretProperty("ssl.key.password"));
  EXPECT_TRUE(IsSecretProperty("sasl.jaas.config"));
  EXPECT_TRUE(IsSecretProperty("sasl.oauthbearer.client.secret"));
  EXPECT_FALSE(IsSecretProperty("bootstrap.servers"));
  EXPECT_FALSE(IsSecretProperty("sasl.mechanism"));
}

TEST(NewHandleTest, BadPropertyIsInvalidArgumentWithoutValue) {
  ClientOptions o{"127.0.0.1:9", {{"no.such.property", "s3cr3t"}}};
  auto h = internal::NewHandle(RD_KAFKA_PRODUCER, o, {});
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.status().message().find("s3cr3t"), std::string::npos);
}

TEST(NewHandleTest, MissingBootstrapIsInvalidArgument) {
  auto h = internal::NewHandle(RD_KAFKA_PRODUCER, ClientOptions{}, {});
  EXPECT_EQ(h.status().code(), StatusCode::kInvalidArgument);
}

TEST(ErrorSinkTest, TlsHandshakeFailuresThatRetryingCannotMend) {
  EXPECT_TRUE(internal::IsTlsHandshakeFailure(
      "SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: broker certificate could not "
      "be verified (after 28ms in state SSL_HANDSHAKE)"));
  EXPECT_TRUE(internal::IsTlsHandshakeFailure("SSL handshake failed: error:0A00010B:SSL routines::wrong version number"));
  EXPECT_FALSE(internal::IsTlsHandshakeFailure("SSL handshake failed: Disconnected: connection reset by peer"));
  EXPECT_FALSE(internal::IsTlsHandshakeFailure("Connect to ipv4#127.0.0.1:1 failed: Connection refused"));

  internal::ErrorSink sink;
  sink.Record(RD_KAFKA_RESP_ERR__TRANSPORT, "Connect to ipv4#127.0.0.1:1 failed: Connection refused");
  EXPECT_FALSE(sink.tls_failed());
  sink.Record(RD_KAFKA_RESP_ERR__SSL, "SSL handshake failed: Disconnected");
  EXPECT_FALSE(sink.tls_failed());
  sink.Record(RD_KAFKA_RESP_ERR__SSL, "SSL handshake failed: error:0A000086:SSL routines::certificate verify failed");
  EXPECT_TRUE(sink.tls_failed());
  EXPECT_FALSE(sink.auth_failed());
}

}  // namespace
}  // namespace strata::kafka
