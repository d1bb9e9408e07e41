#include "backup/repository.h"

#include <gtest/gtest.h>

#include "storage/memory/memory_store.h"

namespace strata::backup {
namespace {

using storage::MemoryStore;
using storage::ObjectKey;

TEST(RepositoryTest, CreatesMarkerInEmptyLocationOnly) {
  MemoryStore store;
  EXPECT_EQ(Repository::Open(store, "mem://a", OpenMode::kExisting).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(Repository::Open(store, "mem://a", OpenMode::kCreateIfMissing).ok());
  EXPECT_TRUE(store.Head(ObjectKey("strata.json")).ok());
  EXPECT_TRUE(Repository::Open(store, "mem://a", OpenMode::kExisting).ok());
}

TEST(RepositoryTest, RefusesForeignLocationAndNewerVersion) {
  MemoryStore foreign;
  ASSERT_TRUE(foreign.Put(ObjectKey("photos/cat.jpg"), "meow").ok());
  auto r = Repository::Open(foreign, "mem://f", OpenMode::kCreateIfMissing);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("not a strata repository"), std::string::npos);

  MemoryStore newer;
  ASSERT_TRUE(newer.Put(ObjectKey("strata.json"), R"({"format":"strata-repository","version":9})").ok());
  auto n = Repository::Open(newer, "mem://n", OpenMode::kExisting);
  EXPECT_EQ(n.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(n.status().message().find("version 9"), std::string::npos);

  MemoryStore broken;
  ASSERT_TRUE(broken.Put(ObjectKey("strata.json"), R"({"format":"strata-rep)").ok());
  EXPECT_EQ(Repository::Open(broken, "mem://b", OpenMode::kExisting).status().code(), StatusCode::kDataLoss);
}

format::KafkaManifest Manifest(const std::string& id, const std::string& topic, std::vector<int> partitions,
                               int64_t next) {
  format::KafkaManifest m;
  m.id = id;
  m.cluster = "c";
  m.created = "2026-01-01T00:00:00.000Z";
  format::TopicState t{topic, 4, 1, {}, {}};
  for (int p : partitions) t.partitions.push_back({p, 0, next, next, 0, {}, {}});
  m.topics.push_back(t);
  return m;
}

TEST(RepositoryTest, LatestStateTakesNewestManifestPerPartition) {
  MemoryStore store;
  auto repo = Repository::Open(store, "mem://l", OpenMode::kCreateIfMissing);
  ASSERT_TRUE(repo.ok());
  ASSERT_TRUE(repo->WriteKafkaManifest(Manifest("20260101T000000.000Z-00000001", "a", {0, 1}, 10)).ok());
  ASSERT_TRUE(repo->WriteKafkaManifest(Manifest("20260101T000001.000Z-00000002", "a", {1}, 20)).ok());
  ASSERT_TRUE(repo->WriteKafkaManifest(Manifest("20260101T000002.000Z-00000003", "b", {0}, 5)).ok());
  // Write-once: the same id cannot be written twice.
  EXPECT_EQ(repo->WriteKafkaManifest(Manifest("20260101T000002.000Z-00000003", "b", {0}, 5)).code(),
            StatusCode::kAlreadyExists);
  auto state = repo->LatestKafkaState("c");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->topics.size(), 2u);
  const auto& a = state->topics.at("a");
  ASSERT_EQ(a.partitions.size(), 2u);
  EXPECT_EQ(a.partitions[0].next_offset, 10);
  EXPECT_EQ(a.partitions[1].next_offset, 20);
  EXPECT_EQ(state->topics.at("b").partitions[0].next_offset, 5);
  EXPECT_EQ(state->manifest_keys.size(), 3u);
}

TEST(RepositoryTest, SegmentKeysSortByOffset) {
  EXPECT_EQ(Repository::KafkaSegmentKey("c", "t", 3, 5, 17, "abcd1234", ".log"),
            "kafka/c/segments/t/3/00000000000000000005-00000000000000000017-abcd1234.log");
}

}  // namespace
}  // namespace strata::backup
