// The part of Kafka's wire protocol the raw reader (raw_fetcher.h) speaks: Fetch v11
// requests and responses (https://kafka.apache.org/protocol#The_Messages_Fetch; v11 is
// the newest version without tagged fields, and Kafka 4.x still serves it), and the walk
// over the record batches of a response that keeps what a consumer would return.
//
// Pure functions and value types; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kafka/consumer.h"

namespace strata::kafka::wire {

inline constexpr int16_t kFetchApiKey = 1;
inline constexpr int16_t kFetchVersion = 11;

// Kafka error codes the reader acts on.
inline constexpr int16_t kNone = 0;
inline constexpr int16_t kOffsetOutOfRange = 1;
inline constexpr int16_t kUnknownTopicOrPartition = 3;
inline constexpr int16_t kLeaderNotAvailable = 5;
inline constexpr int16_t kNotLeaderOrFollower = 6;
inline constexpr int16_t kReplicaNotAvailable = 9;
inline constexpr int16_t kTopicAuthorizationFailed = 29;
inline constexpr int16_t kKafkaStorageError = 56;
inline constexpr int16_t kFencedLeaderEpoch = 74;
inline constexpr int16_t kUnknownLeaderEpoch = 75;
inline constexpr int16_t kOffsetNotAvailable = 78;

// Errors after which the partition's leader should be looked up again.
bool IsLeadershipError(int16_t code);

struct FetchPartition {
  int32_t partition = 0;
  int64_t offset = 0;
  int32_t max_bytes = 0;
};

struct FetchTopic {
  std::string topic;
  std::vector<FetchPartition> partitions;
};

struct FetchRequest {
  int32_t correlation_id = 0;
  std::string client_id;
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 1;
  int32_t max_bytes = 0;
  Isolation isolation = Isolation::kReadCommitted;
  std::vector<FetchTopic> topics;
};

// The whole request as sent: size prefix, header v1, body (no fetch session: id 0,
// epoch -1; no leader epochs: -1).
std::string EncodeFetchRequest(const FetchRequest& request);

struct AbortedTransaction {
  int64_t producer_id = 0;
  int64_t first_offset = 0;
  friend bool operator==(const AbortedTransaction&, const AbortedTransaction&) = default;
};

struct FetchedPartition {
  int32_t partition = 0;
  int16_t error = kNone;
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1;
  int64_t log_start_offset = -1;
  std::vector<AbortedTransaction> aborted;
  std::string_view records;  // points into the response body
};

struct FetchedTopic {
  std::string topic;
  std::vector<FetchedPartition> partitions;
};

struct FetchResponse {
  int32_t correlation_id = 0;
  int16_t error = kNone;
  std::vector<FetchedTopic> topics;
};

// Decodes a Fetch v11 response body (the bytes after the size prefix). The record views
// point into `body`, which must outlive the result. DataLoss if it is malformed.
Result<FetchResponse> DecodeFetchResponse(std::string_view body);

// A batch a consumer would see, as the broker sent it.
struct KeptBatch {
  std::string_view bytes;
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  int32_t records = 0;
};

struct FilteredRecords {
  std::vector<KeptBatch> kept;
  // Where the next fetch starts: after the last whole batch, kept or dropped; the fetch
  // offset if the data held no whole batch.
  int64_t next_offset = 0;
};

// Walks the batches of one partition's records from a fetch at `fetch_offset`. Drops
// control batches; with read_committed also the batches of aborted transactions, found
// through `aborted` as Kafka's own consumer does; and batches wholly below the fetch
// offset. A partial batch at the end is left for the next fetch. FailedPrecondition for
// a batch of magic 0 or 1 (the raw reader keeps only magic 2); Unimplemented for a kept
// batch compressed with gzip or snappy (segments hold only none, lz4 and zstd). Both
// messages name the offset; the caller adds the partition.
Result<FilteredRecords> FilterBatches(std::string_view records, int64_t fetch_offset, Isolation isolation,
                                      std::vector<AbortedTransaction> aborted);

}  // namespace strata::kafka::wire
