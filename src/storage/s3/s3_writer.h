// S3Writer: the ObjectWriter of S3Store. Bytes are gathered into part-sized buffers;
// each full buffer becomes one part of a multipart upload, sent by a small pool of
// worker threads while the caller keeps appending. Commit sends the last part and
// completes the upload (create-only: If-None-Match). An object that never fills one
// part goes up as a single PUT on Commit instead, with no upload at all.
//
// Memory: at most `parallel_parts` buffers of `part_size` bytes exist at once, the one
// being filled included; Append blocks while all are in use. Each part is retried
// (S3Client's policy); if one still fails, the other uploads are cancelled and the
// writer is broken.
//
// Nothing is visible before Commit. Abort (also on destruction without Commit, and
// after a failed Commit) stops the workers and aborts the upload, so no parts are left
// behind (an upload whose part requests had to be cut off is aborted twice, since the
// server may still finish writing such a part after the first abort); if the server
// cannot be reached then, Abort can be called again later.
//
// Not safe for concurrent use (one thread writes); the worker threads are internal.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/object_store.h"
#include "storage/s3/s3_bucket.h"

namespace strata::s3 {

struct S3WriterOptions {
  std::size_t part_size = std::size_t{8} << 20;
  int parallel_parts = 4;
  bool if_absent = false;
};

class S3Writer final : public storage::ObjectWriter {
 public:
  // Writes `key` (full key in the bucket; `display_key` is what ObjectInfo::key says).
  // The call's deadline and cancellation apply to every request of the writer.
  S3Writer(std::shared_ptr<const S3Bucket> bucket, std::string key, std::string display_key,
           S3WriterOptions options, storage::CallOptions call);
  ~S3Writer() override;

  S3Writer(const S3Writer&) = delete;
  S3Writer& operator=(const S3Writer&) = delete;

  // Takes `data`, possibly waiting for a part upload to finish. A transient error
  // (starting the upload failed) means none of `data` was taken. When a part failed for
  // good: its error, or Aborted (naming it) if that error was transient. Cancelled /
  // DeadlineExceeded from the call; FailedPrecondition after Commit or Abort.
  Status Append(ByteView data) override;
  // Makes the object visible. AlreadyExists for a create-only writer whose key exists;
  // otherwise the failing request's error. A failed Commit aborts the upload.
  Result<storage::ObjectInfo> Commit() override;
  void Abort() override;

 private:
  struct Part {
    int number = 0;
    Bytes data;
  };
  enum class State { kOpen, kCommitted, kAborted };

  // Hands the full buffer to the workers (starting the upload first if needed).
  Status Dispatch();
  // Blocks until a buffer may be filled (fewer than parallel_parts in flight).
  Status WaitForSlot();
  // Blocks until every dispatched part is done; returns the first part error.
  Status Drain();
  void Worker();
  void StopWorkers();
  // The caller's cancellation / deadline; also cancels the part uploads when set.
  Status CheckCall();
  // `cause` as the error of a broken writer: never transient (see Append).
  Status Broken(const Status& cause) const;

  const std::shared_ptr<const S3Bucket> bucket_;
  const std::string key_;
  const std::string display_key_;
  const S3WriterOptions options_;
  const storage::CallOptions call_;
  // Parts use their own token, so a failed part or Abort can cancel the others.
  const storage::CallOptions part_call_;

  // Caller thread only.
  State state_ = State::kOpen;
  Status broken_;
  Bytes current_;
  uint64_t total_ = 0;
  int next_part_ = 1;
  std::optional<std::string> upload_id_;

  // Shared with the workers.
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Part> queue_;      // guarded by mu_
  int in_flight_ = 0;           // queued or uploading; guarded by mu_
  std::vector<CompletedPart> done_;  // guarded by mu_
  Status part_error_;           // first failure; guarded by mu_
  std::vector<Bytes> spare_;    // emptied buffers for reuse; guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  bool cut_off_ = false;        // a part request was cancelled mid-way; guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace strata::s3
