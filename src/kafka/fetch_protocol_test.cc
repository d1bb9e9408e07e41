#include "kafka/fetch_protocol.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::kafka::wire {
namespace {

void Big(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t ReadBig(const std::string& s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

struct BatchSpec {
  int64_t base = 0;
  int32_t last_delta = 0;
  int16_t attributes = 0;
  int64_t producer = -1;
  int32_t records = 1;
  int16_t control_type = -1;  // for control batches: 0 abort, 1 commit
};

// A batch with a plausible header; the CRC is not checked at this layer.
std::string Batch(const BatchSpec& b) {
  std::string body;
  if (b.control_type >= 0) {
    // length, attributes, timestamp delta, offset delta, key length 4 (zig-zag 8), key.
    body = std::string("\x0e\x00\x00\x00\x08", 5);
    Big(body, 0, 2);
    Big(body, static_cast<uint16_t>(b.control_type), 2);
    body += std::string("\x00\x00", 2);
  } else {
    body = std::string(8, 'r');
  }
  std::string out;
  Big(out, static_cast<uint64_t>(b.base), 8);
  Big(out, 49 + body.size(), 4);
  Big(out, 0, 4);        // leader epoch
  out.push_back(2);      // magic
  Big(out, 0, 4);        // crc
  Big(out, static_cast<uint16_t>(b.attributes), 2);
  Big(out, static_cast<uint32_t>(b.last_delta), 4);
  Big(out, 0, 8);
  Big(out, 0, 8);
  Big(out, static_cast<uint64_t>(b.producer), 8);
  Big(out, 0, 2);
  Big(out, 0, 4);
  Big(out, static_cast<uint32_t>(b.records), 4);
  return out + body;
}

constexpr int16_t kTxn = 0x10;
constexpr int16_t kControl = 0x20;

std::vector<int64_t> Bases(const FilteredRecords& f) {
  std::vector<int64_t> v;
  for (const auto& k : f.kept) v.push_back(k.base_offset);
  return v;
}

TEST(FetchProtocolTest, RequestLayout) {
  FetchRequest r;
  r.correlation_id = 7;
  r.client_id = "strata";
  r.max_wait_ms = 500;
  r.max_bytes = 1 << 20;
  r.isolation = Isolation::kReadCommitted;
  r.topics.push_back({"t", {{3, 42, 4096}}});
  std::string bytes = EncodeFetchRequest(r);
  ASSERT_EQ(ReadBig(bytes, 0, 4), bytes.size() - 4);
  EXPECT_EQ(ReadBig(bytes, 4, 2), 1u);   // Fetch
  EXPECT_EQ(ReadBig(bytes, 6, 2), 11u);  // v11
  EXPECT_EQ(ReadBig(bytes, 8, 4), 7u);
  size_t at = 12 + 2 + 6;                 // client id
  EXPECT_EQ(static_cast<int32_t>(ReadBig(bytes, at, 4)), -1);  // replica id
  EXPECT_EQ(ReadBig(bytes, at + 4, 4), 500u);
  EXPECT_EQ(ReadBig(bytes, at + 8, 4), 1u);   // min bytes
  EXPECT_EQ(ReadBig(bytes, at + 12, 4), 1u << 20);
  EXPECT_EQ(bytes[at + 16], 1);               // read_committed
  EXPECT_EQ(ReadBig(bytes, at + 17, 4), 0u);  // no session
  EXPECT_EQ(static_cast<int32_t>(ReadBig(bytes, at + 21, 4)), -1);
  EXPECT_EQ(ReadBig(bytes, at + 25, 4), 1u);  // one topic
  at += 29 + 2 + 1;
  EXPECT_EQ(ReadBig(bytes, at, 4), 1u);       // one partition
  EXPECT_EQ(ReadBig(bytes, at + 4, 4), 3u);
  EXPECT_EQ(static_cast<int32_t>(ReadBig(bytes, at + 8, 4)), -1);  // leader epoch
  EXPECT_EQ(ReadBig(bytes, at + 12, 8), 42u);
  EXPECT_EQ(static_cast<int64_t>(ReadBig(bytes, at + 20, 8)), -1);
  EXPECT_EQ(ReadBig(bytes, at + 28, 4), 4096u);
  EXPECT_EQ(ReadBig(bytes, at + 32, 4), 0u);  // forgotten topics
  EXPECT_EQ(ReadBig(bytes, at + 36, 2), 0u);  // rack id ""
  EXPECT_EQ(bytes.size(), at + 38);
}

std::string Response(const std::string& records, int16_t error, bool aborted) {
  std::string r;
  Big(r, 9, 4);    // correlation id
  Big(r, 0, 4);    // throttle
  Big(r, 0, 2);    // error
  Big(r, 0, 4);    // session
  Big(r, 1, 4);    // topics
  Big(r, 1, 2);
  r += "t";
  Big(r, 1, 4);    // partitions
  Big(r, 2, 4);
  Big(r, static_cast<uint16_t>(error), 2);
  Big(r, 100, 8);  // high watermark
  Big(r, 90, 8);   // last stable offset
  Big(r, 5, 8);    // log start
  if (aborted) {
    Big(r, 1, 4);
    Big(r, 77, 8);
    Big(r, 60, 8);
  } else {
    Big(r, 0xffffffff, 4);  // null
  }
  Big(r, 0xffffffff, 4);    // preferred read replica
  Big(r, records.size(), 4);
  return r + records;
}

TEST(FetchProtocolTest, DecodesResponse) {
  std::string records = Batch({.base = 10});
  std::string body = Response(records, 0, true);
  auto resp = DecodeFetchResponse(body);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->correlation_id, 9);
  ASSERT_EQ(resp->topics.size(), 1u);
  EXPECT_EQ(resp->topics[0].topic, "t");
  const FetchedPartition& p = resp->topics[0].partitions.at(0);
  EXPECT_EQ(p.partition, 2);
  EXPECT_EQ(p.high_watermark, 100);
  EXPECT_EQ(p.last_stable_offset, 90);
  EXPECT_EQ(p.log_start_offset, 5);
  EXPECT_EQ(p.aborted, (std::vector<AbortedTransaction>{{77, 60}}));
  EXPECT_EQ(p.records, records);

  EXPECT_TRUE(DecodeFetchResponse(Response(records, kOffsetOutOfRange, false)).ok());
  EXPECT_EQ(DecodeFetchResponse(body.substr(0, body.size() - 1)).status().code(), StatusCode::kDataLoss);
}

TEST(FetchProtocolTest, PartialBatchAtTheEndIsLeftForTheNextFetch) {
  std::string data = Batch({.base = 0, .last_delta = 4, .records = 5}) + Batch({.base = 5, .last_delta = 2, .records = 3});
  auto f = FilterBatches(data.substr(0, data.size() - 3), 0, Isolation::kReadUncommitted, {});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(Bases(*f), (std::vector<int64_t>{0}));
  EXPECT_EQ(f->next_offset, 5);
  auto none = FilterBatches(data.substr(0, 10), 3, Isolation::kReadUncommitted, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->kept.empty());
  EXPECT_EQ(none->next_offset, 3);
}

TEST(FetchProtocolTest, BatchesBelowTheFetchOffsetAreDropped) {
  std::string data = Batch({.base = 0, .last_delta = 4}) + Batch({.base = 5, .last_delta = 4});
  auto f = FilterBatches(data, 7, Isolation::kReadUncommitted, {});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(Bases(*f), (std::vector<int64_t>{5}));  // holds offset 7: kept whole
  EXPECT_EQ(f->next_offset, 10);
}

// Producer 1 commits [0,1] then aborts [3,4]; producer 2 writes [2] and [6] in one
// transaction that commits; a non-transactional batch at 8.
std::string Transactions() {
  return Batch({.base = 0, .last_delta = 1, .attributes = kTxn, .producer = 1, .records = 2}) +
         Batch({.base = 2, .attributes = kTxn, .producer = 2}) +
         Batch({.base = 3, .last_delta = 1, .attributes = kTxn, .producer = 1, .records = 2}) +
         Batch({.base = 5, .attributes = kTxn | kControl, .producer = 1, .control_type = 0}) +
         Batch({.base = 6, .attributes = kTxn, .producer = 2}) +
         Batch({.base = 7, .attributes = kTxn | kControl, .producer = 2, .control_type = 1}) +
         Batch({.base = 8});
}

TEST(FetchProtocolTest, ReadCommittedDropsAbortedTransactionsAndMarkers) {
  // The first commit marker of producer 1 lies before this fetch; its aborted
  // transaction starts at 3.
  auto f = FilterBatches(Transactions(), 0, Isolation::kReadCommitted, {{1, 3}});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(Bases(*f), (std::vector<int64_t>{0, 2, 6, 8}));
  EXPECT_EQ(f->next_offset, 9);
}

TEST(FetchProtocolTest, AbortMarkerEndsTheAbortedRange) {
  // Producer 1 aborts [3,4] (marker at 5), then writes [10] in a transaction that commits.
  std::string data = Transactions() + Batch({.base = 10, .attributes = kTxn, .producer = 1});
  auto f = FilterBatches(data, 0, Isolation::kReadCommitted, {{1, 3}});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(Bases(*f), (std::vector<int64_t>{0, 2, 6, 8, 10}));
}

TEST(FetchProtocolTest, ReadUncommittedKeepsEveryDataBatch) {
  auto f = FilterBatches(Transactions(), 0, Isolation::kReadUncommitted, {{1, 3}});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(Bases(*f), (std::vector<int64_t>{0, 2, 3, 6, 8}));
  EXPECT_EQ(f->next_offset, 9);
}

TEST(FetchProtocolTest, RefusesOldMessageSetsAndGzip) {
  std::string old = Batch({.base = 4});
  old[16] = 1;
  EXPECT_EQ(FilterBatches(old, 0, Isolation::kReadUncommitted, {}).status().code(), StatusCode::kUnimplemented);
  auto gzip = FilterBatches(Batch({.base = 4, .attributes = 1}), 0, Isolation::kReadUncommitted, {});
  EXPECT_EQ(gzip.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(gzip.status().message().find("offset 4"), std::string::npos);
  EXPECT_TRUE(FilterBatches(Batch({.base = 4, .attributes = 3}), 0, Isolation::kReadUncommitted, {}).ok());  // lz4
  // A gzip batch of an aborted transaction is never stored, so it does not matter.
  std::string aborted = Batch({.base = 0, .attributes = kTxn | 1, .producer = 1});
  EXPECT_TRUE(FilterBatches(aborted, 0, Isolation::kReadCommitted, {{1, 0}}).ok());
}

TEST(FetchProtocolTest, LeadershipErrors) {
  EXPECT_TRUE(IsLeadershipError(kNotLeaderOrFollower));
  EXPECT_TRUE(IsLeadershipError(kUnknownLeaderEpoch));
  EXPECT_TRUE(IsLeadershipError(kFencedLeaderEpoch));
  EXPECT_TRUE(IsLeadershipError(kUnknownTopicOrPartition));
  EXPECT_FALSE(IsLeadershipError(kOffsetOutOfRange));
}

}  // namespace
}  // namespace strata::kafka::wire
