// Kafka through the SSL listener of the stack's KRaft broker (a certificate for 127.0.0.1
// signed by a CA the stack makes at start): backup and restore with --command-config
// (Java client properties, PEM truststore) and with -X (librdkafka names); a broker
// certificate the client cannot verify refused at once with the authentication exit
// code and one line that says TLS; the raw reader refused on TLS with its hint.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/integration/restore_test_util.h"

namespace strata::restore {
namespace {

using namespace restore_testing;

constexpr int kExitAuth = 13;

class KafkaTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const StackEnv& env = StackEnv::Get();
    ssl_bootstrap_ = env.Require("KAFKA_SSL_BOOTSTRAP");
    ca_ = env.Require("KAFKA_SSL_CA");
    other_ca_ = env.Require("KAFKA_SSL_OTHER_CA");
    auto admin = kafka::Admin::Open(Client());
    ASSERT_TRUE(admin.ok());
    admin_ = std::move(*admin);
  }
  std::string CreateTopic(int32_t partitions) {
    std::string name = UniqueName("tls");
    EXPECT_TRUE(admin_->CreateTopic({name, partitions, 1, {}}, Deadline::After(30s)).ok());
    return name;
  }
  // A Java client.properties file for the SSL listener that trusts `ca`.
  std::string PropertiesFile(const std::string& ca) {
    std::filesystem::create_directories(dir_.path);
    std::filesystem::path p = dir_.path / UniqueName("client") += ".properties";
    std::ofstream(p) << "security.protocol=SSL\n"
                     << "ssl.truststore.type=PEM\n"
                     << "ssl.truststore.location=" << ca << "\n";
    return p.string();
  }
  std::string repo() const { return (dir_.path / "repo").string(); }

  TempDir dir_;
  std::unique_ptr<kafka::Admin> admin_;
  std::string ssl_bootstrap_, ca_, other_ca_;
};

TEST_F(KafkaTlsTest, BackupAndRestoreWithCommandConfig) {
  std::string topic = CreateTopic(2);
  Produce(topic, 2, 20);
  std::string config = PropertiesFile(ca_);
  auto [rc, out] = Strata("backup kafka --no-progress -b " + ssl_bootstrap_ + " --command-config " + config + " -t " +
                          topic + " --cluster src --to " + repo());
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("40 records"), std::string::npos) << out;

  std::string copy = topic + "-copy";
  auto [rrc, rout] = Strata("restore kafka --no-progress -b " + ssl_bootstrap_ + " --command-config " + config +
                            " --from " + repo() + " --cluster src --topic " + topic + " --rename " + topic + ":" + copy);
  ASSERT_EQ(rrc, 0) << rout;
  ExpectSameRecords(ReadTopic(topic, 2), ReadTopic(copy, 2));
}

TEST_F(KafkaTlsTest, BackupWithLibrdkafkaProperties) {
  std::string topic = CreateTopic(1);
  Produce(topic, 1, 5);
  auto [rc, out] = Strata("backup kafka --no-progress -b " + ssl_bootstrap_ +
                          " -X security.protocol=ssl -X ssl.ca.location=" + ca_ + " -t " + topic + " --to " + repo());
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("5 records"), std::string::npos) << out;
}

TEST_F(KafkaTlsTest, UntrustedBrokerCertificateIsRefusedAtOnce) {
  std::string topic = CreateTopic(1);
  Produce(topic, 1, 3);
  auto started = std::chrono::steady_clock::now();
  auto [rc, out] = Strata("backup kafka --no-progress -b " + ssl_bootstrap_ + " --command-config " +
                          PropertiesFile(other_ca_) + " -t " + topic + " --to " + repo());
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(rc, kExitAuth) << out;
  EXPECT_LT(took, 15s) << "a failed TLS handshake must not wait for the request timeout";
  EXPECT_NE(out.find("strata: error: "), std::string::npos) << out;
  EXPECT_NE(out.find("TLS handshake"), std::string::npos) << out;
  EXPECT_NE(out.find("certificate verify failed"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(repo()) / "kafka")) << out;

  started = std::chrono::steady_clock::now();
  auto [rrc, rout] = Strata("restore kafka --no-progress -b " + ssl_bootstrap_ + " -X security.protocol=ssl" +
                            " -X ssl.ca.location=" + other_ca_ + " --from " + repo() + " --topic " + topic);
  EXPECT_NE(rrc, 0) << rout;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 15s) << rout;
}

TEST_F(KafkaTlsTest, RawReaderRefusesTls) {
  std::string topic = CreateTopic(1);
  auto [rc, out] = Strata("backup kafka --no-progress --reader raw -b " + ssl_bootstrap_ + " --command-config " +
                          PropertiesFile(ca_) + " -t " + topic + " --to " + repo());
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("--reader librdkafka"), std::string::npos) << out;
}

}  // namespace
}  // namespace strata::restore
