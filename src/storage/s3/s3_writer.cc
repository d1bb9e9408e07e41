#include "storage/s3/s3_writer.h"

#include <algorithm>
#include <utility>

#include "core/retry.h"
#include "storage/s3/log.h"

namespace strata::s3 {
namespace {

// How often a waiting Append or Commit looks at the caller's cancellation.
constexpr std::chrono::milliseconds kWaitPoll{50};
// Time given to AbortMultipartUpload, whatever the writer's own deadline was (a
// cancelled or timed-out writer must still clean up).
constexpr std::chrono::seconds kAbortTimeout{60};
// Wait before the second abort of an upload whose part requests were cut off.
constexpr std::chrono::milliseconds kSecondAbortPause{300};

storage::CallOptions PartCall(const storage::CallOptions& call) {
  storage::CallOptions parts;
  parts.deadline = call.deadline;  // a fresh cancel token
  return parts;
}

}  // namespace

S3Writer::S3Writer(std::shared_ptr<const S3Bucket> bucket, std::string key,
                   std::string display_key, S3WriterOptions options, storage::CallOptions call)
    : bucket_(std::move(bucket)),
      key_(std::move(key)),
      display_key_(std::move(display_key)),
      options_(options),
      call_(std::move(call)),
      part_call_(PartCall(call_)) {}

S3Writer::~S3Writer() {
  if (state_ != State::kCommitted) Abort();
  StopWorkers();
}

Status S3Writer::CheckCall() {
  Status s = CheckDeadlineAndCancel(call_.deadline, call_.cancel);
  if (!s.ok()) part_call_.cancel.Cancel();
  return s;
}

Status S3Writer::Broken(const Status& cause) const {
  // A transient code would invite the caller to repeat an Append whose bytes were taken,
  // or that can never succeed now that a part is lost.
  if (!IsTransient(cause)) return cause;
  return AbortedError("upload of " + bucket_->client().Describe(key_) +
                      " failed: " + cause.ToString());
}

Status S3Writer::Append(ByteView data) {
  if (state_ != State::kOpen) {
    return FailedPreconditionError("writer for " + bucket_->client().Describe(key_) +
                                   " is already committed or aborted");
  }
  if (!broken_.ok()) return broken_;
  if (Status s = CheckCall(); !s.ok()) {
    broken_ = s;
    return s;
  }
  std::size_t taken = 0;
  bool dispatched = false;
  while (!data.empty()) {
    if (current_.size() == options_.part_size) {
      Status s = Dispatch();
      if (!s.ok()) {
        if (!dispatched && IsTransient(s)) {
          // Nothing of this call has left the buffer: give it back, the call can be
          // repeated (ObjectWriter's promise for transient errors).
          current_.resize(current_.size() - taken);
          total_ -= taken;
          return s;
        }
        broken_ = Broken(s);
        return broken_;
      }
      dispatched = true;
    }
    if (current_.capacity() < options_.part_size) {
      if (Status s = WaitForSlot(); !s.ok()) {
        broken_ = s;
        return s;
      }
    }
    const std::size_t n = std::min(options_.part_size - current_.size(), data.size());
    current_.append(data.substr(0, n));
    data.remove_prefix(n);
    taken += n;
    total_ += n;
  }
  return OkStatus();
}

Status S3Writer::WaitForSlot() {
  std::unique_lock lock(mu_);
  while (in_flight_ >= options_.parallel_parts && part_error_.ok()) {
    lock.unlock();
    STRATA_RETURN_IF_ERROR(CheckCall());
    lock.lock();
    cv_.wait_for(lock, kWaitPoll);
  }
  if (!part_error_.ok()) return Broken(part_error_);
  if (!spare_.empty()) {
    current_ = std::move(spare_.back());
    spare_.pop_back();
  } else {
    current_.reserve(options_.part_size);
  }
  return OkStatus();
}

Status S3Writer::Dispatch() {
  if (!upload_id_.has_value()) {
    STRATA_ASSIGN_OR_RETURN(std::string id, bucket_->CreateMultipartUpload(key_, call_));
    upload_id_ = std::move(id);
    for (int i = 0; i < options_.parallel_parts; ++i) workers_.emplace_back([this] { Worker(); });
  }
  if (next_part_ > kMaxPartNumber) {
    return InvalidArgumentError("object " + bucket_->client().Describe(key_) +
                                " needs more than 10000 parts; raise the part size");
  }
  std::lock_guard lock(mu_);
  if (!part_error_.ok()) return Broken(part_error_);
  queue_.push_back(Part{next_part_++, std::move(current_)});
  current_ = Bytes();
  ++in_flight_;
  cv_.notify_all();
  return OkStatus();
}

void S3Writer::Worker() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Part part = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Result<CompletedPart> done =
        bucket_->UploadPart(key_, *upload_id_, part.number, part.data, part_call_);
    lock.lock();
    --in_flight_;
    if (done.status().code() == StatusCode::kCancelled) cut_off_ = true;
    if (done.ok()) {
      done_.push_back(std::move(done).value());
    } else if (part_error_.ok()) {
      part_error_ = done.status();
      part_call_.cancel.Cancel();  // the upload is lost: stop the others early
    }
    part.data.clear();
    if (part_error_.ok()) spare_.push_back(std::move(part.data));
    cv_.notify_all();
  }
}

Status S3Writer::Drain() {
  std::unique_lock lock(mu_);
  while (in_flight_ > 0) {
    if (!part_error_.ok()) {
      // Queued parts will never be sent; drop them so nothing waits for them.
      in_flight_ -= static_cast<int>(queue_.size());
      queue_.clear();
      if (in_flight_ == 0) break;
    }
    lock.unlock();
    if (Status s = CheckCall(); !s.ok()) return s;
    lock.lock();
    cv_.wait_for(lock, kWaitPoll);
  }
  return part_error_;
}

void S3Writer::StopWorkers() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

Result<storage::ObjectInfo> S3Writer::Commit() {
  if (state_ != State::kOpen) {
    return FailedPreconditionError("writer for " + bucket_->client().Describe(key_) +
                                   " is already committed or aborted");
  }
  if (broken_.ok()) broken_ = CheckCall();
  if (!broken_.ok()) {
    Abort();
    return broken_;
  }
  Result<storage::ObjectInfo> info = InternalError("unreachable");
  if (!upload_id_.has_value()) {
    info = bucket_->PutObject(key_, current_, options_.if_absent, call_);
  } else {
    Status s = current_.empty() ? OkStatus() : Dispatch();
    if (s.ok()) s = Drain();
    if (!s.ok()) {
      info = s;
    } else {
      std::vector<CompletedPart> parts;
      {
        std::lock_guard lock(mu_);
        parts = done_;
      }
      std::sort(parts.begin(), parts.end(),
                [](const CompletedPart& a, const CompletedPart& b) {
                  return a.part_number < b.part_number;
                });
      info = bucket_->CompleteMultipartUpload(key_, *upload_id_, parts, options_.if_absent,
                                              total_, call_);
    }
  }
  current_ = Bytes();
  if (!info.ok()) {
    Abort();
    return info.status();
  }
  state_ = State::kCommitted;
  StopWorkers();
  upload_id_.reset();
  info->key = display_key_;
  return info;
}

void S3Writer::Abort() {
  if (state_ == State::kCommitted) return;
  state_ = State::kAborted;
  part_call_.cancel.Cancel();
  StopWorkers();
  current_ = Bytes();
  if (!upload_id_.has_value()) return;
  storage::CallOptions cleanup;
  cleanup.deadline = Deadline::After(kAbortTimeout);
  Status s = bucket_->AbortMultipartUpload(key_, *upload_id_, cleanup);
  if (s.ok() && cut_off_) {
    // A part whose request we cut off may still be written by the server after the
    // abort, bringing the upload back (S3 documents this; versitygw does it). Abort
    // once more after it had time to finish.
    SleepUnlessCancelled(kSecondAbortPause, CancelToken());
    s = bucket_->AbortMultipartUpload(key_, *upload_id_, cleanup);
  }
  if (s.ok()) {
    upload_id_.reset();
    return;
  }
  // Keep the id: a later Abort() (or the destructor) tries again.
  Log().warn("could not abort multipart upload {} of {}: {}; its parts stay on the server "
             "until an abort succeeds (or a lifecycle rule removes them)",
             *upload_id_, bucket_->client().Describe(key_), s.ToString());
}

}  // namespace strata::s3
