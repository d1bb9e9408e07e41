// Kafka connection flags shared by every subcommand that talks to a cluster:
//   -b/--bootstrap-server HOST:PORT[,...]   (env STRATA_KAFKA_BOOTSTRAP)
//   --command-config FILE                  Java client.properties, translated
//   -X key=value                           librdkafka property, repeatable (wins last)
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "core/result.h"
#include "kafka/client_options.h"

namespace strata::cli {

struct KafkaFlags {
  std::string bootstrap;
  std::string command_config;
  std::vector<std::string> properties;  // "key=value"

  // Registers the flags on `cmd`; `what` is "source" or "target" for help texts.
  void Register(CLI::App* cmd, const std::string& what);

  // Builds the client options: the --command-config file first, then -X in order.
  // InvalidArgument for a malformed -X, an unreadable or untranslatable file, or no
  // bootstrap server from either the flag or the file.
  Result<kafka::ClientOptions> Build() const;
};

}  // namespace strata::cli
