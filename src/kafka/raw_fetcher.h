// RawFetcher: reads record batches from partitions as the brokers store them, without
// decompressing them: Kafka's Fetch protocol over plain TCP (PLAINTEXT listeners only),
// one connection and one fetching thread per partition leader. The leaders come from
// librdkafka's metadata. Each batch is handed out byte for byte as the broker sent it;
// transaction markers, and with read_committed the batches of aborted transactions, are
// dropped (fetch_protocol.h says how). The backup's raw reader (docs/kafka-backup.md).
//
// Memory: one request in flight per broker; responses are received into buffers from a
// pool of about `queue_bytes`, reused once every chunk pointing into a buffer is gone
// (queued for Poll or held by the caller): a fetching thread waits for a buffer when the
// pool is used up, so the caller bounds the reader's memory by releasing chunks.
// Thread-safe: Assign and Poll from one thread; `prepare` runs on the fetching threads.
#pragma once

#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/deadline.h"
#include "core/result.h"
#include "kafka/client_options.h"
#include "kafka/consumer.h"
#include "kafka/fetch_protocol.h"

namespace strata::kafka {

// The bytes of one fetch response (not zero-filled before the socket writes them).
struct FetchResponseBytes {
  std::unique_ptr<char[]> data;
  size_t size = 0;
  size_t capacity = 0;
};

// Batches of one partition from one fetch response.
struct RawChunk {
  std::string topic;
  int32_t partition = 0;
  // Kept batches in offset order, pointing into `response`.
  std::vector<wire::KeptBatch> batches;
  // Whatever RawFetcherOptions::prepare computed for these batches.
  std::any prepared;
  // The next offset to read: after the last whole batch of the response, kept or not.
  int64_t next_offset = 0;
  int64_t high_watermark = 0;
  int64_t last_stable_offset = 0;
  // PartitionEnd's meaning: the last stable offset with read_committed, the high
  // watermark otherwise. next_offset >= end_offset: everything readable was read.
  int64_t end_offset = 0;
  // The response the batches point into. Shared: it holds several partitions' chunks,
  // which the caller releases one by one.
  std::shared_ptr<const FetchResponseBytes> response;
};

struct RawFetcherOptions {
  Isolation isolation = Isolation::kReadCommitted;
  // Per response and per partition (default 16 MiB and 8 MiB). Larger responses mean
  // fewer round trips and more memory.
  int32_t max_bytes = 16 << 20;
  int32_t partition_max_bytes = 8 << 20;
  // How long a broker may hold a fetch that has nothing new (follow mode's idle cost).
  int32_t max_wait_ms = 500;
  // Bytes of response buffers, in use or free for reuse (default 64 MiB; at least two
  // responses of max_bytes). Chunks not yet released count.
  size_t queue_bytes = size_t{64} << 20;
  std::chrono::milliseconds request_timeout{30'000};
  // Optional: runs on the fetching thread for each chunk with kept batches, after the
  // next request was sent; what it stores in `prepared` travels with the chunk. An
  // error stops reading and is returned by Poll.
  std::function<Status(RawChunk&)> prepare;
};

class RawFetcher {
 public:
  // InvalidArgument if the client options use anything but a PLAINTEXT listener.
  static Result<std::unique_ptr<RawFetcher>> Open(const ClientOptions& client, const RawFetcherOptions& options);
  ~RawFetcher();

  // Replaces the assignment: reads each partition from its offset. Chunks fetched for
  // the previous assignment are dropped.
  Status Assign(const std::vector<PartitionStart>& starts);

  // The next chunk, or nullopt if none came before the deadline. Returns OutOfRange if a
  // partition's offset is no longer in the log (that partition then waits for Assign),
  // Unavailable while leaders cannot be found (reading goes on), and the error of a
  // batch the reader cannot keep (FailedPrecondition, Unimplemented, DataLoss) or of
  // `prepare`, naming the partition.
  Result<std::optional<RawChunk>> Poll(Deadline deadline);

  // True if `client` can use the raw reader: security.protocol is plaintext (or unset).
  static bool Supports(const ClientOptions& client);

 private:
  struct Impl;
  explicit RawFetcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::kafka
