#include "kafka/rd_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "kafka/log.h"

namespace strata::kafka {

bool IsSecretProperty(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* word : {"password", "secret", "jaas", "token", "key.pem", "keystore", "credential"}) {
    if (n.find(word) != std::string::npos) return true;
  }
  return false;
}

namespace internal {

namespace {
// librdkafka accepts admin timeouts up to one hour.
constexpr int kMaxAdminTimeoutMs = 3'600'000;
}  // namespace

Status FromKafka(rd_kafka_resp_err_t err, std::string_view what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return OkStatus();
  std::string msg = fmt::format("{}: {} ({})", what, rd_kafka_err2str(err), rd_kafka_err2name(err));
  switch (err) {
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return DeadlineExceededError(std::move(msg));
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_NOT_CONTROLLER:
    case RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
    case RD_KAFKA_RESP_ERR_FETCH_SESSION_ID_NOT_FOUND:
    case RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED:
    case RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT:
    case RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS:
      return UnavailableError(std::move(msg));
    case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID:
    case RD_KAFKA_RESP_ERR__STATE:
      return AbortedError(std::move(msg));
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR__NOENT:
    case RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND:
      return NotFoundError(std::move(msg));
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
      return AlreadyExistsError(std::move(msg));
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_DELEGATION_TOKEN_AUTHORIZATION_FAILED:
      return PermissionDeniedError(std::move(msg));
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__SSL:
      return UnauthenticatedError(std::move(msg));
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
      return OutOfRangeError(std::move(msg));
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
      return err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT ? DeadlineExceededError(std::move(msg))
                                                      : InvalidArgumentError(std::move(msg));
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
    case RD_KAFKA_RESP_ERR_SECURITY_DISABLED:
    case RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP:
    case RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC:
    case RD_KAFKA_RESP_ERR_INVALID_TRANSACTION_TIMEOUT:
    case RD_KAFKA_RESP_ERR__NOT_CONFIGURED:
      return FailedPreconditionError(std::move(msg));
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER:
    case RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH:
    case RD_KAFKA_RESP_ERR_PRODUCER_FENCED:
      return AbortedError(std::move(msg));
    default:
      return UnknownError(std::move(msg));
  }
}

Status FromKafkaError(rd_kafka_error_t* error, std::string_view what) {
  Status s = DescribeKafkaError(error, what);
  if (error != nullptr) rd_kafka_error_destroy(error);
  return s;
}

Status DescribeKafkaError(const rd_kafka_error_t* error, std::string_view what) {
  if (error == nullptr) return OkStatus();
  Status s = FromKafka(rd_kafka_error_code(error), what);
  StatusCode code = s.code();
  // The flags say more than the code: a fatal error needs a new client, an abortable
  // one a new transaction; both mean "redo the larger unit".
  if (rd_kafka_error_is_fatal(error) || rd_kafka_error_txn_requires_abort(error)) {
    code = StatusCode::kAborted;
  } else if (rd_kafka_error_is_retriable(error)) {
    code = StatusCode::kUnavailable;
  }
  return Status(code, fmt::format("{}: {} ({})", what, rd_kafka_error_string(error),
                                  rd_kafka_error_name(error)));
}

void ErrorSink::Record(rd_kafka_resp_err_t err, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  last_ = reason;
  if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED) {
    auth_failed_ = true;
  }
  if (err == RD_KAFKA_RESP_ERR__SSL && IsTlsHandshakeFailure(reason)) tls_failed_ = true;
}

bool IsTlsHandshakeFailure(std::string_view line) {
  if (line.find("SSL handshake failed") == std::string_view::npos) return false;
  // A broker going away mid-handshake is worth another try.
  for (std::string_view transient :
       {"Disconnected", "Connection reset", "connection reset", "timed out", "unexpected eof"}) {
    if (line.find(transient) != std::string_view::npos) return false;
  }
  return true;
}

std::string ErrorSink::Last() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

bool ErrorSink::auth_failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return auth_failed_;
}

bool ErrorSink::tls_failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tls_failed_;
}

void HandleDeleter::operator()(rd_kafka_t* rk) const {
  if (rk != nullptr) rd_kafka_destroy(rk);
}

namespace {

void OnError(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* sink = static_cast<ErrorSink*>(opaque);
  sink->Record(static_cast<rd_kafka_resp_err_t>(err), reason);
  Log().debug("librdkafka: {}: {}", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
}

void OnLog(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  // Connection failures ("Connect to ipv4#127.0.0.1:1 failed: Connection refused") reach
  // the application only as FAIL log lines, not through OnError: keep the last one, so a
  // timeout can say why.
  if (std::string_view(fac) == "FAIL" && rk != nullptr) {
    if (auto* sink = static_cast<ErrorSink*>(rd_kafka_opaque(rk))) {
      std::string_view line(buf);
      // Drop librdkafka's "<broker>/<id>: " thread prefix duplicate, keep the rest.
      // Without rd_kafka_poll (admin handles never call it) the error callback never
      // runs: an authentication failure shows only here.
      bool auth = line.find("SASL authentication error") != std::string_view::npos ||
                  line.find("Authentication failed") != std::string_view::npos;
      // Every handshake failure is tagged __SSL; Record decides which ones are for good.
      bool tls = line.find("SSL handshake failed") != std::string_view::npos;
      rd_kafka_resp_err_t err = auth  ? RD_KAFKA_RESP_ERR__AUTHENTICATION
                                : tls ? RD_KAFKA_RESP_ERR__SSL
                                      : RD_KAFKA_RESP_ERR__TRANSPORT;
      sink->Record(err, std::string(line.substr(line.find(": ") == std::string_view::npos ? 0 : line.find(": ") + 2)));
    }
  }
  // librdkafka's syslog levels: 0-3 error, 4 warning, 5-6 info, 7 debug. Its own errors
  // reach us through OnError too, so keep its chatter at debug unless it is a warning.
  if (level <= 4) {
    Log().debug("librdkafka {}: {}", fac, buf);
  } else {
    Log().trace("librdkafka {}: {}", fac, buf);
  }
}

Status Set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  std::array<char, 512> err{};
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err.data(), err.size()) != RD_KAFKA_CONF_OK) {
    // Never echo the value: it may be a secret.
    return InvalidArgumentError(fmt::format("Kafka client property \"{}\": {}", name, err.data()));
  }
  return OkStatus();
}

}  // namespace

Result<Handle> NewHandle(rd_kafka_type_t type, const ClientOptions& options,
                         const std::vector<std::pair<std::string, std::string>>& overrides,
                         const std::function<void(rd_kafka_conf_t*)>& customize) {
  if (options.bootstrap_servers.empty()) {
    return InvalidArgumentError("no Kafka bootstrap server given (--bootstrap-server HOST:PORT)");
  }
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto fail = [conf](Status s) {
    rd_kafka_conf_destroy(conf);
    return s;
  };
  Handle handle;
  for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", options.bootstrap_servers},
           {"client.id", "strata"},
           // Connection failures surface through OnError quickly instead of being retried
           // silently forever.
           {"reconnect.backoff.max.ms", "2000"},
           {"log.connection.close", "false"}}) {
    Status s = Set(conf, k, v);
    if (!s.ok()) return fail(s);
  }
  for (const auto& [k, v] : options.properties) {
    Status s = Set(conf, k, v);
    if (!s.ok()) return fail(s);
  }
  for (const auto& [k, v] : overrides) {
    Status s = Set(conf, k, v);
    if (!s.ok()) return fail(s);
  }
  rd_kafka_conf_set_opaque(conf, handle.errors.get());
  rd_kafka_conf_set_error_cb(conf, OnError);
  rd_kafka_conf_set_log_cb(conf, OnLog);
  if (customize) customize(conf);
  std::array<char, 512> err{};
  rd_kafka_t* rk = rd_kafka_new(type, conf, err.data(), err.size());
  if (rk == nullptr) return fail(InvalidArgumentError(fmt::format("Kafka client: {}", err.data())));
  handle.rk.reset(rk);  // rd_kafka_new took ownership of conf
  return handle;
}

Status Explain(Status status, const ErrorSink& errors) {
  std::string last = errors.Last();
  if (status.ok() || last.empty()) return status;
  StatusCode code = errors.auth_failed() || errors.tls_failed() ? StatusCode::kUnauthenticated : status.code();
  return Status(code, status.message() + "; last client error: " + last);
}

Status WaitForAnswer(const ErrorSink& errors, Deadline deadline, std::string_view what,
                     const std::function<bool(int timeout_ms)>& attempt) {
  constexpr int kSliceMs = 250;
  while (true) {
    if (attempt(std::min(kSliceMs, deadline.RemainingMillis()))) return OkStatus();
    if (errors.auth_failed()) {
      return UnauthenticatedError(fmt::format("{}: the broker refused the credentials: {}", what, errors.Last()));
    }
    if (errors.tls_failed()) {
      return UnauthenticatedError(fmt::format(
          "{}: the TLS handshake with the broker failed (check ssl.ca.location / ssl.truststore.location and "
          "that the listener speaks TLS): {}",
          what, errors.Last()));
    }
    if (deadline.Expired()) return Explain(DeadlineExceededError(fmt::format("{}: no answer in time", what)), errors);
  }
}

Result<EventPtr> RunAdmin(const Handle& handle, rd_kafka_admin_op_t op, Deadline deadline,
                          std::string_view what, const AdminStart& start) {
  rd_kafka_t* rk = handle.rk.get();
  QueuePtr queue(rd_kafka_queue_new(rk));
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, op);
  std::array<char, 256> err{};
  // Both setters refuse values out of their range (and the operation timeout refuses
  // requests it does not apply to); librdkafka's defaults then hold, which is fine.
  rd_kafka_AdminOptions_set_request_timeout(options, deadline.RemainingMillis(kMaxAdminTimeoutMs), err.data(),
                                            err.size());
  rd_kafka_AdminOptions_set_operation_timeout(options, deadline.RemainingMillis(kMaxAdminTimeoutMs), err.data(),
                                              err.size());
  start(rk, options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_event_t* event = nullptr;
  STRATA_RETURN_IF_ERROR(WaitForAnswer(*handle.errors, deadline, what, [&](int ms) {
    event = rd_kafka_queue_poll(queue.get(), ms);
    return event != nullptr;
  }));
  return EventPtr(event);
}

Status EventStatus(rd_kafka_event_t* event, std::string_view what, const ErrorSink& errors) {
  rd_kafka_resp_err_t err = rd_kafka_event_error(event);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return OkStatus();
  Status s = FromKafka(err, what);
  const char* detail = rd_kafka_event_error_string(event);
  if (detail != nullptr && *detail != '\0') {
    s = Status(s.code(), fmt::format("{}: {} ({})", what, detail, rd_kafka_err2name(err)));
  }
  return IsTransient(s) ? Explain(std::move(s), errors) : s;
}

}  // namespace internal
}  // namespace strata::kafka
