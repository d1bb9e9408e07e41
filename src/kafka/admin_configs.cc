// Admin::DescribeTopicConfigs and the DescribeConfigs request under it.
#include <fmt/format.h>

#include "kafka/admin.h"
#include "kafka/admin_impl.h"

namespace strata::kafka {

namespace internal {

namespace {
struct ResourceDeleter {
  void operator()(rd_kafka_ConfigResource_t* r) const { rd_kafka_ConfigResource_destroy(r); }
};
}  // namespace

Result<std::vector<ConfigEntry>> DescribeConfigs(const Handle& handle, ConfigResource type, const std::string& name,
                                                 const std::vector<std::string>& only, Deadline deadline,
                                                 std::string_view what) {
  std::unique_ptr<rd_kafka_ConfigResource_t, ResourceDeleter> resource(rd_kafka_ConfigResource_new(
      type == ConfigResource::kTopic ? RD_KAFKA_RESOURCE_TOPIC : RD_KAFKA_RESOURCE_BROKER, name.c_str()));
  for (const auto& n : only) rd_kafka_ConfigResource_set_config(resource.get(), n.c_str(), nullptr);
  rd_kafka_ConfigResource_t* raw = resource.get();
  STRATA_ASSIGN_OR_RETURN(EventPtr ev,
                          RunAdmin(handle, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, deadline, what,
                                   [&](rd_kafka_t* rk, rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                                     rd_kafka_DescribeConfigs(rk, &raw, 1, o, q);
                                   }));
  STRATA_RETURN_IF_ERROR(EventStatus(ev.get(), what, *handle.errors));
  size_t n = 0;
  const rd_kafka_ConfigResource_t** results =
      rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev.get()), &n);
  if (n != 1) return InternalError(fmt::format("{}: expected 1 resource in the answer, got {}", what, n));
  rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(results[0]);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Status s = FromKafka(err, what);
    const char* detail = rd_kafka_ConfigResource_error_string(results[0]);
    if (detail == nullptr || *detail == '\0') return s;
    return Status(s.code(), fmt::format("{}: {} ({})", what, detail, rd_kafka_err2name(err)));
  }
  size_t count = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(results[0], &count);
  std::vector<ConfigEntry> out;
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_ConfigEntry_t* e = entries[i];
    ConfigEntry entry;
    entry.name = rd_kafka_ConfigEntry_name(e);
    entry.source = rd_kafka_ConfigEntry_source(e);
    entry.is_default = rd_kafka_ConfigEntry_is_default(e) == 1;
    entry.sensitive = rd_kafka_ConfigEntry_is_sensitive(e) == 1;
    // Never keep a sensitive value, even if a broker sent one.
    const char* value = rd_kafka_ConfigEntry_value(e);
    if (value != nullptr && !entry.sensitive) entry.value = value;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace internal

namespace {

// Whether an entry was set for this topic, as opposed to inherited. Kafka reports where
// each value comes from:
//   DYNAMIC_TOPIC_CONFIG           set for this topic (at creation or with
//                                  kafka-configs --alter --entity-type topics): counts.
//   DYNAMIC_BROKER_CONFIG,         set for one broker or for all brokers (dynamically, or
//   DYNAMIC_DEFAULT_BROKER_CONFIG, in server.properties). The topic inherits them and
//   STATIC_BROKER_CONFIG           follows when they change; they describe the cluster,
//                                  not the topic. Copying them into the topic on restore
//                                  would pin today's broker value on it: they do not count.
//   DEFAULT_CONFIG                 Kafka's built-in default: does not count.
//   UNKNOWN_CONFIG                 a broker older than Kafka 1.1 (DescribeConfigs v0)
//                                  reports no source, only whether the value is the
//                                  default: a non-default value counts.
// This is the set `kafka-configs --describe --entity-type topics` lists.
bool SetForTopic(const internal::ConfigEntry& e) {
  switch (e.source) {
    case RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG: return true;
    case RD_KAFKA_CONFIG_SOURCE_UNKNOWN_CONFIG: return !e.is_default;
    default: return false;
  }
}

}  // namespace

Result<TopicConfigs> Admin::DescribeTopicConfigs(const std::string& topic, Deadline deadline,
                                                 bool non_default_only) {
  STRATA_ASSIGN_OR_RETURN(std::vector<internal::ConfigEntry> entries,
                          internal::DescribeConfigs(impl_->handle, internal::ConfigResource::kTopic, topic, {},
                                                    deadline, fmt::format("configs of topic \"{}\"", topic)));
  TopicConfigs configs;
  for (auto& e : entries) {
    if (non_default_only && !SetForTopic(e)) continue;
    if (e.sensitive) {
      configs.sensitive.insert(std::move(e.name));
    } else if (e.value) {  // no value: "not set" (some broker-wide settings have no default)
      configs.values.emplace(std::move(e.name), std::move(*e.value));
    }
  }
  return configs;
}

}  // namespace strata::kafka
