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

#include "core/result.h"
#include "core/status.h"
#include "kafka/client_options.h"

namespace strata::kafka::internal {

// The one place librdkafka error codes are read. `what` says what we were doing.
Status FromKafka(rd_kafka_resp_err_t err, std::string_view what);
// For rd_kafka_error_t (uses its retriable/fatal flags). Takes ownership of `error`.
Status FromKafkaError(rd_kafka_error_t* error, std::string_view what);

// The last client-level error librdkafka reported (connection refused, auth failure),
// kept so a timeout can say why: "... timed out: 127.0.0.1:1: Connection refused".
class ErrorSink {
 public:
  void Record(rd_kafka_resp_err_t err, const std::string& reason);
  // "" if nothing was reported.
  std::string Last() const;
  // Authentication failures are not worth retrying: the caller stops early.
  bool auth_failed() const;

 private:
  mutable std::mutex mu_;
  std::string last_;
  bool auth_failed_ = false;
};

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

}  // namespace strata::kafka::internal
