#include "kafka/java_properties.h"

#include <gtest/gtest.h>

namespace strata::kafka {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(JavaPropertiesTest, ParsesJavaSyntax) {
  auto p = ParseJavaProperties(
      "# comment\n! also comment\n\nbootstrap.servers=a:9092,b:9092\nsecurity.protocol : SASL_SSL\n"
      "client.id  strata\nlong=one,\\\n    two\nesc=tab\\there\\u0041\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p, (Pairs{{"bootstrap.servers", "a:9092,b:9092"},
                       {"security.protocol", "SASL_SSL"},
                       {"client.id", "strata"},
                       {"long", "one,two"},
                       {"esc", "tab\thereA"}}));
}

TEST(JavaPropertiesTest, TranslatesSaslPlain) {
  Pairs java{{"bootstrap.servers", "k:9093"},
             {"security.protocol", "SASL_SSL"},
             {"sasl.mechanism", "SCRAM-SHA-512"},
             {"sasl.jaas.config",
              "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" "
              "password=\"s3cr\\\"et\";"},
             {"ssl.truststore.location", "/etc/ca.pem"},
             {"ssl.truststore.type", "PEM"},
             {"linger.ms", "5"}};
  auto t = TranslateJavaProperties(java, "client.properties");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->bootstrap_servers, "k:9093");
  EXPECT_EQ(t->librdkafka, (Pairs{{"security.protocol", "SASL_SSL"},
                                  {"sasl.mechanisms", "SCRAM-SHA-512"},
                                  {"sasl.username", "alice"},
                                  {"sasl.password", "s3cr\"et"},
                                  {"ssl.ca.location", "/etc/ca.pem"}}));
  EXPECT_EQ(t->skipped, std::vector<std::string>{"linger.ms"});
}

TEST(JavaPropertiesTest, JksIsRefusedWithAHintAndNoSecret) {
  auto t = TranslateJavaProperties({{"ssl.keystore.type", "JKS"}, {"ssl.keystore.password", "hunter2"}}, "c.properties");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("PEM"), std::string::npos);
  EXPECT_EQ(t.status().message().find("hunter2"), std::string::npos);
}

TEST(JavaPropertiesTest, UnsupportedLoginModuleIsRefused) {
  auto t = TranslateJavaProperties(
      {{"sasl.jaas.config", "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;"}}, "c");
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::kafka
