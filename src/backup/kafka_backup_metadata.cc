#include "backup/kafka_backup_metadata.h"

#include <fmt/format.h>

#include <regex>
#include <set>

#include "backup/kafka_backup.h"
#include "backup/log.h"
#include "backup/repository.h"
#include "core/version.h"

namespace strata::backup {
namespace {

bool IsInternal(const std::string& topic) { return topic.rfind("__", 0) == 0; }

Result<std::regex> Compile(const std::string& pattern, const char* flag) {
  // std::regex reports bad patterns by throwing; this is the edge where we catch it.
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return InvalidArgumentError(fmt::format("{} \"{}\": not a valid regular expression: {}", flag, pattern, e.what()));
  }
}

// A topic ACL binding applies to `topic` if it names it, names every topic, or is a
// prefix binding that the name starts with.
bool AppliesTo(const kafka::AclBinding& b, const std::set<std::string>& topics) {
  if (b.resource_type != "TOPIC") return false;
  if (b.pattern_type == "LITERAL") return b.resource_name == "*" || topics.count(b.resource_name) != 0;
  if (b.pattern_type == "PREFIXED") {
    for (const auto& t : topics) {
      if (t.rfind(b.resource_name, 0) == 0) return true;
    }
  }
  return false;
}

}  // namespace

Result<std::vector<TopicMeta>> SelectTopics(kafka::Admin& admin, const KafkaBackupOptions& options, Deadline deadline) {
  if (options.topics.empty() && !options.topic_regex) {
    return InvalidArgumentError("no topics selected: use --topic NAME (repeatable) or --topic-regex REGEX");
  }
  STRATA_ASSIGN_OR_RETURN(kafka::ClusterInfo cluster, admin.DescribeCluster(deadline));
  std::map<std::string, const kafka::TopicInfo*> all;
  for (const auto& t : cluster.topics) all[t.name] = &t;
  std::set<std::string> chosen;
  for (const auto& name : options.topics) {
    if (all.count(name) == 0) return NotFoundError(fmt::format("topic \"{}\" does not exist in the cluster", name));
    chosen.insert(name);
  }
  if (options.topic_regex) {
    STRATA_ASSIGN_OR_RETURN(std::regex re, Compile(*options.topic_regex, "--topic-regex"));
    for (const auto& [name, info] : all) {
      if (!IsInternal(name) && std::regex_match(name, re)) chosen.insert(name);
    }
  }
  if (chosen.empty()) {
    return NotFoundError(fmt::format("no topic matches --topic-regex \"{}\"", options.topic_regex.value_or("")));
  }
  std::vector<TopicMeta> out;
  for (const auto& name : chosen) {
    const kafka::TopicInfo& info = *all[name];
    TopicMeta meta{name, info.partition_count(), info.replication_factor(), {}};
    STRATA_ASSIGN_OR_RETURN(kafka::TopicConfigs configs, admin.DescribeTopicConfigs(name, deadline));
    meta.configs = std::move(configs.values);
    if (!configs.sensitive.empty()) {
      Log().warn("topic {}: {} sensitive config(s) not stored (the broker does not reveal their values)", name,
                 configs.sensitive.size());
    }
    out.push_back(std::move(meta));
  }
  return out;
}

Result<format::KafkaManifest> BuildManifest(kafka::Admin& admin, const KafkaBackupOptions& options,
                                            const ManifestContext& context, const std::vector<TopicMeta>& topics,
                                            const std::vector<PartitionTask>& tasks,
                                            std::vector<std::string>& warnings, Deadline deadline) {
  format::KafkaManifest m;
  auto [key_time, iso_time] = NowStamps();
  m.id = key_time + "-" + context.run;
  m.cluster = context.cluster;
  m.created = iso_time;
  m.strata_version = std::string(Version());
  m.bootstrap_servers = options.client.bootstrap_servers;
  m.cluster_id = context.cluster_id;
  m.isolation = options.isolation == kafka::Isolation::kReadCommitted ? "read_committed" : "read_uncommitted";
  m.complete = true;
  std::set<std::string> names;
  for (const auto& t : topics) {
    names.insert(t.name);
    format::TopicState ts{t.name, t.partition_count, t.replication_factor, t.configs, {}};
    for (const auto& task : tasks) {
      if (task.topic() != t.name) continue;
      ts.partitions.push_back(task.state());
      if (task.position() < task.state().high_watermark) m.complete = false;
    }
    m.topics.push_back(std::move(ts));
  }

  auto groups = admin.ListGroups(deadline);
  if (!groups.ok()) {
    warnings.push_back("consumer group offsets not captured: " + groups.status().ToString());
  } else {
    STRATA_ASSIGN_OR_RETURN(std::regex re, Compile(options.groups_regex, "--groups"));
    for (const auto& g : *groups) {
      if (g.name == context.backup_group || !std::regex_match(g.name, re)) continue;
      auto offsets = admin.ListGroupOffsets(g.name, names, deadline);
      if (!offsets.ok()) {
        warnings.push_back(fmt::format("offsets of group {} not captured: {}", g.name, offsets.status().ToString()));
        continue;
      }
      if (offsets->empty()) continue;
      format::GroupState gs{g.name, {}};
      for (const auto& o : *offsets) gs.offsets.push_back({o.topic, o.partition, o.offset, o.metadata});
      m.consumer_groups.push_back(std::move(gs));
    }
  }

  auto acls = admin.DescribeAcls(kafka::AclFilter::All(), deadline);
  if (!acls.ok()) {
    m.acls.captured = false;
    m.acls.reason = acls.status().ToString();
    warnings.push_back("ACLs not captured: " + acls.status().ToString());
  } else if (!acls->authorizer_enabled) {
    m.acls.captured = false;
    m.acls.reason = acls->note.empty() ? "the cluster has no authorizer" : acls->note;
  } else {
    m.acls.captured = true;
    for (const auto& b : acls->bindings) {
      if (!AppliesTo(b, names)) continue;
      m.acls.bindings.push_back({b.resource_type, b.resource_name, b.pattern_type, b.principal, b.host, b.operation,
                                 b.permission_type});
    }
  }
  m.warnings = warnings;
  return m;
}

}  // namespace strata::backup
