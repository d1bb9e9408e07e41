// SegmentUploader: uploads finished objects (a segment and its index) to the repository
// on a few background threads, with a bound on the bytes waiting to go up: Submit blocks
// while the queue is full, which is what keeps a backup's memory bounded whatever the
// topic size. Objects are written create-only: their keys are unique to the run.
//
// Thread-safe. Destruction waits for the uploads in flight.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/bytes.h"
#include "core/deadline.h"
#include "core/status.h"
#include "storage/object_store.h"

namespace strata::backup {

// BufferRecycler: segment buffers handed back after their upload, for the next segment
// to reuse. A fresh buffer of tens of MiB is a fresh mapping whose every page the kernel
// zero-fills on first touch (a fifth of a raw-reader backup's time before buffers were
// reused); a reused one is already there. Keeps buffers holding up to `max_bytes` (what
// a buffer held is what it costs: pages it never reached were never touched).
//
// Thread-safe.
class BufferRecycler {
 public:
  explicit BufferRecycler(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  // An empty buffer with room for at least `capacity` bytes.
  Bytes Take(size_t capacity);
  // Keeps `buffer` for a later Take if there is room.
  void Give(Bytes buffer);

 private:
  const uint64_t max_bytes_;
  std::mutex mu_;
  std::vector<Bytes> free_;
  uint64_t kept_ = 0;  // sum of the sizes of the buffers in free_
};

struct UploadItem {
  std::string key;
  Bytes data;
  std::optional<uint32_t> crc32c;  // of data, if known (see storage::WriteOptions)
};

class SegmentUploader {
 public:
  // `store` must outlive the uploader. `threads` >= 1; `max_queued_bytes` bounds the
  // bytes submitted and not yet uploaded (a single item larger than it is still taken).
  // Uploaded items' buffers go to `recycler` if it is not null (it must outlive the
  // uploader).
  SegmentUploader(storage::ObjectStore& store, int threads, uint64_t max_queued_bytes, CancelToken cancel,
                  BufferRecycler* recycler = nullptr);
  ~SegmentUploader();

  // Queues `items` (uploaded in order by one thread, so an index never lands before its
  // segment); `done` (may be empty) runs on the uploading thread after the last item is
  // stored. Blocks while the queue is full. Returns the first upload error seen so far
  // (then nothing more is queued), or Cancelled.
  Status Submit(std::vector<UploadItem> items, std::function<void()> done);

  // Waits until every queued item is uploaded; returns the first error, if any.
  Status Finish();

  uint64_t queued_bytes() const;
  uint64_t uploaded_bytes() const;

 private:
  struct Job {
    std::vector<UploadItem> items;
    std::function<void()> done;
    uint64_t bytes = 0;
  };
  void Work();

  storage::ObjectStore& store_;
  CancelToken cancel_;
  BufferRecycler* const recycler_;
  const uint64_t max_queued_bytes_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Job> queue_;
  uint64_t queued_bytes_ = 0;    // submitted, not yet uploaded (queued or in flight)
  uint64_t uploaded_bytes_ = 0;
  int in_flight_ = 0;
  bool stopping_ = false;
  Status first_error_;
  std::vector<std::thread> threads_;
};

}  // namespace strata::backup
