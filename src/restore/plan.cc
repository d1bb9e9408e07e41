#include "restore/plan.h"

#include <fmt/format.h>

#include <regex>
#include <set>

namespace strata::restore {

int64_t RestorePlan::records() const {
  int64_t n = 0;
  for (const auto& t : topics) {
    for (const auto& p : t.partitions) n += p.records;
  }
  return n;
}

int64_t RestorePlan::bytes() const {
  int64_t n = 0;
  for (const auto& t : topics) {
    for (const auto& p : t.partitions) n += p.bytes;
  }
  return n;
}

size_t RestorePlan::partition_count() const {
  size_t n = 0;
  for (const auto& t : topics) n += t.partitions.size();
  return n;
}

const TopicPlan* RestorePlan::FindSource(const std::string& source) const {
  for (const auto& t : topics) {
    if (t.source == source) return &t;
  }
  return nullptr;
}

namespace {

PartitionPlan PlanPartition(const std::string& source, const std::string& target, const format::PartitionState& p,
                            std::optional<int64_t> until) {
  PartitionPlan out;
  out.source_topic = source;
  out.target_topic = target;
  out.partition = p.partition;
  for (const auto& s : p.segments) {
    if (until && s.records > 0 && s.min_timestamp > *until) continue;
    if (until && s.max_timestamp > *until) out.records_exact = false;
    out.records += s.records;
    out.bytes += s.bytes;
    out.segments.push_back(s);
  }
  return out;
}

}  // namespace

Result<RestorePlan> BuildPlan(SnapshotState snapshot, const PlanOptions& options) {
  RestorePlan plan;
  plan.until_ms = options.until_ms;
  std::vector<std::string> names = options.topics;
  if (names.empty()) {
    for (const auto& [name, t] : snapshot.topics) names.push_back(name);
  }
  std::set<std::string> selected;
  for (const auto& n : names) {
    if (!snapshot.topics.count(n)) {
      return NotFoundError(fmt::format("topic \"{}\" is not in snapshot {} of cluster \"{}\"", n,
                                       snapshot.snapshot_id, snapshot.cluster));
    }
    selected.insert(n);
  }
  for (const auto& [from, to] : options.renames) {
    if (!selected.count(from)) {
      return InvalidArgumentError(fmt::format("--rename {}:{}: topic \"{}\" is not restored", from, to, from));
    }
  }
  std::map<std::string, std::string> target_owner;
  std::set<int32_t> partitions_seen;
  for (const auto& name : selected) {
    const format::TopicState& t = snapshot.topics.at(name);
    TopicPlan tp;
    tp.source = name;
    auto rename = options.renames.find(name);
    tp.target = rename == options.renames.end() ? name : rename->second;
    if (auto [it, fresh] = target_owner.emplace(tp.target, name); !fresh) {
      return InvalidArgumentError(
          fmt::format("topics \"{}\" and \"{}\" would both be restored as \"{}\"", it->second, name, tp.target));
    }
    tp.partition_count = t.partition_count;
    tp.replication_factor = t.replication_factor;
    tp.configs = t.configs;
    auto ts_type = t.configs.find("message.timestamp.type");
    tp.log_append_time = ts_type != t.configs.end() && ts_type->second == "LogAppendTime";
    for (const auto& p : t.partitions) {
      if (options.partitions && !options.partitions->count(p.partition)) continue;
      partitions_seen.insert(p.partition);
      tp.partitions.push_back(PlanPartition(name, tp.target, p, options.until_ms));
    }
    plan.topics.push_back(std::move(tp));
  }
  if (options.partitions) {
    if (partitions_seen.empty()) {
      return NotFoundError("none of the selected topics has any of the partitions given with --partitions");
    }
    for (int32_t p : *options.partitions) {
      if (!partitions_seen.count(p)) {
        return NotFoundError(fmt::format("--partitions: no selected topic has partition {} in the backup", p));
      }
    }
  }
  if (!options.skip_groups) {
    std::regex re;
    try {
      re = std::regex(options.groups_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return InvalidArgumentError(fmt::format("--groups \"{}\": not a valid regular expression: {}",
                                              options.groups_regex, e.what()));
    }
    for (const auto& g : snapshot.groups) {
      if (!std::regex_match(g.group, re)) continue;
      format::GroupState kept{g.group, {}};
      for (const auto& o : g.offsets) {
        const TopicPlan* tp = nullptr;
        for (const auto& t : plan.topics) {
          if (t.source == o.topic) tp = &t;
        }
        if (tp == nullptr) continue;
        for (const auto& p : tp->partitions) {
          if (p.partition == o.partition) kept.offsets.push_back(o);
        }
      }
      if (!kept.offsets.empty()) plan.groups.push_back(std::move(kept));
    }
  }
  plan.snapshot = std::move(snapshot);
  return plan;
}

}  // namespace strata::restore
