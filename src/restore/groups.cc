#include "restore/groups.h"

#include <fmt/format.h>

#include <thread>

namespace strata::restore {
namespace {
constexpr auto kCommitRetryWait = std::chrono::milliseconds(500);
// Commits are retried for this many request timeouts in all.
constexpr int kCommitPatience = 4;
}  // namespace

std::vector<kafka::GroupOffset> TranslateGroup(const format::GroupState& group, const RestorePlan& plan,
                                               const OffsetsBySource& offsets) {
  std::vector<kafka::GroupOffset> out;
  for (const auto& o : group.offsets) {
    const TopicPlan* tp = plan.FindSource(o.topic);
    auto it = offsets.find({o.topic, o.partition});
    if (tp == nullptr || it == offsets.end()) continue;
    out.push_back({tp->target, o.partition, it->second.Translate(o.offset), o.metadata});
  }
  return out;
}

std::vector<GroupOutcome> CommitGroups(Target& target, const RestorePlan& plan, const OffsetsBySource& offsets,
                                       std::chrono::milliseconds timeout) {
  std::vector<GroupOutcome> outcomes;
  for (const auto& g : plan.groups) {
    GroupOutcome outcome;
    outcome.group = g.group;
    std::vector<kafka::GroupOffset> translated = TranslateGroup(g, plan, offsets);
    outcome.partitions = static_cast<int>(translated.size());
    Deadline deadline = Deadline::After(timeout * kCommitPatience);
    while (!translated.empty()) {
      Status s = target.CommitGroupOffsets(g.group, translated, Deadline::Min(deadline, Deadline::After(timeout)));
      // A coordinator may not know a topic created moments ago, and a new cluster creates
      // its offsets topic (and so the coordinators) on the first commit: that passes.
      if ((s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kNotFound ||
           s.code() == StatusCode::kDeadlineExceeded) &&
          !deadline.Expired()) {
        std::this_thread::sleep_for(kCommitRetryWait);
        continue;
      }
      if (s.code() == StatusCode::kFailedPrecondition) {
        s = FailedPreconditionError(fmt::format(
            "consumer group \"{}\" has active members in the target, so its offsets were not restored; stop its "
            "consumers and run the restore again (it only commits the offsets then): {}",
            g.group, s.message()));
      }
      outcome.status = s;
      break;
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace strata::restore
