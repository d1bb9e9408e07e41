#include "restore/verify.h"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "restore/offset_map.h"
#include "restore/restore_log.h"
#include "restore/segment_check.h"

namespace strata::restore {
namespace {

void CheckCounts(const format::KafkaManifest& m, const std::string& where, std::vector<std::string>* problems) {
  for (const auto& t : m.topics) {
    for (const auto& p : t.partitions) {
      std::string at = fmt::format("{}: {} partition {}", where, t.name, p.partition);
      int64_t sum = 0;
      for (const auto& s : p.segments) {
        sum += s.records;
        if (s.records > 0 && (s.last_offset < s.base_offset || s.records > s.last_offset - s.base_offset + 1)) {
          problems->push_back(fmt::format("{}: segment {} holds {} records in offsets {}..{}", at, s.key, s.records,
                                          s.base_offset, s.last_offset));
        }
        if (s.records > 0 && s.last_offset >= p.next_offset) {
          problems->push_back(fmt::format("{}: segment {} reaches offset {}, past next_offset {}", at, s.key,
                                          s.last_offset, p.next_offset));
        }
      }
      if (sum != p.records) {
        problems->push_back(fmt::format("{}: records is {}, its segments hold {}", at, p.records, sum));
      }
      for (const auto& g : p.gaps) {
        if (g.from > g.to || g.to >= p.next_offset) {
          problems->push_back(fmt::format("{}: gap {}..{} is outside the backed-up range", at, g.from, g.to));
        }
      }
    }
  }
}

bool HasSuffix(const std::string& key, std::string_view suffix) {
  return key.size() >= suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<VerifyResult> VerifyRepository(const backup::Repository& repo, const VerifyOptions& options,
                                      const VerifyProgressCallback& progress) {
  VerifyResult result;
  std::vector<std::string> clusters;
  if (options.cluster) {
    clusters.push_back(*options.cluster);
  } else {
    STRATA_ASSIGN_OR_RETURN(clusters, ListKafkaClusters(repo));
  }
  if (clusters.empty()) return NotFoundError(fmt::format("{} holds no Kafka backup", repo.url()));
  std::map<std::string, std::pair<format::SegmentRef, std::string>> segments;  // key -> (ref, manifest)
  for (const auto& cluster : clusters) {
    std::vector<std::string> keys;
    if (options.snapshot) {
      auto state = LoadSnapshot(repo, cluster, *options.snapshot);
      if (!state.ok() &&
          (state.status().code() == StatusCode::kNotFound || backup::StopsRepositoryCheck(state.status()))) {
        return state.status();
      }
      if (!state.ok()) {
        result.problems.push_back(state.status().message());
        continue;
      }
      keys = state->manifest_keys;
    } else {
      STRATA_ASSIGN_OR_RETURN(keys, repo.ListKafkaManifests(cluster));
    }
    for (const auto& key : keys) {
      auto m = repo.ReadKafkaManifest(key);
      if (!m.ok()) {
        if (backup::StopsRepositoryCheck(m.status())) return m.status();
        result.problems.push_back(m.status().message());
        continue;
      }
      ++result.manifests;
      std::string where = repo.store().Describe(storage::ObjectKey(key));
      CheckCounts(*m, where, &result.problems);
      for (const auto& t : m->topics) {
        for (const auto& p : t.partitions) {
          for (const auto& s : p.segments) {
            auto [it, fresh] = segments.try_emplace(s.key, s, where);
            if (!fresh && !(it->second.first == s)) {
              result.problems.push_back(fmt::format("{}: segment {} is described differently than in {}", where,
                                                    s.key, it->second.second));
            }
          }
        }
      }
    }
    // The restore records and offset maps of the cluster must parse too.
    STRATA_ASSIGN_OR_RETURN(auto objects, storage::ListAll(repo.store(), fmt::format("kafka/{}/restores/", cluster)));
    for (const auto& o : objects) {
      storage::ObjectKey key(o.key);
      auto bytes = repo.store().Get(key);
      if (!bytes.ok()) return bytes.status();
      std::string where = repo.store().Describe(key);
      Status s;
      if (HasSuffix(o.key, "/offset-map.json")) {
        s = ParseOffsetMap(*bytes, where).status();
      } else if (HasSuffix(o.key, "/restore.json")) {
        s = ParseRestoreRecord(*bytes, where).status();
      } else {
        s = ParseProgress(*bytes, where).status();
      }
      ++result.restore_records;
      if (!s.ok()) result.problems.push_back(s.message());
    }
  }

  std::vector<const format::SegmentRef*> work;
  for (const auto& [key, entry] : segments) work.push_back(&entry.first);
  result.segments = static_cast<int>(work.size());
  std::atomic<size_t> next{0};
  std::atomic<int> done{0};
  std::atomic<int64_t> bytes{0}, records{0};
  std::mutex mu;
  Status stop;
  auto check = [&] {
    while (!options.cancel.cancelled()) {
      size_t i = next.fetch_add(1);
      if (i >= work.size()) return;
      const format::SegmentRef& ref = *work[i];
      storage::ObjectKey key(ref.key);
      std::string where = repo.store().Describe(key);
      Status s;
      auto index = LoadIndex(repo.store(), ref);
      Result<Bytes> data = index.ok() ? repo.store().Get(key) : Result<Bytes>(index.status());
      if (data.ok()) {
        bytes += static_cast<int64_t>(data->size()) + 20 + 32 * static_cast<int64_t>(index->entries().size());
        s = CheckSegmentObject(*data, ref, *index, where);
        if (s.ok()) records += ref.records;
      } else {
        s = data.status();
        if (s.code() == StatusCode::kNotFound) s = NotFoundError(fmt::format("missing object: {}", s.message()));
      }
      std::lock_guard<std::mutex> lock(mu);
      if (!s.ok()) {
        if (backup::StopsRepositoryCheck(s)) {
          if (stop.ok()) stop = s;
          next = work.size();
          return;
        }
        result.problems.push_back(s.message());
      }
      ++done;
      if (progress) progress({done.load(), static_cast<int>(work.size()), bytes.load()});
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, options.threads); ++t) threads.emplace_back(check);
  for (auto& t : threads) t.join();
  if (options.cancel.cancelled()) return CancelledError("verify cancelled");
  if (!stop.ok()) return stop;
  result.bytes = bytes.load();
  result.records = records.load();
  return result;
}

}  // namespace strata::restore
