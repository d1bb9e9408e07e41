// Test helper: writes Kafka backups (segments, indexes, manifests) into a MemoryStore
// repository, as `strata backup kafka` lays them out, so restore and verify can be tested
// without a cluster. Thread-compatible.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backup/repository.h"
#include "format/kafka_manifest.h"
#include "format/kafka_record.h"
#include "format/segment_builder.h"
#include "storage/memory/memory_store.h"

namespace strata::restore::testing {

inline format::KafkaRecord Rec(int64_t offset, std::optional<Bytes> key, std::optional<Bytes> value,
                               std::vector<format::KafkaHeader> headers = {}, int64_t ts = 0) {
  format::KafkaRecord r;
  r.offset = offset;
  r.timestamp_ms = ts != 0 ? ts : 1'700'000'000'000 + offset;
  r.key = std::move(key);
  r.value = std::move(value);
  r.headers = std::move(headers);
  return r;
}

// `n` records at offsets first, first+step, ... with distinct values.
inline std::vector<format::KafkaRecord> Records(int64_t first, int n, int64_t step = 1) {
  std::vector<format::KafkaRecord> out;
  for (int i = 0; i < n; ++i) {
    int64_t o = first + i * step;
    out.push_back(Rec(o, Bytes("k" + std::to_string(o)), Bytes("value-" + std::to_string(o))));
  }
  return out;
}

class TestBackup {
 public:
  TestBackup() : store_(std::make_unique<storage::MemoryStore>("test")) {
    auto repo = backup::Repository::Open(*store_, "mem://test", backup::OpenMode::kCreateIfMissing);
    EXPECT_TRUE(repo.ok());
    repo_ = std::make_unique<backup::Repository>(std::move(*repo));
  }

  storage::MemoryStore& store() { return *store_; }
  const backup::Repository& repo() const { return *repo_; }

  // Encodes `records` into segments of at most `per_segment` records (small batches, so
  // segments have several) and returns the partition's state for a manifest.
  format::PartitionState Partition(const std::string& topic, int32_t partition,
                                   const std::vector<format::KafkaRecord>& records, size_t per_segment = 1000,
                                   format::Compression compression = format::Compression::kZstd) {
    format::PartitionState p;
    p.partition = partition;
    for (size_t start = 0; start < records.size(); start += per_segment) {
      format::BatchEncoderOptions o;
      o.compression = compression;
      o.max_batch_records = 16;
      format::SegmentBuilder b(o);
      size_t end = std::min(records.size(), start + per_segment);
      for (size_t i = start; i < end; ++i) EXPECT_TRUE(b.Add(records[i]).ok());
      auto summary = b.Finish();
      EXPECT_TRUE(summary.ok());
      auto index = b.Index();
      format::SegmentRef ref;
      ref.key = backup::Repository::KafkaSegmentKey("c", topic, partition, summary->base_offset, summary->last_offset,
                                                    "0000000" + std::to_string(++run_ % 10), ".log");
      ref.index_key = ref.key + ".idx";
      ref.base_offset = summary->base_offset;
      ref.last_offset = summary->last_offset;
      ref.records = summary->record_count;
      ref.bytes = static_cast<int64_t>(summary->size_bytes);
      ref.min_timestamp = summary->min_timestamp;
      ref.max_timestamp = summary->max_timestamp;
      ref.crc32c = summary->crc32c;
      ref.sha256 = summary->sha256_hex;
      // SegmentBuilder's pending() holds the whole object when nothing was cleared.
      EXPECT_TRUE(store_->Put(storage::ObjectKey(ref.key), b.pending()).ok());
      EXPECT_TRUE(store_->Put(storage::ObjectKey(ref.index_key), index->Serialize()).ok());
      p.segments.push_back(ref);
      p.records += ref.records;
    }
    int64_t next = records.empty() ? 0 : records.back().offset + 1;
    p.high_watermark = p.next_offset = next;
    return p;
  }

  // Writes a manifest with `topics` and `groups`; `second` orders manifests in time.
  std::string Manifest(int second, std::vector<format::TopicState> topics, std::vector<format::GroupState> groups = {}) {
    format::KafkaManifest m;
    char id[64];
    std::snprintf(id, sizeof(id), "20260101T0000%02d.000Z-%08d", second, second);
    m.id = id;
    m.cluster = "c";
    m.created = "2026-01-01T00:00:00.000Z";
    m.complete = true;
    m.topics = std::move(topics);
    m.consumer_groups = std::move(groups);
    EXPECT_TRUE(repo_->WriteKafkaManifest(m).ok());
    return m.id;
  }

 private:
  std::unique_ptr<storage::MemoryStore> store_;
  std::unique_ptr<backup::Repository> repo_;
  int run_ = 0;
};

inline format::TopicState Topic(const std::string& name, std::vector<format::PartitionState> partitions,
                                std::map<std::string, std::string> configs = {}) {
  format::TopicState t;
  t.name = name;
  for (const auto& p : partitions) t.partition_count = std::max(t.partition_count, p.partition + 1);
  t.replication_factor = 1;
  t.configs = std::move(configs);
  t.partitions = std::move(partitions);
  return t;
}

}  // namespace strata::restore::testing
