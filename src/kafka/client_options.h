// ClientOptions: how to reach a Kafka cluster. Properties use librdkafka's names
// (https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md) and pass
// through unchanged, so anything librdkafka supports (SASL, SSL, ...) works.
// Value type; thread-compatible.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace strata::kafka {

struct ClientOptions {
  std::string bootstrap_servers;  // "host:port[,host:port...]"
  // librdkafka properties applied after strata's defaults, in order (later wins).
  std::vector<std::pair<std::string, std::string>> properties;
};

// True for property names whose values must never be logged or printed.
bool IsSecretProperty(const std::string& name);

}  // namespace strata::kafka
