#include "backup/spredfast_plan.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "format/spredfast_layout.h"

namespace strata::backup::spredfast {

std::map<TopicPartition, PartitionFiles> GroupObjects(const std::vector<storage::ObjectInfo>& listing) {
  std::set<std::string> keys;
  for (const auto& o : listing) keys.insert(o.key);
  struct Candidate {
    SourceFile file;
    std::string directory;
  };
  std::map<TopicPartition, std::vector<Candidate>> found;
  for (const auto& o : listing) {
    std::optional<format::spredfast::DataKey> k = format::spredfast::ParseDataKey(o.key);
    if (!k) continue;
    Candidate c;
    c.file.key = o.key;
    std::string index = format::spredfast::IndexKeyFor(o.key);
    if (keys.count(index)) c.file.index_key = index;
    c.file.start_offset = k->start_offset;
    c.file.size = o.size;
    c.file.mtime_unix_ms = o.mtime_unix_ms;
    c.directory = k->directory;
    found[{k->topic, k->partition}].push_back(std::move(c));
  }
  std::map<TopicPartition, PartitionFiles> out;
  for (auto& [tp, candidates] : found) {
    // Newest copy of each start offset first.
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return std::tie(a.file.start_offset, b.directory, b.file.mtime_unix_ms, b.file.key) <
             std::tie(b.file.start_offset, a.directory, a.file.mtime_unix_ms, a.file.key);
    });
    PartitionFiles& pf = out[tp];
    pf.topic = tp.first;
    pf.partition = tp.second;
    for (auto& c : candidates) {
      if (!pf.files.empty() && pf.files.back().start_offset == c.file.start_offset) {
        pf.superseded.push_back(c.file.key);
      } else {
        pf.files.push_back(std::move(c.file));
      }
    }
  }
  return out;
}

std::optional<OffsetTracker::Gap> OffsetTracker::StartObject(int64_t start_offset) const {
  if (start_offset <= next_) return std::nullopt;
  return Gap{next_, start_offset - 1};
}

OffsetTracker::Verdict OffsetTracker::Record(int64_t offset) {
  if (offset < next_) {
    ++duplicates_;
    return Verdict::kDuplicate;
  }
  next_ = offset + 1;
  return Verdict::kKeep;
}

}  // namespace strata::backup::spredfast
