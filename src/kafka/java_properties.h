// Translation of a Java Kafka client.properties file (what `kafka-console-consumer
// --consumer.config` and `--command-config` take) into librdkafka properties, so
// operators can point strata at the file they already have. Pure; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace strata::kafka {

// Parses Java .properties text (key=value or key: value, # and ! comments, backslash line
// continuations and escapes) into ordered pairs. InvalidArgument names the line.
Result<std::vector<std::pair<std::string, std::string>>> ParseJavaProperties(const std::string& text);

// Maps Java client settings to librdkafka names:
//   security.protocol                 -> security.protocol
//   sasl.mechanism                    -> sasl.mechanisms
//   sasl.jaas.config (PlainLoginModule / ScramLoginModule with username and password)
//                                     -> sasl.username + sasl.password
//   ssl.truststore.location (PEM)     -> ssl.ca.location
//   ssl.keystore.location (PEM)       -> ssl.certificate.location (+ ssl.key.location)
//   ssl.truststore.type / keystore.type PEM only; JKS/PKCS12 -> InvalidArgument that says
//                                        to convert to PEM
//   ssl.key.password                  -> ssl.key.password
//   ssl.endpoint.identification.algorithm ("" -> none, https -> https)
//   client.id, request.timeout.ms, ... names librdkafka also knows -> passed through
//   bootstrap.servers                 -> returned separately (flags win)
// Unknown Java-only keys are skipped with a note in `skipped` (never their values).
struct TranslatedProperties {
  std::vector<std::pair<std::string, std::string>> librdkafka;
  std::string bootstrap_servers;  // "" if the file has none
  std::vector<std::string> skipped;  // key names only
};
Result<TranslatedProperties> TranslateJavaProperties(
    const std::vector<std::pair<std::string, std::string>>& java, const std::string& file_name);

}  // namespace strata::kafka
