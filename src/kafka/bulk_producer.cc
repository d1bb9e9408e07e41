#include "kafka/bulk_producer.h"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "kafka/rd_util.h"

namespace strata::kafka {

using internal::Explain;
using internal::FromKafka;

namespace {
constexpr int kPollMillis = 50;
constexpr auto kQueueFullWait = std::chrono::milliseconds(2);
// librdkafka reads a null pointer as a null value; an empty value needs a valid pointer.
constexpr char kEmpty[1] = {0};
}  // namespace

struct BulkProducer::Impl {
  BulkProducerOptions options;
  internal::Handle handle;
  std::mutex topics_mu;
  std::vector<rd_kafka_topic_t*> topics;
  std::atomic<int64_t> outstanding{0};
  std::mutex flush_mu;
  std::condition_variable flushed;
  std::atomic<bool> stop{false};
  std::thread poller;

  void OnDelivery(const rd_kafka_message_t* m) {
    DeliveryReport report;
    report.opaque = m->_private;
    report.partition = m->partition;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      report.offset = m->offset;
    } else {
      report.status = FromKafka(m->err, fmt::format("deliver record to {} partition {}",
                                                    rd_kafka_topic_name(m->rkt), m->partition));
    }
    options.on_delivery(report);
    if (outstanding.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(flush_mu);
      flushed.notify_all();
    }
  }

  // The handle's own opaque is its error sink (rd_util.h); each topic's opaque is the Impl.
  static void DeliveryCallback(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
    static_cast<Impl*>(rd_kafka_topic_opaque(m->rkt))->OnDelivery(m);
  }

  Status FatalStatus() {
    std::array<char, 512> buf{};
    rd_kafka_resp_err_t err = rd_kafka_fatal_error(handle.rk.get(), buf.data(), buf.size());
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return AbortedError("producer: fatal error");
    return AbortedError(fmt::format("producer: fatal error: {} ({})", buf.data(), rd_kafka_err2name(err)));
  }
};

BulkProducer::BulkProducer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

BulkProducer::~BulkProducer() {
  if (!impl_) return;
  rd_kafka_t* rk = impl_->handle.rk.get();
  if (rk != nullptr && impl_->outstanding.load() > 0) {
    rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    // Purged records are reported by the poll thread; wait (bounded) for them.
    std::unique_lock<std::mutex> lock(impl_->flush_mu);
    impl_->flushed.wait_for(lock, std::chrono::seconds(10), [&] { return impl_->outstanding.load() == 0; });
  }
  impl_->stop = true;
  if (impl_->poller.joinable()) impl_->poller.join();
  for (rd_kafka_topic_t* t : impl_->topics) rd_kafka_topic_destroy(t);
  impl_->topics.clear();
}

Result<std::unique_ptr<BulkProducer>> BulkProducer::Open(const ClientOptions& client, BulkProducerOptions options) {
  if (!options.on_delivery) return InvalidArgumentError("BulkProducer: no delivery handler");
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  Impl* raw = impl.get();
  STRATA_ASSIGN_OR_RETURN(
      impl->handle,
      internal::NewHandle(RD_KAFKA_PRODUCER, client,
                          {{"enable.idempotence", "true"}, {"acks", "all"}, {"message.timeout.ms", "0"}},
                          [](rd_kafka_conf_t* c) { rd_kafka_conf_set_dr_msg_cb(c, &Impl::DeliveryCallback); }));
  impl->poller = std::thread([raw] {
    while (!raw->stop.load(std::memory_order_acquire)) rd_kafka_poll(raw->handle.rk.get(), kPollMillis);
    rd_kafka_poll(raw->handle.rk.get(), 0);
  });
  return std::unique_ptr<BulkProducer>(new BulkProducer(std::move(impl)));
}

Result<int> BulkProducer::AddTopic(const std::string& name) {
  std::lock_guard<std::mutex> lock(impl_->topics_mu);
  // A copy of the default topic configuration keeps acks and the other topic-level
  // settings; its opaque leads the delivery callback back here.
  rd_kafka_topic_conf_t* tc = rd_kafka_default_topic_conf_dup(impl_->handle.rk.get());
  rd_kafka_topic_conf_set_opaque(tc, impl_.get());
  rd_kafka_topic_t* t = rd_kafka_topic_new(impl_->handle.rk.get(), name.c_str(), tc);
  if (t == nullptr) {
    return InvalidArgumentError(
        fmt::format("topic \"{}\": {}", name, rd_kafka_err2str(rd_kafka_last_error())));
  }
  impl_->topics.push_back(t);
  return static_cast<int>(impl_->topics.size() - 1);
}

Status BulkProducer::Send(int topic, const RecordView& record, void* opaque, Deadline deadline,
                          const CancelToken& cancel) {
  rd_kafka_topic_t* rkt = nullptr;
  {
    std::lock_guard<std::mutex> lock(impl_->topics_mu);
    if (topic < 0 || static_cast<size_t>(topic) >= impl_->topics.size()) {
      return InvalidArgumentError(fmt::format("BulkProducer::Send: unknown topic id {}", topic));
    }
    rkt = impl_->topics[topic];
  }
  rd_kafka_headers_t* headers = nullptr;
  if (!record.headers.empty()) {
    headers = rd_kafka_headers_new(record.headers.size());
    for (const HeaderView& h : record.headers) {
      rd_kafka_header_add(headers, h.key.data(), static_cast<ssize_t>(h.key.size()),
                          h.value ? (h.value->empty() ? kEmpty : h.value->data()) : nullptr,
                          h.value ? static_cast<ssize_t>(h.value->size()) : 0);
    }
  }
  const void* key = record.key ? (record.key->empty() ? kEmpty : record.key->data()) : nullptr;
  const void* value = record.value ? (record.value->empty() ? kEmpty : record.value->data()) : nullptr;
  size_t key_len = record.key ? record.key->size() : 0;
  size_t value_len = record.value ? record.value->size() : 0;
  int64_t timestamp = record.timestamp_ms > 0 ? record.timestamp_ms : 0;
  impl_->outstanding.fetch_add(1, std::memory_order_acq_rel);
  while (true) {
    // No copy flag: librdkafka keeps pointing at the value until the delivery report.
    rd_kafka_resp_err_t err = rd_kafka_producev(
        impl_->handle.rk.get(), RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(record.partition),
        RD_KAFKA_V_MSGFLAGS(0), RD_KAFKA_V_KEY(key, key_len),
        RD_KAFKA_V_VALUE(const_cast<void*>(value), value_len), RD_KAFKA_V_TIMESTAMP(timestamp),
        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return OkStatus();  // headers now owned by the message
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !deadline.Expired() && !cancel.cancelled()) {
      std::this_thread::sleep_for(kQueueFullWait);
      continue;
    }
    impl_->outstanding.fetch_sub(1, std::memory_order_acq_rel);
    if (headers != nullptr) rd_kafka_headers_destroy(headers);
    if (err == RD_KAFKA_RESP_ERR__FATAL) return impl_->FatalStatus();
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && cancel.cancelled()) {
      return CancelledError("produce: cancelled while the queue was full");
    }
    return Explain(FromKafka(err, fmt::format("produce to {} partition {}", rd_kafka_topic_name(rkt),
                                              record.partition)),
                   *impl_->handle.errors);
  }
}

Status BulkProducer::Flush(Deadline deadline) {
  std::unique_lock<std::mutex> lock(impl_->flush_mu);
  auto done = [&] { return impl_->outstanding.load(std::memory_order_acquire) == 0; };
  while (!done()) {
    if (deadline.Expired()) {
      return Explain(DeadlineExceededError(fmt::format("flush producer: {} records not acknowledged in time",
                                                       impl_->outstanding.load())),
                     *impl_->handle.errors);
    }
    impl_->flushed.wait_for(lock, std::chrono::milliseconds(std::min(deadline.RemainingMillis(), 100)), done);
  }
  return OkStatus();
}

int64_t BulkProducer::outstanding() const { return impl_->outstanding.load(std::memory_order_acquire); }

}  // namespace strata::kafka
