#include "kafka/producer.h"

#include <fmt/format.h>

#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "kafka/rd_util.h"

namespace strata::kafka {

using internal::Explain;
using internal::FromKafka;

namespace {

// Collects delivery results; the per-message opaque points here.
struct DeliveryState {
  std::mutex mu;
  Status first_error;  // first delivery failure since the last Flush

  void OnDelivery(const rd_kafka_message_t* m) {
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    std::lock_guard<std::mutex> lock(mu);
    if (first_error.ok()) {
      first_error = FromKafka(m->err, fmt::format("deliver record to {} partition {}",
                                                  rd_kafka_topic_name(m->rkt), m->partition));
    }
  }
};

void DeliveryCallback(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  static_cast<DeliveryState*>(m->_private)->OnDelivery(m);
}

}  // namespace

struct Producer::Impl {
  DeliveryState delivery;
  internal::Handle handle;  // destroyed first: its last callbacks still see `delivery`
};

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Producer::~Producer() {
  // Give queued records a moment; the caller that cared has called Flush.
  if (impl_ && impl_->handle.rk) rd_kafka_flush(impl_->handle.rk.get(), 1000);
}

Result<std::unique_ptr<Producer>> Producer::Open(const ClientOptions& client, const ProducerOptions& options) {
  auto impl = std::make_unique<Impl>();
  std::vector<std::pair<std::string, std::string>> overrides = {
      {"enable.idempotence", options.idempotent || options.transactional_id ? "true" : "false"},
      {"acks", options.acks}};
  if (options.transactional_id) overrides.emplace_back("transactional.id", *options.transactional_id);
  STRATA_ASSIGN_OR_RETURN(
      impl->handle, internal::NewHandle(RD_KAFKA_PRODUCER, client, overrides, [](rd_kafka_conf_t* c) {
        rd_kafka_conf_set_dr_msg_cb(c, DeliveryCallback);
      }));
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Status Producer::Send(const Record& record, Deadline deadline) {
  rd_kafka_headers_t* headers = nullptr;
  if (!record.headers.empty()) {
    headers = rd_kafka_headers_new(record.headers.size());
    for (const auto& h : record.headers) {
      rd_kafka_header_add(headers, h.key.data(), static_cast<ssize_t>(h.key.size()),
                          h.value ? h.value->data() : nullptr, h.value ? h.value->size() : 0);
    }
  }
  // Null stays null (a null pointer); empty stays empty (a non-null pointer, length 0).
  void* key = record.key ? const_cast<char*>(record.key->data()) : nullptr;
  size_t key_len = record.key ? record.key->size() : 0;
  void* value = record.value ? const_cast<char*>(record.value->data()) : nullptr;
  size_t value_len = record.value ? record.value->size() : 0;
  int32_t partition = record.partition < 0 ? RD_KAFKA_PARTITION_UA : record.partition;
  int64_t timestamp = record.timestamp_ms >= 0 ? record.timestamp_ms : 0;
  while (true) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        impl_->handle.rk.get(), RD_KAFKA_V_TOPIC(record.topic.c_str()),
        RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE(value, value_len), RD_KAFKA_V_TIMESTAMP(timestamp),
        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(&impl_->delivery), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return OkStatus();  // headers now owned by the message
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !deadline.Expired()) {
      rd_kafka_poll(impl_->handle.rk.get(), 10);
      continue;
    }
    if (headers != nullptr) rd_kafka_headers_destroy(headers);
    return Explain(FromKafka(err, fmt::format("produce to {} partition {}", record.topic, record.partition)),
                   *impl_->handle.errors);
  }
}

Status Producer::Flush(Deadline deadline) {
  rd_kafka_resp_err_t err = rd_kafka_flush(impl_->handle.rk.get(), deadline.RemainingMillis());
  std::lock_guard<std::mutex> lock(impl_->delivery.mu);
  Status s = impl_->delivery.first_error;
  impl_->delivery.first_error = OkStatus();
  if (!s.ok()) return s;
  return Explain(FromKafka(err, "flush producer"), *impl_->handle.errors);
}

Status Producer::InitTransactions(Deadline deadline) {
  return Explain(internal::FromKafkaError(rd_kafka_init_transactions(impl_->handle.rk.get(), deadline.RemainingMillis()),
                                          "init transactions"),
                 *impl_->handle.errors);
}

Status Producer::BeginTransaction() {
  return internal::FromKafkaError(rd_kafka_begin_transaction(impl_->handle.rk.get()), "begin transaction");
}

Status Producer::CommitTransaction(Deadline deadline) {
  return Explain(internal::FromKafkaError(
                     rd_kafka_commit_transaction(impl_->handle.rk.get(), deadline.RemainingMillis()),
                     "commit transaction"),
                 *impl_->handle.errors);
}

Status Producer::AbortTransaction(Deadline deadline) {
  return Explain(internal::FromKafkaError(
                     rd_kafka_abort_transaction(impl_->handle.rk.get(), deadline.RemainingMillis()),
                     "abort transaction"),
                 *impl_->handle.errors);
}

}  // namespace strata::kafka
