// EncodeWorkers: a small pool that runs the CPU-heavy part of a backup (encoding and
// compressing record batches, or copying and hashing the batches the raw reader keeps)
// beside the thread that polls Kafka. Work for one partition always goes to the same
// worker, so a partition's records are handled in order by one thread and its
// PartitionTask needs no lock. Queues are bounded by item count, so memory stays bounded
// when the workers fall behind: Submit then blocks (and librdkafka's fetch queue absorbs
// the difference); raw chunks are also bounded by the raw reader's response pool.
//
// Thread-safe: Submit and Drain from one producer thread; the handler runs on workers.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/status.h"
#include "kafka/consumer.h"
#include "kafka/raw_fetcher.h"

namespace strata::backup {

// One unit of work for a partition: a record to add; or batches the raw reader fetched,
// to keep as they are, after which the partition is read up to `end_offset`; or (neither)
// the end of the partition reached at `end_offset`.
struct EncodeItem {
  size_t task = 0;
  std::optional<kafka::Message> record;
  std::optional<kafka::RawChunk> chunk;
  int64_t end_offset = -1;
};

class EncodeWorkers {
 public:
  using Handler = std::function<Status(EncodeItem&)>;

  // `threads` >= 1 workers, each with a queue of at most `queue_items` (and as many
  // again taken by the worker and being handled).
  EncodeWorkers(int threads, size_t queue_items, Handler handler);
  ~EncodeWorkers();

  // Queues `item` for worker item.task % threads. Blocks while that queue is full.
  // Returns the first error a handler returned (then nothing more is queued).
  Status Submit(EncodeItem item);

  // Waits until every queued item is handled; returns the first handler error.
  Status Drain();

 private:
  struct Worker {
    std::deque<EncodeItem> queue;
    bool busy = false;
    std::thread thread;
  };
  void Run(Worker& w);

  Handler handler_;
  const size_t queue_items_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<Worker>> workers_;
  bool stopping_ = false;
  bool drain_waiting_ = false;  // workers wake Drain only when it waits
  Status error_;
};

}  // namespace strata::backup
