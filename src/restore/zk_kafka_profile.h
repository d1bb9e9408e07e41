// The Kafka profile of `strata restore zookeeper` (docs/zookeeper.md, "Kafka profile"):
// which znodes of a ZooKeeper-mode Kafka cluster must not be restored, and how the few
// counters Kafka keeps in znodes are carried over. Paths are relative to the Kafka root
// (the restored subtree, e.g. the chroot /kafka). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"

namespace strata::restore {

enum class KafkaRule {
  kRestore,          // an ordinary znode
  kSkip,             // never restored, with its subtree (see reason)
  kControllerEpoch,  // /controller_epoch: at least the highest epoch in partition states
  kProducerIdBlock,  // /latest_producer_id_block: block_end moved ahead by a margin
  kBrokerSeqid,      // /brokers/seqid: its version is Kafka's broker-id generator
  kClusterId,        // /cluster/id: --kafka-cluster-id decides
};

struct KafkaDecision {
  KafkaRule rule = KafkaRule::kRestore;
  std::string_view reason;  // for kSkip: why, for the report
};

// The rule for `path` (relative to the Kafka root, "/" for the root itself).
KafkaDecision ClassifyKafkaPath(std::string_view path);

// True for ".../brokers/topics/<topic>/partitions/<n>/state".
bool IsPartitionState(std::string_view path);

// The controller_epoch field of a partition state
// ({"controller_epoch":5,"leader":1,...}); nullopt if absent or not JSON.
std::optional<int64_t> PartitionStateControllerEpoch(ByteView data);

// The integer in /controller_epoch's data ("5"); nullopt if it is not one.
std::optional<int64_t> ParseControllerEpoch(ByteView data);

// /latest_producer_id_block for the restore: the backup's block with block_end raised
// by `margin`, unless the target already holds a block ending later (then the target's
// is kept: returns nullopt). `target` is the target's current data, if the znode exists.
// Keeps the field's JSON type (Kafka writes the numbers as strings). InvalidArgument if
// the backup's data is not such a block.
Result<std::optional<Bytes>> BumpProducerIdBlock(ByteView backup, const std::optional<Bytes>& target, int64_t margin);

// The "id" of /cluster/id ({"version":"1","id":"..."}); "" if absent.
std::string ClusterIdOf(ByteView data);

}  // namespace strata::restore
