// Pipeline setup, the fetch threads and checkpoints. Decoding, producing and delivery
// reports are in pipeline_worker.cc.
#include <fmt/format.h>

#include <algorithm>

#include "restore/log.h"
#include "restore/pipeline_internal.h"
#include "restore/segment_check.h"

namespace strata::restore {

namespace {
constexpr std::string_view kRefusal = "restore refused: ";
}  // namespace

Status RefusalError(std::string_view why) {
  return FailedPreconditionError(std::string(kRefusal) + std::string(why));
}

bool IsRefusal(const Status& status) {
  return status.code() == StatusCode::kFailedPrecondition && status.message().rfind(kRefusal, 0) == 0;
}

void Pipeline::Impl::SetError(Status s) {
  {
    std::lock_guard<std::mutex> lock(error_mu);
    if (error.ok()) error = std::move(s);
  }
  stop.store(true, std::memory_order_release);
  { std::lock_guard<std::mutex> lock(mu); }
  fetch_cv.notify_all();
  work_cv.notify_all();
  { std::lock_guard<std::mutex> lock(budget_mu); }
  budget_cv.notify_all();
}

std::shared_ptr<const Bytes> Pipeline::Impl::TrackFetched(Bytes bytes) {
  uint64_t n = bytes.size();
  {
    std::lock_guard<std::mutex> lock(budget_mu);
    fetch_used += n;
  }
  return std::shared_ptr<const Bytes>(new Bytes(std::move(bytes)), [this, n](const Bytes* b) {
    delete b;
    ReleaseFetch(n);
  });
}

void Pipeline::Impl::ReleaseFetch(uint64_t n) {
  {
    std::lock_guard<std::mutex> lock(budget_mu);
    fetch_used -= n;
  }
  budget_cv.notify_all();
  // Fetchers wait on mu's condition; wake them too.
  { std::lock_guard<std::mutex> lock(mu); }
  fetch_cv.notify_all();
}

// REQUIRES: mu held.
Stream* Pipeline::Impl::PickFetchable() {
  uint64_t used;
  {
    std::lock_guard<std::mutex> lock(budget_mu);
    used = fetch_used;
  }
  if (used > 0 && used + options.chunk_bytes > options.fetch_budget) return nullptr;
  for (size_t k = 0; k < streams.size(); ++k) {
    Stream& s = *streams[(rr + k) % streams.size()];
    if (s.fetch_done || s.loading) continue;
    if (s.in_flight + static_cast<int>(s.ready.size()) >= options.max_ahead) continue;
    rr = (rr + k + 1) % streams.size();
    return &s;
  }
  return nullptr;
}

// Loads the index of the stream's current segment and finds where to start in it.
// REQUIRES: mu held on entry and exit; released while reading.
Status Pipeline::Impl::LoadIndex(Stream& s) {
  const format::SegmentRef ref = s.start.plan->segments[s.segment];
  s.loading = true;
  mu.unlock();
  auto index = restore::LoadIndex(*store, ref);
  mu.lock();
  s.loading = false;
  if (!index.ok()) return index.status();
  s.seg_index = std::make_shared<const format::SegmentIndex>(std::move(*index));
  std::optional<size_t> first = 0;
  if (s.first_segment) first = s.seg_index->FindOffset(s.start.from_offset);
  s.first_segment = false;
  if (!first || s.seg_index->entries().empty()) {
    s.seg_index.reset();
    if (++s.segment >= s.start.plan->segments.size()) s.fetch_done = true;
    return OkStatus();
  }
  s.next_entry = *first;
  s.seg_from_start = *first == 0;
  return OkStatus();
}

void Pipeline::Impl::FetchLoop() {
  std::unique_lock<std::mutex> lock(mu);
  while (true) {
    Stream* s = nullptr;
    fetch_cv.wait(lock, [&] { return stopped() || (s = PickFetchable()) != nullptr; });
    if (stopped()) return;
    if (!s->seg_index) {
      Status st = LoadIndex(*s);
      if (!st.ok()) {
        lock.unlock();
        SetError(st);
        return;
      }
      fetch_cv.notify_all();
      continue;
    }
    // Cut the next chunk: whole batches, about chunk_bytes.
    Chunk chunk;
    chunk.segment = s->segment;
    chunk.index = s->seg_index;
    chunk.first_entry = s->next_entry;
    chunk.whole_segment = s->seg_from_start;
    const auto& entries = chunk.index->entries();
    int64_t begin = entries[chunk.first_entry].position;
    size_t end = chunk.first_entry + 1;
    while (end < entries.size() && static_cast<uint64_t>(entries[end].position - begin) < options.chunk_bytes) ++end;
    int64_t stop_at = end < entries.size() ? entries[end].position : chunk.index->segment_size();
    chunk.end_entry = end;
    s->next_entry = end;
    const format::SegmentRef& ref = s->start.plan->segments[s->segment];
    if (end == entries.size()) {
      s->seg_index.reset();
      if (++s->segment >= s->start.plan->segments.size()) s->fetch_done = true;
    }
    uint64_t seq = s->next_seq++;
    ++s->in_flight;
    lock.unlock();

    storage::ObjectKey key(ref.key);
    storage::ByteRange range{static_cast<uint64_t>(begin), static_cast<uint64_t>(stop_at - begin)};
    auto bytes = store->GetRange(key, range);
    Status st = bytes.status();
    if (st.ok() && bytes->size() != *range.length) {
      st = DataLossError(fmt::format("{}: read {} bytes at position {}, expected {} (object truncated?)",
                                     store->Describe(key), bytes->size(), begin, *range.length));
    }
    if (!st.ok()) {
      SetError(st.WithContext(fmt::format("read {}", store->Describe(key))));
      return;
    }
    bytes_fetched.fetch_add(static_cast<int64_t>(bytes->size()), std::memory_order_relaxed);
    chunk.data = TrackFetched(std::move(*bytes));
    lock.lock();
    --s->in_flight;
    s->ready.emplace(seq, std::move(chunk));
    work_cv.notify_all();
  }
}

Pipeline::Pipeline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Pipeline::~Pipeline() {
  if (!impl_) return;
  impl_->SetError(CancelledError("pipeline destroyed"));
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->sink.reset();  // purges what is left; its reports still find the streams
  // Chunks still queued give their budget back to Impl's mutexes: free them while those
  // exist (members are destroyed in reverse order, the mutexes before the streams).
  for (auto& s : impl_->streams) s->ready.clear();
}

Result<std::unique_ptr<Pipeline>> Pipeline::Create(storage::ObjectStore& store, Target& target,
                                                   PipelineOptions options, std::vector<StreamStart> starts) {
  if (options.fetch_threads < 1 || options.workers < 1 || options.max_ahead < 1 || options.chunk_bytes < 1) {
    return InvalidArgumentError("restore pipeline: threads, chunk size and read-ahead must be at least 1");
  }
  auto impl = std::make_unique<Impl>();
  impl->store = &store;
  impl->target = &target;
  impl->options = std::move(options);
  Impl* raw = impl.get();
  STRATA_ASSIGN_OR_RETURN(impl->sink, target.OpenSink([raw](const kafka::DeliveryReport& r) { raw->OnDelivery(r); }));
  std::map<std::string, int> topic_ids;
  for (auto& start : starts) {
    auto s = std::make_unique<Stream>();
    s->index = impl->streams.size();
    const std::string& topic = start.plan->target_topic;
    if (!topic_ids.count(topic)) {
      STRATA_ASSIGN_OR_RETURN(int id, impl->sink->AddTopic(topic));
      topic_ids[topic] = id;
    }
    s->topic_id = topic_ids[topic];
    s->offsets = start.written;
    s->offsets.Seal();
    s->checkpointed_runs = s->pending_runs = start.checkpointed_runs;
    s->next_source_offset = start.next_source_offset;
    s->delivered = start.written.records();
    s->fetch_done = start.plan->segments.empty();
    // Segments wholly before the start offset need not be read.
    while (s->segment < start.plan->segments.size() &&
           (start.plan->segments[s->segment].last_offset < start.from_offset ||
            start.plan->segments[s->segment].records == 0)) {
      ++s->segment;
    }
    if (s->segment >= start.plan->segments.size()) s->fetch_done = true;
    s->start = std::move(start);
    if (s->fetch_done) s->consumed = true;
    impl->streams.push_back(std::move(s));
  }
  return std::unique_ptr<Pipeline>(new Pipeline(std::move(impl)));
}

void Pipeline::Start() {
  Impl& m = *impl_;
  m.workers_running = m.options.workers;
  for (int i = 0; i < m.options.fetch_threads; ++i) m.threads.emplace_back([&m] { m.FetchLoop(); });
  for (int i = 0; i < m.options.workers; ++i) {
    m.threads.emplace_back([&m, i] { m.WorkLoop(static_cast<size_t>(i)); });
  }
}

bool Pipeline::WaitSent(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(impl_->mu);
  return impl_->done_cv.wait_for(lock, wait, [&] { return impl_->workers_running == 0 || impl_->stopped(); });
}

Status Pipeline::status() const {
  std::lock_guard<std::mutex> lock(impl_->error_mu);
  return impl_->error;
}

Status Pipeline::Finish(Deadline flush_deadline) {
  Impl& m = *impl_;
  {
    std::unique_lock<std::mutex> lock(m.mu);
    if (m.workers_running > 0 && !m.stopped()) {
      lock.unlock();
      m.SetError(CancelledError("restore stopped"));
    }
  }
  m.stop = true;
  {
    std::lock_guard<std::mutex> lock(m.mu);
  }
  m.fetch_cv.notify_all();
  m.work_cv.notify_all();
  m.budget_cv.notify_all();
  for (auto& t : m.threads) {
    if (t.joinable()) t.join();
  }
  Status flushed = m.sink->Flush(flush_deadline);
  Status s = status();
  if (!s.ok()) return s;
  return flushed;
}

std::vector<PartitionProgress> Pipeline::TakeCheckpoint() {
  std::vector<PartitionProgress> out;
  for (auto& sp : impl_->streams) {
    Stream& s = *sp;
    std::lock_guard<std::mutex> lock(s.mu);
    PartitionProgress p;
    p.target_topic = s.start.plan->target_topic;
    p.partition = s.start.plan->partition;
    p.records = s.offsets.records();
    p.next_source_offset = s.next_source_offset;
    const auto& runs = s.offsets.runs();
    p.runs.assign(runs.begin() + static_cast<std::ptrdiff_t>(s.checkpointed_runs), runs.end());
    s.offsets.Seal();
    s.pending_runs = runs.size();
    out.push_back(std::move(p));
  }
  return out;
}

void Pipeline::CommitCheckpoint(bool stored) {
  for (auto& sp : impl_->streams) {
    std::lock_guard<std::mutex> lock(sp->mu);
    if (stored) sp->checkpointed_runs = sp->pending_runs;
  }
}

PartitionOffsets Pipeline::offsets(size_t i) const {
  std::lock_guard<std::mutex> lock(impl_->streams[i]->mu);
  return impl_->streams[i]->offsets;
}

PipelineStats Pipeline::stats() const {
  PipelineStats s;
  s.records_sent = impl_->records_sent.load();
  s.records_acked = impl_->records_acked.load();
  s.bytes_sent = impl_->bytes_sent.load();
  s.bytes_fetched = impl_->bytes_fetched.load();
  return s;
}

}  // namespace strata::restore
