// Pipeline workers: check and decode the fetched batches, produce their records, and
// account the delivery reports. Setup and fetching are in pipeline.cc.
#include <fmt/format.h>

#include <thread>

#include "format/crc32c.h"
#include "format/record_batch.h"
#include "format/segment_reader.h"
#include "restore/pipeline_internal.h"
#include "restore/segment_check.h"

namespace strata::restore {
namespace {

// How long a Send may wait for room in the producer's queue.
constexpr auto kSendTimeout = std::chrono::minutes(5);
constexpr auto kThrottleSlice = std::chrono::milliseconds(100);

int64_t RecordBytes(const format::KafkaRecordView& r) {
  int64_t n = static_cast<int64_t>((r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0));
  for (const auto& h : r.headers) n += static_cast<int64_t>(h.key.size() + (h.value ? h.value->size() : 0));
  return n;
}

Status At(const Status& s, const std::string& where) {
  return Status(s.code(), fmt::format("{}: {}", where, s.message()));
}

}  // namespace

std::unique_ptr<format::ScratchBuffer> BufferPool::Get() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto b = std::move(idle_.back());
      idle_.pop_back();
      return b;
    }
  }
  auto b = std::make_unique<format::ScratchBuffer>();
  b->Reserve(kBufferBytes);
  return b;
}

void BufferPool::Put(std::unique_ptr<format::ScratchBuffer> buffer) {
  buffer->clear();
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(buffer));
}

void Pipeline::Impl::WorkLoop(size_t worker) {
  format::Decompressor decompressor;
  std::vector<format::KafkaRecordView> records;
  std::vector<format::KafkaHeaderView> headers;
  std::vector<kafka::HeaderView> send_headers;
  std::vector<Stream*> mine;
  for (auto& s : streams) {
    if (s->index % static_cast<size_t>(options.workers) == worker) mine.push_back(s.get());
  }
  size_t next = 0;
  std::unique_lock<std::mutex> lock(mu);
  while (!stopped()) {
    Stream* pick = nullptr;
    bool all_done = true;
    for (size_t k = 0; k < mine.size() && pick == nullptr; ++k) {
      Stream* s = mine[(next + k) % mine.size()];
      if (!s->consumed && s->fetch_done && s->in_flight == 0 && s->ready.empty() && s->consume_seq == s->next_seq) {
        s->consumed = true;
      }
      if (s->consumed) continue;
      all_done = false;
      if (s->ready.count(s->consume_seq)) {
        pick = s;
        next = (next + k + 1) % mine.size();
      }
    }
    if (all_done) break;
    if (pick == nullptr) {
      work_cv.wait(lock);
      continue;
    }
    Status st;
    {
      auto node = pick->ready.extract(pick->consume_seq++);
      lock.unlock();
      fetch_cv.notify_all();
      st = Process(*pick, node.mapped(), decompressor, records, headers, send_headers);
    }  // the chunk is released here, outside `mu`
    if (!st.ok()) {
      SetError(st);
      lock.lock();
      break;
    }
    lock.lock();
  }
  --workers_running;
  done_cv.notify_all();
}

Status Pipeline::Impl::Process(Stream& s, const Chunk& chunk, format::Decompressor& decompressor,
                               std::vector<format::KafkaRecordView>& records,
                               std::vector<format::KafkaHeaderView>& headers,
                               std::vector<kafka::HeaderView>& send_headers) {
  const PartitionPlan& plan = *s.start.plan;
  const format::SegmentRef& ref = plan.segments[chunk.segment];
  const std::string where = store->Describe(storage::ObjectKey(ref.key));
  const auto& entries = chunk.index->entries();
  const int64_t chunk_begin = entries[chunk.first_entry].position;
  const ByteView data(*chunk.data);
  if (chunk.whole_segment && chunk.first_entry == 0) {
    s.crc = 0;
    s.hashed = 0;
    s.sha = options.check_sha256 && !ref.sha256.empty() ? std::make_unique<format::Sha256>() : nullptr;
  }
  const format::DecoderOptions decoder;
  for (size_t e = chunk.first_entry; e < chunk.end_entry; ++e) {
    if (stopped()) return OkStatus();
    const int64_t pos = entries[e].position;
    const int64_t end = e + 1 < entries.size() ? entries[e + 1].position : chunk.index->segment_size();
    ByteView batch = data.substr(static_cast<size_t>(pos - chunk_begin), static_cast<size_t>(end - pos));
    auto h = format::ReadBatchHeader(batch, static_cast<uint64_t>(pos));
    if (!h.ok()) return At(h.status(), where);
    if (h->size() != batch.size()) {
      return DataLossError(fmt::format("{}: batch at position {} (base offset {}) is {} bytes, its index says {}",
                                       where, pos, h->base_offset, h->size(), batch.size()));
    }
    STRATA_RETURN_IF_ERROR(CheckBatchEntry(*h, static_cast<uint64_t>(pos), entries[e], where));
    if (chunk.whole_segment) {
      s.crc = format::Crc32cExtend(s.crc, batch);
      if (s.sha) s.sha->Update(batch);
      s.hashed += batch.size();
    }
    if (h->record_count == 0 || h->last_offset() < s.start.from_offset) continue;

    auto* lease = new Lease;
    lease->stream = &s;
    ByteView section = batch.substr(format::kBatchHeaderSize);
    if (h->compression() != format::Compression::kNone) {
      if (!WaitProduceRoom()) {
        delete lease;
        return OkStatus();
      }
      lease->pooled = section.size() >= BufferPool::kPooledFrom;
      lease->plain = lease->pooled ? pool.Get() : std::make_unique<format::ScratchBuffer>();
      Status d = decompressor.Decompress(h->compression(), section, decoder.max_uncompressed_batch_bytes,
                                         lease->plain.get());
      if (!d.ok()) {
        Release(lease);
        return Status(d.code(), fmt::format("{}: batch at position {} (base offset {}): {}", where, pos,
                                            h->base_offset, d.message()));
      }
      section = lease->plain->view();
      // What the buffer really holds: a pooled one its full size, or (grown past it by
      // doubling) at most twice the batch.
      size_t size = lease->plain->size();
      lease->budget = !lease->pooled ? size : size <= BufferPool::kBufferBytes ? BufferPool::kBufferBytes : 2 * size;
      std::lock_guard<std::mutex> lock(budget_mu);
      produce_used += lease->budget;
    } else {
      lease->chunk = chunk.data;
    }
    records.clear();
    headers.clear();
    Status ds = format::DecodeRecords(*h, section, &records, &headers);
    if (!ds.ok()) {
      Release(lease);
      return Status(ds.code(), fmt::format("{}: batch at position {} (base offset {}): {}", where, pos,
                                           h->base_offset, ds.message()));
    }
    for (const format::KafkaRecordView& r : records) {
      if (r.offset < s.start.from_offset) continue;
      if (options.until_ms && r.timestamp_ms > *options.until_ms) continue;
      send_headers.clear();
      for (const auto& hv : r.headers) send_headers.push_back({hv.key, hv.value});
      kafka::RecordView v{plan.partition, r.key, r.value, send_headers, r.timestamp_ms};
      int64_t bytes = RecordBytes(r);
      Throttle(bytes);
      lease->refs.fetch_add(1, std::memory_order_relaxed);
      lease->Add(r.offset);
      Status st = sink->Send(s.topic_id, v, lease, Deadline::After(kSendTimeout), options.cancel);
      if (!st.ok()) {
        lease->failed = true;
        lease->refs.fetch_sub(1, std::memory_order_relaxed);
        Release(lease);
        return st;
      }
      records_sent.fetch_add(1, std::memory_order_relaxed);
      bytes_sent.fetch_add(bytes, std::memory_order_relaxed);
    }
    Release(lease);
  }
  if (chunk.whole_segment && chunk.end_entry == entries.size()) return CheckWholeSegment(s, chunk);
  return OkStatus();
}

Status Pipeline::Impl::CheckWholeSegment(Stream& s, const Chunk& chunk) {
  const format::SegmentRef& ref = s.start.plan->segments[chunk.segment];
  const std::string where = store->Describe(storage::ObjectKey(ref.key));
  if (s.hashed != static_cast<uint64_t>(ref.bytes)) {
    return DataLossError(fmt::format("{}: {} bytes read, the manifest says {}", where, s.hashed, ref.bytes));
  }
  if (s.crc != ref.crc32c) {
    return DataLossError(fmt::format(
        "{}: CRC-32C {:08x} does not match the manifest's {:08x} (every batch checked out: bytes outside their "
        "checksums changed)",
        where, s.crc, ref.crc32c));
  }
  if (s.sha && s.sha->FinishHex() != ref.sha256) {
    return DataLossError(fmt::format("{}: SHA-256 does not match the manifest", where));
  }
  return OkStatus();
}

void Pipeline::Impl::OnDelivery(const kafka::DeliveryReport& report) {
  auto* lease = static_cast<Lease*>(report.opaque);
  Stream& s = *lease->stream;
  const PartitionPlan& plan = *s.start.plan;
  if (!report.status.ok()) {
    lease->failed = true;
    SetError(report.status);
  } else {
    int64_t expected = s.start.target_base + s.delivered.load(std::memory_order_relaxed);
    if (report.offset != expected) {
      lease->failed = true;
      SetError(RefusalError(fmt::format(
          "{} partition {}: a restored record was written at offset {}, expected {}: another producer writes to "
          "this partition; stop it, then run the restore again (it resumes)",
          plan.target_topic, plan.partition, report.offset, expected)));
    } else {
      s.delivered.fetch_add(1, std::memory_order_relaxed);
      records_acked.fetch_add(1, std::memory_order_relaxed);
    }
  }
  Release(lease);
}

void Pipeline::Impl::Release(Lease* lease) {
  if (lease->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  Stream& s = *lease->stream;
  if (lease->records > 0) {
    std::lock_guard<std::mutex> lock(s.mu);
    if (lease->failed.load() || s.failed) {
      // What follows a failed record is not a prefix of the stream any more.
      s.failed = true;
    } else {
      for (const auto& [first, count] : lease->runs) s.offsets.AddRange(first, count);
      s.next_source_offset = lease->last_source_offset + 1;
    }
  }
  uint64_t budget = lease->budget;
  if (lease->pooled) pool.Put(std::move(lease->plain));
  delete lease;  // may release a chunk's fetch budget
  if (budget > 0) {
    {
      std::lock_guard<std::mutex> lock(budget_mu);
      produce_used -= budget;
    }
    budget_cv.notify_all();
  }
}

bool Pipeline::Impl::WaitProduceRoom() {
  std::unique_lock<std::mutex> lock(budget_mu);
  budget_cv.wait(lock, [&] { return stopped() || produce_used < options.produce_budget; });
  return !stopped();
}

void Pipeline::Impl::Throttle(int64_t bytes) {
  if (!options.max_bytes_per_sec) return;
  auto now = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point at;
  {
    std::lock_guard<std::mutex> lock(rate_mu);
    if (rate_next < now) rate_next = now;
    at = rate_next;
    rate_next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(static_cast<double>(bytes) / *options.max_bytes_per_sec));
  }
  while (!stopped() && std::chrono::steady_clock::now() < at) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(at - std::chrono::steady_clock::now(),
                                                                              kThrottleSlice));
  }
}

}  // namespace strata::restore
