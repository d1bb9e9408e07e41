// Internal to the kafka module: the only header that includes librdkafka. Builds client
// handles from ClientOptions and translates librdkafka's errors to Status (FromKafka).
// Functions are thread-safe; the Handle is safe for concurrent use as librdkafka's
// handles are.
#pragma once

#include <librdkafka/rdkafka.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/deadline.h"
#include "core/result.h"
#include "core/status.h"
#include "kafka/client_options.h"

namespace strata::kafka::internal {

// The one place librdkafka error codes are read. `what` says what we were doing.
Status FromKafka(rd_kafka_resp_err_t err, std::string_view what);
// For rd_kafka_error_t (uses its retriable/fatal/abortable flags). Takes ownership of
// `error`; OK for nullptr.
Status FromKafkaError(rd_kafka_error_t* error, std::string_view what);
// The same for an error owned by someone else (e.g. a result object).
Status DescribeKafkaError(const rd_kafka_error_t* error, std::string_view what);

// The last client-level error librdkafka reported (connection refused, auth failure),
// kept so a timeout can say why: "... timed out: 127.0.0.1:1: Connection refused".
class ErrorSink {
 public:
  void Record(rd_kafka_resp_err_t err, const std::string& reason);
  // "" if nothing was reported.
  std::string Last() const;
  // Failures that retrying cannot mend, so the caller stops early: credentials the
  // broker refused, a TLS handshake that failed (a broker certificate the client cannot
  // verify, TLS spoken to a plaintext port, a client certificate refused).
  bool auth_failed() const;
  bool tls_failed() const;

  // What the handle's other callbacks need (the configuration's one opaque pointer is
  // this sink): the consumer that owns the handle, for its rebalance callback.
  void* owner = nullptr;

 private:
  mutable std::mutex mu_;
  std::string last_;
  bool auth_failed_ = false;
  bool tls_failed_ = false;
};

// True for a librdkafka FAIL log line that reports a TLS handshake failure retrying
// cannot mend (not a connection dropped during the handshake).
bool IsTlsHandshakeFailure(std::string_view line);

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const;
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

// A librdkafka handle plus the sink its error callback writes to.
struct Handle {
  std::unique_ptr<ErrorSink> errors = std::make_unique<ErrorSink>();
  HandlePtr rk;
};

// Creates a handle of `type` with strata's defaults, then `options.properties`, then
// `overrides` ("name=value" pairs, applied last), then `customize` (callbacks) on the
// configuration. InvalidArgument for a bad property.
Result<Handle> NewHandle(rd_kafka_type_t type, const ClientOptions& options,
                         const std::vector<std::pair<std::string, std::string>>& overrides,
                         const std::function<void(rd_kafka_conf_t*)>& customize = {});

// Adds librdkafka's last reported client error to a timeout status.
Status Explain(Status status, const ErrorSink& errors);

// Runs `attempt` — a blocking librdkafka call given a timeout in milliseconds, true when
// it got its answer — in slices of at most 250 ms until it succeeds. Returns OK then;
// Unauthenticated as soon as the client reports an authentication failure (librdkafka
// retries those until the timeout, but new attempts cannot help), naming `what` and the
// client's error; DeadlineExceeded ("<what>: no answer in time", with the last client
// error) when the deadline passes.
Status WaitForAnswer(const ErrorSink& errors, Deadline deadline, std::string_view what,
                     const std::function<bool(int timeout_ms)>& attempt);

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

// Starts one admin request by calling the rd_kafka_<Op>() function with these options
// (after setting more of them, if it needs to) and this result queue.
using AdminStart = std::function<void(rd_kafka_t*, rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>;

// Runs an admin request of kind `op` on `handle` with its timeouts taken from `deadline`
// and returns its result event. DeadlineExceeded (with the last client error) if none
// arrives in time. The event's own error is not checked: see EventStatus.
Result<EventPtr> RunAdmin(const Handle& handle, rd_kafka_admin_op_t op, Deadline deadline,
                          std::string_view what, const AdminStart& start);

// The request-level error of an admin result event, with the broker's message (and, for
// a transient error, the last client error); OK if none.
Status EventStatus(rd_kafka_event_t* event, std::string_view what, const ErrorSink& errors);

}  // namespace strata::kafka::internal
