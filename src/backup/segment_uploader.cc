#include "backup/segment_uploader.h"

#include <algorithm>

#include "core/huge_pages.h"

namespace strata::backup {

namespace {
// Smaller buffers are not worth keeping (an index, a small segment).
constexpr size_t kRecycleAtLeast = size_t{1} << 20;
}  // namespace

Bytes BufferRecycler::Take(size_t capacity) {
  Bytes b;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The fullest buffer has the most pages ready.
    auto best = free_.end();
    for (auto it = free_.begin(); it != free_.end(); ++it) {
      if (best == free_.end() || it->size() > best->size()) best = it;
    }
    if (best != free_.end()) {
      kept_ -= best->size();
      b = std::move(*best);
      free_.erase(best);
    }
  }
  b.clear();
  const bool fresh = b.capacity() < capacity;
  b.reserve(capacity);
  if (fresh) AdviseHugePages(b.data(), b.capacity());
  return b;
}

void BufferRecycler::Give(Bytes buffer) {
  if (buffer.capacity() < kRecycleAtLeast) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (kept_ + buffer.size() > max_bytes_) return;  // freed on return, after the unlock
  kept_ += buffer.size();
  free_.push_back(std::move(buffer));
}

SegmentUploader::SegmentUploader(storage::ObjectStore& store, int threads, uint64_t max_queued_bytes,
                                 CancelToken cancel, BufferRecycler* recycler)
    : store_(store), cancel_(std::move(cancel)), recycler_(recycler), max_queued_bytes_(max_queued_bytes) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Work(); });
}

SegmentUploader::~SegmentUploader() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& t : threads_) t.join();
}

Status SegmentUploader::Submit(std::vector<UploadItem> items, std::function<void()> done) {
  uint64_t bytes = 0;
  for (const auto& i : items) bytes += i.data.size();
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] {
    return !first_error_.ok() || cancel_.cancelled() || queued_bytes_ == 0 || queued_bytes_ + bytes <= max_queued_bytes_;
  });
  if (!first_error_.ok()) return first_error_;
  if (cancel_.cancelled()) return CancelledError("upload cancelled");
  queued_bytes_ += bytes;
  queue_.push_back(Job{std::move(items), std::move(done), bytes});
  lock.unlock();
  changed_.notify_all();
  return OkStatus();
}

Status SegmentUploader::Finish() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return (queue_.empty() && in_flight_ == 0) || !first_error_.ok(); });
  // After an error, wait for the uploads in flight so none outlives the caller's state.
  changed_.wait(lock, [&] { return in_flight_ == 0; });
  return first_error_;
}

uint64_t SegmentUploader::queued_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_bytes_;
}

uint64_t SegmentUploader::uploaded_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return uploaded_bytes_;
}

void SegmentUploader::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping
    Job job = std::move(queue_.front());
    queue_.pop_front();
    ++in_flight_;
    bool skip = !first_error_.ok();
    lock.unlock();
    Status status;
    if (!skip) {
      for (const auto& item : job.items) {
        status = store_.Put(storage::ObjectKey(item.key), item.data, storage::WriteOptions{.if_absent = true, .crc32c = item.crc32c},
                            storage::CallOptions{Deadline::Infinite(), cancel_});
        if (!status.ok()) break;
      }
      if (status.ok() && job.done) job.done();
      if (recycler_ != nullptr) {
        for (auto& item : job.items) recycler_->Give(std::move(item.data));
      }
    }
    lock.lock();
    --in_flight_;
    queued_bytes_ -= job.bytes;
    if (!skip && status.ok()) uploaded_bytes_ += job.bytes;
    if (!status.ok() && first_error_.ok()) first_error_ = status;
    changed_.notify_all();
  }
}

}  // namespace strata::backup
