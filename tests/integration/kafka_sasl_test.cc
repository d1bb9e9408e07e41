// Kafka through a SASL_PLAINTEXT listener (mechanism PLAIN) of the stack's KRaft broker,
// as an operator runs strata against a cluster that wants credentials: backup and
// restore with --command-config (Java client properties) and with -X (librdkafka names),
// wrong credentials refused at once with the authentication exit code, and the password
// in no output, debug logs included.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/integration/restore_test_util.h"

namespace strata::restore {
namespace {

using namespace restore_testing;

constexpr int kExitAuth = 13;

class KafkaSaslTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const StackEnv& env = StackEnv::Get();
    sasl_bootstrap_ = env.Require("KAFKA_SASL_BOOTSTRAP");
    user_ = env.Require("KAFKA_SASL_USER");
    password_ = env.Require("KAFKA_SASL_PASSWORD");
    auto admin = kafka::Admin::Open(Client());
    ASSERT_TRUE(admin.ok());
    admin_ = std::move(*admin);
  }
  std::string CreateTopic(int32_t partitions) {
    std::string name = UniqueName("sasl");
    EXPECT_TRUE(admin_->CreateTopic({name, partitions, 1, {}}, Deadline::After(30s)).ok());
    return name;
  }
  // A Java client.properties file for the SASL listener with this password.
  std::string PropertiesFile(const std::string& password) {
    std::filesystem::create_directories(dir_.path);
    std::filesystem::path p = dir_.path / UniqueName("client") += ".properties";
    std::ofstream(p) << "security.protocol=SASL_PLAINTEXT\n"
                     << "sasl.mechanism=PLAIN\n"
                     << "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                     << "username=\"" << user_ << "\" password=\"" << password << "\";\n";
    return p.string();
  }
  // strata with debug logging: whatever it prints must not hold the password.
  std::pair<int, std::string> StrataDebug(const std::string& args) {
    return Shell(std::string(STRATA_BINARY) + " --log-level debug " + args);
  }
  std::string repo() const { return (dir_.path / "repo").string(); }

  TempDir dir_;
  std::unique_ptr<kafka::Admin> admin_;
  std::string sasl_bootstrap_, user_, password_;
};

TEST_F(KafkaSaslTest, BackupAndRestoreWithCommandConfig) {
  std::string topic = CreateTopic(2);
  Produce(topic, 2, 20);
  std::string config = PropertiesFile(password_);
  // auto picks librdkafka: the raw reader speaks PLAINTEXT only.
  auto [rc, out] = StrataDebug("backup kafka --no-progress -b " + sasl_bootstrap_ + " --command-config " + config +
                               " -t " + topic + " --cluster src --to " + repo());
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("40 records"), std::string::npos) << out;
  EXPECT_EQ(out.find(password_), std::string::npos) << "the password appears in the output";

  std::string copy = topic + "-copy";
  auto [rrc, rout] = StrataDebug("restore kafka --no-progress -b " + sasl_bootstrap_ + " --command-config " + config +
                                 " --from " + repo() + " --cluster src --topic " + topic + " --rename " + topic + ":" +
                                 copy);
  ASSERT_EQ(rrc, 0) << rout;
  EXPECT_EQ(rout.find(password_), std::string::npos) << "the password appears in the output";
  ExpectSameRecords(ReadTopic(topic, 2), ReadTopic(copy, 2));
}

TEST_F(KafkaSaslTest, BackupWithLibrdkafkaProperties) {
  std::string topic = CreateTopic(1);
  Produce(topic, 1, 5);
  auto [rc, out] = StrataDebug("backup kafka --no-progress -b " + sasl_bootstrap_ +
                               " -X security.protocol=SASL_PLAINTEXT -X sasl.mechanism=PLAIN -X sasl.username=" + user_ +
                               " -X sasl.password=" + password_ + " -t " + topic + " --to " + repo());
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("5 records"), std::string::npos) << out;
  // The command line holds it, the output must not.
  EXPECT_EQ(out.find(password_), std::string::npos) << "the password appears in the output";
}

TEST_F(KafkaSaslTest, WrongPasswordIsRefusedAtOnce) {
  std::string topic = CreateTopic(1);
  Produce(topic, 1, 3);
  const std::string wrong = "not-the-password-7Qx";
  std::string config = PropertiesFile(wrong);
  auto started = std::chrono::steady_clock::now();
  auto [rc, out] = StrataDebug("backup kafka --no-progress -b " + sasl_bootstrap_ + " --command-config " + config +
                               " -t " + topic + " --to " + repo());
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(rc, kExitAuth) << out;
  EXPECT_LT(took, 15s) << "an authentication failure must not wait for the request timeout";
  EXPECT_NE(out.find("strata: error: "), std::string::npos) << out;
  EXPECT_NE(out.find("refused the credentials"), std::string::npos) << out;
  EXPECT_EQ(out.find(wrong), std::string::npos) << "the password appears in the output";
  // Nothing that looks like a backup.
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(repo()) / "kafka")) << out;

  auto [rrc, rout] = StrataDebug("restore kafka --no-progress -b " + sasl_bootstrap_ + " --command-config " + config +
                                 " --from " + repo() + " --topic " + topic);
  EXPECT_NE(rrc, 0) << rout;
  EXPECT_EQ(rout.find(wrong), std::string::npos) << "the password appears in the output";
}

TEST_F(KafkaSaslTest, RawReaderRefusesSasl) {
  std::string topic = CreateTopic(1);
  auto [rc, out] = Strata("backup kafka --no-progress --reader raw -b " + sasl_bootstrap_ + " --command-config " +
                          PropertiesFile(password_) + " -t " + topic + " --to " + repo());
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("--reader librdkafka"), std::string::npos) << out;
}

}  // namespace
}  // namespace strata::restore
