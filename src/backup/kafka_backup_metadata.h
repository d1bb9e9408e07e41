// What a Kafka backup records besides records: which topics it covers (the selection),
// their partition counts, replication factors and configs, the consumer groups'
// committed offsets, and ACLs; and the manifest that ties them to the segments.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "backup/partition_task.h"
#include "core/deadline.h"
#include "core/result.h"
#include "format/kafka_manifest.h"
#include "kafka/admin.h"

namespace strata::backup {

struct KafkaBackupOptions;

struct TopicMeta {
  std::string name;
  int32_t partition_count = 0;
  int32_t replication_factor = 0;
  std::map<std::string, std::string> configs;
};

// The topics the options select, in name order, with their metadata and configs.
// NotFound if a topic named exactly does not exist, or if nothing matches at all;
// InvalidArgument for a bad regular expression.
Result<std::vector<TopicMeta>> SelectTopics(kafka::Admin& admin, const KafkaBackupOptions& options, Deadline deadline);

struct ManifestContext {
  std::string cluster;
  std::string cluster_id;
  std::string run;
  std::string backup_group;  // never captured as a consumer group of the backup
};

// The manifest for the current state of `tasks`, with consumer group offsets and ACLs
// read now. Failures to read groups or ACLs become warnings (added to `warnings`), not
// errors: the records are the backup's first duty.
Result<format::KafkaManifest> BuildManifest(kafka::Admin& admin, const KafkaBackupOptions& options,
                                            const ManifestContext& context, const std::vector<TopicMeta>& topics,
                                            const std::vector<PartitionTask>& tasks,
                                            std::vector<std::string>& warnings, Deadline deadline);

}  // namespace strata::backup
