// Internal to the kafka module: the state of an Admin and the helpers its methods share.
// Admin's methods live in admin.cc (cluster, topics), admin_configs.cc, admin_groups.cc
// and admin_acls.cc. Safe for concurrent use, as Admin is.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/deadline.h"
#include "core/result.h"
#include "kafka/admin.h"
#include "kafka/rd_util.h"

namespace strata::kafka {

struct Admin::Impl {
  internal::Handle handle;
  std::string bootstrap;
};

namespace internal {

// One entry of a DescribeConfigs answer.
struct ConfigEntry {
  std::string name;
  std::optional<std::string> value;  // nullopt: no value, or a sensitive one
  int source = 0;                    // Kafka's ConfigSource code (rd_kafka_ConfigSource_t)
  bool is_default = false;
  bool sensitive = false;
};

enum class ConfigResource { kTopic, kBroker };

// The configuration of one topic or broker (`name`: the topic name or the broker id);
// only the entries named in `only` unless it is empty. The resource's own error (e.g.
// NotFound for a missing topic) is returned as a Status.
Result<std::vector<ConfigEntry>> DescribeConfigs(const Handle& handle, ConfigResource type, const std::string& name,
                                                 const std::vector<std::string>& only, Deadline deadline,
                                                 std::string_view what);

}  // namespace internal
}  // namespace strata::kafka
