#include "restore/prepare.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "restore/pipeline.h"

namespace strata::restore::internal {
namespace {

constexpr char kMinInsyncReplicas[] = "min.insync.replicas";
constexpr char kRetentionMs[] = "retention.ms";

// The brokers delete records older than retention.ms soon after they are written.
void WarnAboutRetention(const TopicPlan& tp, std::vector<std::string>* warnings) {
  auto it = tp.configs.find(kRetentionMs);
  int64_t retention = 0;
  if (it == tp.configs.end() ||
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), retention).ec != std::errc() ||
      retention <= 0) {
    return;
  }
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  int64_t old = 0;
  for (const auto& p : tp.partitions) {
    for (const auto& s : p.segments) {
      if (s.records > 0 && s.max_timestamp < now - retention) old += s.records;
    }
  }
  if (old > 0) {
    warnings->push_back(fmt::format(
        "topic \"{}\": {} records are older than its retention.ms ({} ms); the brokers will delete them soon after "
        "the restore (create the topic with a longer retention.ms first if they must stay)",
        tp.target, old, retention));
  }
}

}  // namespace

Result<std::vector<TopicTarget>> InspectTopics(Target& target, const RestorePlan& plan,
                                               const KafkaRestoreOptions& options, std::vector<TopicOutcome>* outcomes,
                                               std::vector<std::string>* warnings) {
  auto rpc = [&] { return Deadline::After(options.request_timeout); };
  STRATA_ASSIGN_OR_RETURN(int brokers, target.BrokerCount(rpc()));
  std::vector<TopicTarget> out;
  for (const TopicPlan& tp : plan.topics) {
    TopicTarget t;
    TopicOutcome o;
    o.source = tp.source;
    o.target = tp.target;
    o.partitions = static_cast<int32_t>(tp.partitions.size());
    int32_t needed = 0;
    for (const auto& p : tp.partitions) {
      needed = std::max(needed, p.partition + 1);
      o.records += p.records;
      o.bytes += p.bytes;
    }
    // A whole topic needs all its partitions; a selection those it names.
    if (!options.plan.partitions) needed = std::max(needed, tp.partition_count);
    auto described = target.DescribeTopic(tp.target, rpc());
    if (described.ok()) {
      t.exists = true;
      t.partitions = described->partitions;
      t.log_append_time = described->log_append_time;
      if (t.partitions < needed) {
        return RefusalError(fmt::format(
            "topic \"{}\" has {} partitions in the target, the restore needs {} (the backup of \"{}\" has {}); "
            "add partitions (kafka-topics --alter --partitions {}), restore into a new topic with --rename, or "
            "choose partitions with --partitions",
            tp.target, t.partitions, needed, tp.source, tp.partition_count, needed));
      }
    } else if (described.status().code() == StatusCode::kNotFound) {
      t.spec.name = tp.target;
      t.spec.partitions = std::max(tp.partition_count, needed);
      int rf = options.replication_factor ? *options.replication_factor : tp.replication_factor;
      if (rf > brokers) {
        return InvalidArgumentError(fmt::format(
            "topic \"{}\" had replication factor {} but the target has {} broker(s); choose one with "
            "--replication-factor",
            tp.source, rf, brokers));
      }
      t.spec.replication_factor = static_cast<int16_t>(rf > 0 ? rf : -1);
      t.spec.configs = tp.configs;
      auto mir = t.spec.configs.find(kMinInsyncReplicas);
      int value = 0;
      if (mir != t.spec.configs.end() && rf > 0 &&
          std::from_chars(mir->second.data(), mir->second.data() + mir->second.size(), value).ec == std::errc() &&
          value > rf) {
        warnings->push_back(fmt::format("{}: min.insync.replicas {} is above the replication factor {}; set to {}",
                                        tp.target, value, rf, rf));
        mir->second = std::to_string(rf);
      }
      t.partitions = t.spec.partitions;
      t.log_append_time = tp.log_append_time;
      WarnAboutRetention(tp, warnings);
    } else {
      return described.status();
    }
    o.created = !t.exists;
    o.target_partition_count = t.partitions;
    o.log_append_time = t.log_append_time;
    if (t.log_append_time) {
      warnings->push_back(fmt::format(
          "topic \"{}\" uses LogAppendTime: the brokers give the restored records the time they are written, not "
          "their backed-up timestamps",
          tp.target));
    }
    outcomes->push_back(std::move(o));
    out.push_back(std::move(t));
  }
  return out;
}

Status CreateTopics(Target& target, const RestorePlan& plan, std::vector<TopicTarget>& topics,
                    std::chrono::milliseconds timeout) {
  for (size_t i = 0; i < topics.size(); ++i) {
    TopicTarget& t = topics[i];
    if (t.exists) continue;
    Status s = target.CreateTopic(t.spec, Deadline::After(timeout));
    if (s.code() == StatusCode::kAlreadyExists) {
      // Someone made it meanwhile (or a timed-out earlier call did): check it again.
      STRATA_ASSIGN_OR_RETURN(TargetTopic now, target.DescribeTopic(t.spec.name, Deadline::After(timeout)));
      if (now.partitions < t.spec.partitions) {
        return RefusalError(fmt::format("topic \"{}\" appeared meanwhile with {} partitions, fewer than {}",
                                        t.spec.name, now.partitions, t.spec.partitions));
      }
      s = OkStatus();
    }
    if (!s.ok()) return s.WithContext(fmt::format("create topic \"{}\" (from \"{}\")", t.spec.name, plan.topics[i].source));
    t.exists = true;
  }
  return OkStatus();
}

Status CheckGroupsIdle(Target& target, const RestorePlan& plan, std::chrono::milliseconds timeout) {
  if (plan.groups.empty()) return OkStatus();
  STRATA_ASSIGN_OR_RETURN(std::vector<kafka::GroupInfo> groups, target.ListGroups(Deadline::After(timeout)));
  for (const auto& g : plan.groups) {
    for (const auto& info : groups) {
      if (info.name != g.group || info.member_count == 0) continue;
      return RefusalError(fmt::format(
          "consumer group \"{}\" has {} active member(s) in the target; stop its consumers first (or leave the group "
          "out with --groups / --skip-groups)",
          g.group, info.member_count));
    }
  }
  return OkStatus();
}

}  // namespace strata::restore::internal
