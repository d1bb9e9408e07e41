#include "cli/kafka_flags.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/log.h"
#include "kafka/java_properties.h"

namespace strata::cli {

void KafkaFlags::Register(CLI::App* cmd, const std::string& what) {
  cmd->add_option("-b,--bootstrap-server", bootstrap, fmt::format("Kafka bootstrap servers of the {} cluster, HOST:PORT[,HOST:PORT...]", what))
      ->envname("STRATA_KAFKA_BOOTSTRAP");
  cmd->add_option("--command-config", command_config,
                  "Java client.properties (security.protocol, sasl.*, ssl.* with PEM files) to translate");
  cmd->add_option("-X", properties, "librdkafka property key=value (repeatable; applied last)");
}

Result<kafka::ClientOptions> KafkaFlags::Build() const {
  kafka::ClientOptions options;
  if (!command_config.empty()) {
    std::ifstream in(command_config);
    if (!in) return InvalidArgumentError(fmt::format("--command-config {}: cannot read the file", command_config));
    std::stringstream text;
    text << in.rdbuf();
    STRATA_ASSIGN_OR_RETURN(auto java, kafka::ParseJavaProperties(text.str()));
    STRATA_ASSIGN_OR_RETURN(auto translated, kafka::TranslateJavaProperties(java, command_config));
    options.bootstrap_servers = translated.bootstrap_servers;
    options.properties = std::move(translated.librdkafka);
    for (const auto& key : translated.skipped) {
      log::Get("cli").info("--command-config {}: {} has no librdkafka equivalent; ignored", command_config, key);
    }
  }
  if (!bootstrap.empty()) options.bootstrap_servers = bootstrap;
  for (const auto& kv : properties) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      // Do not echo the argument: it may hold a secret.
      return InvalidArgumentError("-X: expected key=value (an argument has no key or no '=')");
    }
    options.properties.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (options.bootstrap_servers.empty()) {
    return InvalidArgumentError("no Kafka cluster given: use --bootstrap-server HOST:PORT (or bootstrap.servers in --command-config)");
  }
  return options;
}

}  // namespace strata::cli
