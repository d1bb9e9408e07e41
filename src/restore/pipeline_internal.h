// Internal to the restore module: the state of a Pipeline, shared by pipeline.cc (setup,
// fetch threads, checkpoints) and pipeline_worker.cc (decoding, producing, delivery).
//
// Locking: Impl::mu guards every stream's fetch and ready-chunk state; Stream::mu guards
// the stream's acknowledged offsets; Impl::budget_mu guards the two budgets. No thread
// holds two of them at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "format/codec.h"
#include "format/kafka_record.h"
#include "format/segment_index.h"
#include "format/sha256.h"
#include "restore/pipeline.h"

namespace strata::restore {

struct Stream;

// Decompression buffers for large batches, reused: no allocation and page faults per
// batch, and no heap growth from buffers freed on another thread. A pooled buffer holds
// kBufferBytes (the backup's largest batch section, plus room) unless a larger batch
// grew it. Thread-safe.
class BufferPool {
 public:
  static constexpr size_t kBufferBytes = (size_t{1} << 20) + (size_t{64} << 10);
  // Batches whose compressed section is at least this big use pooled buffers.
  static constexpr size_t kPooledFrom = size_t{64} << 10;
  explicit BufferPool(size_t max_idle) : max_idle_(max_idle) {}
  std::unique_ptr<format::ScratchBuffer> Get();
  void Put(std::unique_ptr<format::ScratchBuffer> buffer);

 private:
  std::mutex mu_;
  size_t max_idle_;
  std::vector<std::unique_ptr<format::ScratchBuffer>> idle_;
};

// A run of whole batches of one segment, fetched by one ranged GET.
struct Chunk {
  size_t segment = 0;  // index into the stream's plan->segments
  std::shared_ptr<const format::SegmentIndex> index;
  size_t first_entry = 0;  // index entries [first_entry, end_entry)
  size_t end_entry = 0;
  std::shared_ptr<const Bytes> data;  // releases its fetch budget when freed
  bool whole_segment = false;         // its segment is read from the first batch
};

// The records of one batch sent to the sink: it keeps the bytes their values point into
// until every record is reported, then adds them to the stream's acknowledged offsets.
// One reference per record sent plus one held by the sender while it sends.
struct Lease {
  Stream* stream = nullptr;
  std::shared_ptr<const Bytes> chunk;  // when records point into the fetched chunk
  std::unique_ptr<format::ScratchBuffer> plain;  // when they point into the decompressed section
  bool pooled = false;                 // `plain` goes back to the pool
  uint64_t budget = 0;                 // produce budget taken for `plain`
  std::atomic<int32_t> refs{1};
  std::atomic<bool> failed{false};
  std::vector<std::pair<int64_t, int64_t>> runs;  // (first source offset, count)
  int64_t records = 0;
  int64_t last_source_offset = -1;

  void Add(int64_t source) {
    if (!runs.empty() && runs.back().first + runs.back().second == source) {
      ++runs.back().second;
    } else {
      runs.emplace_back(source, 1);
    }
    ++records;
    last_source_offset = source;
  }
};

struct Stream {
  StreamStart start;
  int topic_id = -1;  // in the sink
  size_t index = 0;   // position in Impl::streams

  // Fetch side (Impl::mu).
  size_t segment = 0;  // segment being cut into chunks
  std::shared_ptr<const format::SegmentIndex> seg_index;
  bool loading = false;
  bool first_segment = true;
  bool seg_from_start = false;  // the current segment is cut from its first batch
  size_t next_entry = 0;
  uint64_t next_seq = 0;
  int in_flight = 0;
  bool fetch_done = false;
  // Worker side (Impl::mu for the map; the owning worker for the rest).
  std::map<uint64_t, Chunk> ready;
  uint64_t consume_seq = 0;
  bool consumed = false;  // every chunk processed
  uint32_t crc = 0;
  std::unique_ptr<format::Sha256> sha;
  uint64_t hashed = 0;

  // Delivery side: `delivered` only from the delivery thread; the rest under `mu`.
  std::atomic<int64_t> delivered{0};  // records the target holds (earlier ones included)
  mutable std::mutex mu;
  PartitionOffsets offsets;
  int64_t next_source_offset = -1;
  bool failed = false;
  size_t checkpointed_runs = 0;
  size_t pending_runs = 0;
};

struct Pipeline::Impl {
  storage::ObjectStore* store = nullptr;
  Target* target = nullptr;
  PipelineOptions options;
  std::unique_ptr<RecordSink> sink;
  std::vector<std::unique_ptr<Stream>> streams;

  std::mutex mu;
  std::condition_variable fetch_cv;  // a stream may be fetchable
  std::condition_variable work_cv;   // a chunk is ready, or work stopped
  size_t rr = 0;                     // round-robin position of the fetchers
  std::atomic<bool> stop{false};
  int workers_running = 0;
  std::condition_variable done_cv;

  std::mutex budget_mu;
  std::condition_variable budget_cv;
  uint64_t fetch_used = 0;
  uint64_t produce_used = 0;

  mutable std::mutex error_mu;
  Status error;

  std::mutex rate_mu;
  std::chrono::steady_clock::time_point rate_next{};

  BufferPool pool{16};

  std::atomic<int64_t> records_sent{0};
  std::atomic<int64_t> records_acked{0};
  std::atomic<int64_t> bytes_sent{0};
  std::atomic<int64_t> bytes_fetched{0};

  std::vector<std::thread> threads;

  void SetError(Status s);
  bool stopped() const { return stop.load(std::memory_order_acquire); }

  // pipeline.cc
  void FetchLoop();
  Stream* PickFetchable();
  Status LoadIndex(Stream& s);
  std::shared_ptr<const Bytes> TrackFetched(Bytes bytes);
  void ReleaseFetch(uint64_t n);

  // pipeline_worker.cc
  void WorkLoop(size_t worker);
  Status Process(Stream& s, const Chunk& chunk, format::Decompressor& decompressor,
                 std::vector<format::KafkaRecordView>& records, std::vector<format::KafkaHeaderView>& headers,
                 std::vector<kafka::HeaderView>& send_headers);
  Status CheckWholeSegment(Stream& s, const Chunk& chunk);
  void OnDelivery(const kafka::DeliveryReport& report);
  void Release(Lease* lease);
  bool WaitProduceRoom();
  void Throttle(int64_t bytes);
};

}  // namespace strata::restore
