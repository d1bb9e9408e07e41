// BulkProducer: an idempotent (acks=all) producer for writing many records fast, as a
// restore does. Unlike Producer it does not copy record values: the caller keeps the
// value bytes alive until the record's delivery is reported (keys and headers are copied
// by librdkafka and may be reused at once). Each record carries an opaque pointer that
// comes back in its DeliveryReport, so the caller can free what it holds per record or
// per batch.
//
// Delivery reports are delivered on the producer's own poll thread, in produce order
// within each partition (idempotence guarantees that order on the broker too).
// Send may be called from several threads; Flush waits for everything sent before it.
// The delivery handler must not call Send or Flush.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/deadline.h"
#include "core/result.h"
#include "core/status.h"
#include "kafka/client_options.h"

namespace strata::kafka {

struct HeaderView {
  ByteView key;
  std::optional<ByteView> value;  // nullopt = null header value
};

// One record to produce. Borrows every byte.
struct RecordView {
  int32_t partition = 0;
  std::optional<ByteView> key;    // nullopt = null key
  std::optional<ByteView> value;  // nullopt = null value; must stay live until delivered
  std::span<const HeaderView> headers;
  int64_t timestamp_ms = -1;  // < 0: the producer's clock
};

// What the broker said about one record.
struct DeliveryReport {
  void* opaque = nullptr;  // as given to Send
  int32_t partition = 0;
  int64_t offset = -1;     // the record's offset in the partition (-1 on failure)
  Status status;           // OK, or why the record was not written
};

using DeliveryHandler = std::function<void(const DeliveryReport&)>;

struct BulkProducerOptions {
  // Called once per record sent, on the poll thread. Required.
  DeliveryHandler on_delivery;
};

class BulkProducer {
 public:
  // Opens an idempotent, acks=all producer with `client` (its properties can tune
  // linger.ms, batch.size, compression.type, queue sizes; idempotence, acks and
  // message.timeout.ms are fixed). Records never time out once queued
  // (message.timeout.ms=0): a record given up on would leave a hole behind later ones.
  // InvalidArgument on a bad configuration or without a delivery handler.
  static Result<std::unique_ptr<BulkProducer>> Open(const ClientOptions& client,
                                                    BulkProducerOptions options);
  // Stops the poll thread; records still queued are purged and reported as failed.
  ~BulkProducer();

  // Registers a topic and returns its id for Send. Thread-safe.
  Result<int> AddTopic(const std::string& name);

  // Queues `record` for `topic` (an id from AddTopic). Waits while librdkafka's queue
  // is full; DeadlineExceeded if it stays full past `deadline`, Cancelled if `cancel`
  // is set meanwhile. InvalidArgument for an unknown topic id or a record larger than
  // message.max.bytes; Aborted after a fatal producer error.
  Status Send(int topic, const RecordView& record, void* opaque, Deadline deadline,
              const CancelToken& cancel = {});

  // Waits until every record sent so far has been reported. DeadlineExceeded if some
  // are still outstanding at `deadline`.
  Status Flush(Deadline deadline);

  // Records sent and not yet reported.
  int64_t outstanding() const;

 private:
  struct Impl;
  explicit BulkProducer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::kafka
