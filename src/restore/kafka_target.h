// KafkaTarget: Target over a real Kafka cluster (kafka::Admin, kafka::Consumer,
// kafka::BulkProducer). Safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "kafka/client_options.h"
#include "restore/target.h"

namespace strata::restore {

struct KafkaTargetOptions {
  kafka::ClientOptions client;
  // librdkafka producer properties applied before client.properties (so -X wins):
  // linger.ms, batch.size, compression.type, queue sizes.
  std::vector<std::pair<std::string, std::string>> producer_properties;
};

// Opens the admin connection (lazily connecting). InvalidArgument on a bad configuration.
Result<std::unique_ptr<Target>> OpenKafkaTarget(const KafkaTargetOptions& options);

}  // namespace strata::restore
