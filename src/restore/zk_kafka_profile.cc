#include "restore/zk_kafka_profile.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace strata::restore {

namespace {

// A child of `dir` (exactly one component below it).
bool IsChildOf(std::string_view path, std::string_view dir) {
  if (path.size() <= dir.size() + 1 || path.compare(0, dir.size(), dir) != 0 || path[dir.size()] != '/') return false;
  return path.find('/', dir.size() + 1) == std::string_view::npos;
}

struct SkipChildren {
  std::string_view dir;
  std::string_view reason;
};

// Sequential work queues: restoring old entries would make brokers skip new ones (they
// only process sequence numbers above the last one they executed).
constexpr SkipChildren kQueues[] = {
    {"/config/changes", "config change notification (queue entry)"},
    {"/isr_change_notification", "ISR change notification (queue entry)"},
    {"/log_dir_event_notification", "log dir event notification (queue entry)"},
    {"/kafka-acl-changes", "ACL change notification (queue entry)"},
    {"/kafka-acl-extended-changes", "ACL change notification (queue entry)"},
    {"/delegation_token/token_changes", "token change notification (queue entry)"},
    {"/brokers/ids", "broker registration (the broker registers itself)"},
    {"/admin/delete_topics", "pending topic deletion (would delete the topic again)"},
};

std::optional<int64_t> ParseInt(std::string_view s) {
  std::string v(s);
  if (v.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return n;
}

std::optional<int64_t> JsonInt(const nlohmann::ordered_json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) return ParseInt(v.get<std::string>());
  return std::nullopt;
}

}  // namespace

KafkaDecision ClassifyKafkaPath(std::string_view path) {
  if (path == "/controller") return {KafkaRule::kSkip, "controller election (the brokers elect one)"};
  if (path == "/admin/reassign_partitions") return {KafkaRule::kSkip, "pending partition reassignment"};
  if (path == "/admin/preferred_replica_election") return {KafkaRule::kSkip, "pending preferred leader election"};
  if (path == "/migration") return {KafkaRule::kSkip, "KRaft migration state (unsafe to restore)"};
  for (const auto& q : kQueues) {
    if (IsChildOf(path, q.dir)) return {KafkaRule::kSkip, q.reason};
  }
  if (path == "/controller_epoch") return {KafkaRule::kControllerEpoch, {}};
  if (path == "/latest_producer_id_block") return {KafkaRule::kProducerIdBlock, {}};
  if (path == "/brokers/seqid") return {KafkaRule::kBrokerSeqid, {}};
  if (path == "/cluster/id") return {KafkaRule::kClusterId, {}};
  return {KafkaRule::kRestore, {}};
}

bool IsPartitionState(std::string_view path) {
  // /brokers/topics/<t>/partitions/<p>/state
  constexpr std::string_view kTopics = "/brokers/topics/";
  if (path.rfind(kTopics, 0) != 0) return false;
  std::string_view rest = path.substr(kTopics.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  rest = rest.substr(slash);
  constexpr std::string_view kPartitions = "/partitions/";
  if (rest.rfind(kPartitions, 0) != 0) return false;
  rest = rest.substr(kPartitions.size());
  slash = rest.find('/');
  return slash != std::string_view::npos && slash > 0 && rest.substr(slash) == "/state";
}

std::optional<int64_t> PartitionStateControllerEpoch(ByteView data) {
  auto doc = nlohmann::ordered_json::parse(data.begin(), data.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("controller_epoch")) return std::nullopt;
  return JsonInt(doc["controller_epoch"]);
}

std::optional<int64_t> ParseControllerEpoch(ByteView data) {
  std::string_view s = data;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  return ParseInt(s);
}

Result<std::optional<Bytes>> BumpProducerIdBlock(ByteView backup, const std::optional<Bytes>& target, int64_t margin) {
  auto doc = nlohmann::ordered_json::parse(backup.begin(), backup.end(), nullptr, false);
  std::optional<int64_t> end;
  if (!doc.is_discarded() && doc.is_object() && doc.contains("block_end")) end = JsonInt(doc["block_end"]);
  if (!end) {
    return InvalidArgumentError("/latest_producer_id_block in the backup is not a producer id block (no block_end)");
  }
  int64_t bumped = *end + margin;
  if (target) {
    auto t = nlohmann::ordered_json::parse(target->begin(), target->end(), nullptr, false);
    if (!t.is_discarded() && t.is_object() && t.contains("block_end")) {
      std::optional<int64_t> target_end = JsonInt(t["block_end"]);
      if (target_end && *target_end >= bumped) return std::optional<Bytes>();
    }
  }
  if (doc["block_end"].is_string()) {
    doc["block_end"] = std::to_string(bumped);
  } else {
    doc["block_end"] = bumped;
  }
  return std::optional<Bytes>(doc.dump());
}

std::string ClusterIdOf(ByteView data) {
  auto doc = nlohmann::ordered_json::parse(data.begin(), data.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("id") || !doc["id"].is_string()) return "";
  return doc["id"].get<std::string>();
}

}  // namespace strata::restore
