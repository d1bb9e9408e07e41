// Pipeline: the data path of a Kafka restore. For every target partition ("stream") it
// reads the partition's segments from the repository in chunks of whole batches (ranged
// GETs through each segment's index), checks every batch (CRC-32C, index entry) and,
// for segments read from their start, the whole object's CRC-32C and SHA-256; decodes
// the batches and produces the records, in offset order, through a RecordSink without
// copying their values; and follows the delivery reports to know, per partition, which
// records the target has acknowledged and at which offsets (the offset map).
//
//   fetch threads --(chunks, per stream in order)--> workers --(records)--> sink
//        ^ fetch budget: chunk bytes held                ^ produce budget: decompressed
//                                                          bytes not yet acknowledged
// Memory is bounded by the two budgets (plus one batch per worker), never by topic size.
// A batch that fails its checks stops the restore before any of its records is sent.
//
// Every delivery report is checked against the offset the record must get (the
// partition's target base + records before it): a mismatch means another producer
// writes to the partition, and the restore stops with a refusal.
//
// Thread-safe: the public methods may be called from any thread (typically the job's,
// while the pipeline's own threads run).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/deadline.h"
#include "core/result.h"
#include "restore/offset_map.h"
#include "restore/plan.h"
#include "restore/restore_log.h"
#include "restore/target.h"
#include "storage/object_store.h"

namespace strata::restore {

struct PipelineOptions {
  // Bytes of fetched chunks held at most (one chunk more may be in flight). Larger
  // values keep more downloads ahead of the producer.
  uint64_t fetch_budget = uint64_t{128} << 20;
  // Decompressed bytes of batches sent and not yet acknowledged. Must cover the
  // producer's batching and the round trip to the brokers to keep them busy.
  uint64_t produce_budget = uint64_t{128} << 20;
  // Target size of one ranged GET (whole batches; a larger batch is one chunk).
  uint64_t chunk_bytes = uint64_t{8} << 20;
  int fetch_threads = 4;
  int workers = 2;
  // Chunks fetched ahead per stream.
  int max_ahead = 4;
  std::optional<double> max_bytes_per_sec;  // key + value + header bytes produced
  std::optional<int64_t> until_ms;
  bool check_sha256 = true;  // also check SHA-256 of segments read whole (CRC-32C always)
  CancelToken cancel;
};

// Where one stream starts.
struct StreamStart {
  const PartitionPlan* plan = nullptr;  // must outlive the pipeline
  int64_t target_base = 0;              // target offset of the stream's first record
  int64_t from_offset = 0;              // first source offset to produce
  // Records already in the target (target_start = target_base), e.g. from an earlier
  // attempt; new records continue after them.
  PartitionOffsets written;
  // How many runs of `written` earlier checkpoints hold; the rest go into the next one.
  size_t checkpointed_runs = 0;
  int64_t next_source_offset = -1;      // after the last record in `written`; -1: none
};

struct PipelineStats {
  int64_t records_sent = 0;
  int64_t records_acked = 0;   // in this run
  int64_t bytes_sent = 0;      // key + value + header bytes
  int64_t bytes_fetched = 0;   // stored bytes read from the repository
};

class Pipeline {
 public:
  // Opens a sink on `target` and registers the target topics. The store and the target
  // must outlive the pipeline. InvalidArgument for bad options.
  static Result<std::unique_ptr<Pipeline>> Create(storage::ObjectStore& store, Target& target,
                                                  PipelineOptions options, std::vector<StreamStart> streams);
  ~Pipeline();

  // Starts the fetch and worker threads.
  void Start();
  // Waits up to `wait`; true once every record was sent or an error stopped the work.
  bool WaitSent(std::chrono::milliseconds wait);
  // The first error, OK if none. A refusal ("restore refused: ...") is
  // FailedPrecondition; damaged data DataLoss naming the object and offset.
  Status status() const;
  // Stops the threads (if still running), waits until every sent record is reported or
  // `flush_deadline` passes, and returns status() (or the flush's DeadlineExceeded).
  Status Finish(Deadline flush_deadline);

  // Per stream, in the order given to Create: acknowledged records, next source offset
  // and the runs acknowledged since the last committed checkpoint. Then call
  // CommitCheckpoint(true) once it is stored, or (false) to send the runs again.
  std::vector<PartitionProgress> TakeCheckpoint();
  void CommitCheckpoint(bool stored);

  // All acknowledged runs of stream `i` (complete after Finish).
  PartitionOffsets offsets(size_t i) const;
  PipelineStats stats() const;

  struct Impl;

 private:
  explicit Pipeline(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The status of a restore that refuses to go on: FailedPrecondition with a message that
// starts with "restore refused: ". IsRefusal tells it from other errors.
Status RefusalError(std::string_view why);
bool IsRefusal(const Status& status);

}  // namespace strata::restore
