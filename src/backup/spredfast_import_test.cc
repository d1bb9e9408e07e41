#include "backup/spredfast_import.h"

#include <gtest/gtest.h>

#include "format/segment_reader.h"
#include "format/spredfast_test_util.h"
#include "storage/memory/memory_store.h"

namespace strata::backup {
namespace {

using format::spredfast::KeyMode;
using format::spredfast::testing::BuildDataObject;
using format::spredfast::testing::CursorKey;
using format::spredfast::testing::DataKey;
using format::spredfast::testing::FakeRecord;
using format::spredfast::testing::IndexKey;
using storage::MemoryStore;
using storage::ObjectKey;

class SpredfastImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto repo = Repository::Open(repo_store_, "mem://repo", OpenMode::kCreateIfMissing);
    ASSERT_TRUE(repo.ok());
    repo_ = std::make_unique<Repository>(std::move(*repo));
  }
  // One object of `chunks` at `offset`, with its index unless `index` is false.
  void Put(const std::string& date, const std::string& topic, int32_t partition, int64_t offset,
           const std::vector<std::vector<FakeRecord>>& chunks, bool with_keys, bool index = true) {
    auto o = BuildDataObject(chunks, offset, with_keys);
    ASSERT_TRUE(source_.Put(ObjectKey(DataKey("", date, topic, partition, offset)), o.gz).ok());
    if (!index) return;
    std::string index_key = IndexKey("", date, topic, partition, offset);
    ASSERT_TRUE(source_.Put(ObjectKey(index_key), o.index_json).ok());
    ASSERT_TRUE(source_.Put(ObjectKey(CursorKey("", topic, partition)), index_key).ok());
  }
  Result<SpredfastImportResult> Import(SpredfastImportOptions o = {}) {
    o.source_url = "mem://source";
    return RunSpredfastImport(source_, *repo_, o);
  }
  // Every record of the newest manifest's partition, decoded from its segments.
  std::vector<format::KafkaRecord> Records(const std::string& topic, int32_t partition) {
    std::vector<format::KafkaRecord> out;
    auto keys = repo_->ListKafkaManifests("spredfast");
    EXPECT_TRUE(keys.ok() && !keys->empty());
    auto m = repo_->ReadKafkaManifest(keys->back());
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    for (const auto& p : m->FindTopic(topic)->partitions) {
      if (p.partition != partition) continue;
      for (const auto& s : p.segments) {
        auto data = repo_store_.Get(ObjectKey(s.key));
        EXPECT_TRUE(data.ok());
        format::SegmentReader reader(*data);
        while (true) {
          auto more = reader.Next();
          if (!more.ok() || !*more) break;
          auto batch = reader.Records();
          EXPECT_TRUE(batch.ok()) << batch.status().ToString();
          if (!batch.ok()) break;
          for (const auto& r : batch.value()) out.push_back(format::ToRecord(r));
        }
      }
    }
    return out;
  }
  bool HasManifest() {
    auto keys = repo_->ListKafkaManifests("spredfast");
    return keys.ok() && !keys->empty();
  }

  MemoryStore source_{"source"};
  MemoryStore repo_store_{"repo"};
  std::unique_ptr<Repository> repo_;
};

TEST_F(SpredfastImportTest, DetectsKeysDropsOverlapAndRecordsGaps) {
  // Partition 0: offsets 0..4, then 3..7 (a re-upload after a restart), then 10..11.
  Put("2024-01-01", "t", 0, 0, {{{"a", "0"}, {"b", "1"}}, {}, {{"", "2"}, {"d", ""}, {"e", "4"}}}, true);
  Put("2024-01-02", "t", 0, 3, {{{"d", ""}, {"e", "4"}}, {{"f", "5"}, {"g", "6"}, {"h", "7"}}}, true);
  Put("2024-01-03", "t", 0, 10, {{{"k", "10"}, {"l", "11"}}}, true);
  Put("2024-01-03", "t", 2, 5, {{{"x", "5"}}}, true);
  auto r = Import();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->key_modes.at("t"), KeyMode::kWithKeys);
  EXPECT_EQ(r->topics, 1);
  EXPECT_EQ(r->partitions, 2);
  EXPECT_EQ(r->records, 11);
  EXPECT_EQ(r->duplicates, 2);
  ASSERT_EQ(r->gaps.size(), 1u);
  EXPECT_EQ(r->gaps[0], "t/0 offsets 8..9 (not_in_source)");

  auto records = Records("t", 0);
  ASSERT_EQ(records.size(), 10u);
  EXPECT_EQ(records[0].offset, 0);
  EXPECT_EQ(records[0].key, "a");
  EXPECT_EQ(records[2].key, std::nullopt);  // length 0 -> null by default
  EXPECT_EQ(records[3].value, "");          // length 0 -> empty by default
  EXPECT_EQ(records[7].offset, 7);
  EXPECT_EQ(records[8].offset, 10);
  EXPECT_EQ(records[9].value, "11");
  EXPECT_TRUE(records[0].headers.empty());

  auto keys = repo_->ListKafkaManifests("spredfast");
  auto m = repo_->ReadKafkaManifest(keys->back());
  ASSERT_TRUE(m.ok());
  const auto* t = m->FindTopic("t");
  EXPECT_EQ(t->partition_count, 3);
  EXPECT_EQ(t->replication_factor, 0);
  EXPECT_EQ(t->partitions[1].log_start_offset, 5);
  EXPECT_EQ(t->partitions[0].next_offset, 12);
  ASSERT_TRUE(m->imported);
  EXPECT_EQ(m->imported->tool, "spredfast");
}

TEST_F(SpredfastImportTest, WithoutKeysAndEmptyValuesAsTombstones) {
  Put("2024-01-01", "c", 0, 0, {{{"", "v"}, {"", ""}}, {{"", "w"}}}, false);
  SpredfastImportOptions o;
  o.empty_values_are_null = true;
  auto r = Import(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->key_modes.at("c"), KeyMode::kWithoutKeys);
  auto records = Records("c", 0);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].key, std::nullopt);
  EXPECT_EQ(records[1].value, std::nullopt);
  EXPECT_EQ(records[2].value, "w");
}

TEST_F(SpredfastImportTest, UndecidableKeyModeAsksForTheFlag) {
  // Only empty chunks: both readings fit.
  Put("2024-01-01", "e", 0, 0, {{}, {}}, true);
  auto r = Import();
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("--include-keys"), std::string::npos) << r.status().ToString();
  EXPECT_FALSE(HasManifest());
  // Without any index there is nothing to decide from either.
  auto o = BuildDataObject({{{"k", "v"}}}, 0, true);
  ASSERT_TRUE(source_.Put(ObjectKey(DataKey("", "2024-01-01", "n", 0, 0)), o.gz).ok());
  SpredfastImportOptions opts;
  opts.topics = {"n"};
  EXPECT_EQ(Import(opts).status().code(), StatusCode::kInvalidArgument);
  opts.key_mode = KeyMode::kWithKeys;
  auto forced = Import(opts);
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_EQ(forced->records, 1);
}

TEST_F(SpredfastImportTest, CorruptObjectFailsWithoutManifest) {
  Put("2024-01-01", "t", 0, 0, {{{"a", "0"}}}, true);
  auto o = BuildDataObject({{{"b", "1"}, {"c", "2"}}}, 1, true);
  std::string data_key = DataKey("", "2024-01-02", "t", 0, 1);
  ASSERT_TRUE(source_.Put(ObjectKey(data_key), o.gz).ok());
  // The index claims one record fewer.
  std::string index = o.index_json;
  index.replace(index.find("\"num_records\":2"), 15, "\"num_records\":1");
  ASSERT_TRUE(source_.Put(ObjectKey(IndexKey("", "2024-01-02", "t", 0, 1)), index).ok());
  SpredfastImportOptions opts;
  opts.key_mode = KeyMode::kWithKeys;
  auto r = Import(opts);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find(data_key), std::string::npos) << r.status().ToString();
  EXPECT_FALSE(HasManifest());
}

TEST_F(SpredfastImportTest, SelectionAndNothingFound) {
  EXPECT_EQ(Import().status().code(), StatusCode::kNotFound);
  Put("2024-01-01", "a", 0, 0, {{{"k", "v"}}}, true);
  SpredfastImportOptions o;
  o.topics = {"missing"};
  EXPECT_EQ(Import(o).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(FindSpredfastObject(source_).ok());
  EXPECT_EQ(**FindSpredfastObject(source_), DataKey("", "2024-01-01", "a", 0, 0));
  EXPECT_FALSE(*FindSpredfastObject(repo_store_));
  SpredfastImportOptions bad;
  bad.cluster = "a/b";
  EXPECT_EQ(Import(bad).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::backup
