#include "backup/encode_workers.h"

#include <algorithm>

namespace strata::backup {

EncodeWorkers::EncodeWorkers(int threads, size_t queue_items, Handler handler)
    : handler_(std::move(handler)), queue_items_(std::max<size_t>(1, queue_items)) {
  for (int i = 0; i < std::max(1, threads); ++i) workers_.push_back(std::make_unique<Worker>());
  for (auto& w : workers_) {
    Worker* worker = w.get();
    worker->thread = std::thread([this, worker] { Run(*worker); });
  }
}

EncodeWorkers::~EncodeWorkers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& w : workers_) w->thread.join();
}

Status EncodeWorkers::Submit(EncodeItem item) {
  Worker& w = *workers_[item.task % workers_.size()];
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return !error_.ok() || w.queue.size() < queue_items_; });
  if (!error_.ok()) return error_;
  w.queue.push_back(std::move(item));
  // Wake the worker only when its queue was empty: it drains everything else by itself.
  bool wake = w.queue.size() == 1;
  lock.unlock();
  if (wake) changed_.notify_all();
  return OkStatus();
}

Status EncodeWorkers::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  drain_waiting_ = true;
  changed_.wait(lock, [&] {
    if (!error_.ok()) return true;
    for (const auto& w : workers_) {
      if (w->busy || !w->queue.empty()) return false;
    }
    return true;
  });
  // After an error, wait for handlers still running so none outlives the caller's state.
  changed_.wait(lock, [&] {
    for (const auto& w : workers_) {
      if (w->busy) return false;
    }
    return true;
  });
  drain_waiting_ = false;
  return error_;
}

void EncodeWorkers::Run(Worker& w) {
  std::deque<EncodeItem> taken;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !w.queue.empty(); });
    if (w.queue.empty()) return;
    // Take everything queued at once: one lock round per burst, not per record.
    taken.swap(w.queue);
    w.busy = true;
    bool skip = !error_.ok();
    bool was_full = taken.size() >= queue_items_;
    lock.unlock();
    if (was_full) changed_.notify_all();  // a blocked Submit may go on
    Status s;
    for (auto& item : taken) {
      if (skip || !s.ok()) break;
      s = handler_(item);
      // Let go of what the item holds now (a raw chunk pins its whole fetch response).
      item.record.reset();
      item.chunk.reset();
    }
    taken.clear();
    lock.lock();
    w.busy = false;
    if (!s.ok() && error_.ok()) error_ = s;
    if ((w.queue.empty() && drain_waiting_) || !s.ok()) changed_.notify_all();
  }
}

}  // namespace strata::backup
