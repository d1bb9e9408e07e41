#include "storage/retrying_store.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <utility>

#include "storage/log.h"

namespace strata::storage {
namespace {

// At most one retry line per interval per store: an outage of a busy store would
// otherwise print one line per request.
constexpr std::chrono::seconds kRetryLogInterval{5};

using Where = std::function<std::string()>;

}  // namespace

class RetryingStore::Retrier {
 public:
  Retrier(RetryPolicy policy, SleepFunction sleep)
      : policy_(std::move(policy)), sleep_(std::move(sleep)) {}

  // Runs `fn` under the policy, within `call`. `op` and `where` name it in log lines.
  Status Run(std::string_view op, const Where& where, const CallOptions& call,
             const std::function<Status()>& fn) {
    RetryContext context;
    context.deadline = call.deadline;
    context.cancel = call.cancel;
    context.sleep = sleep_;
    return Retry(policy_, context, fn,
                 [&](const RetryEvent& event) { LogRetry(op, where, event); });
  }

  template <typename T>
  Result<T> RunFor(std::string_view op, const Where& where, const CallOptions& call,
                   const std::function<Result<T>()>& fn) {
    std::optional<T> value;
    Status s = Run(op, where, call, [&] {
      Result<T> r = fn();
      if (!r.ok()) return r.status();
      value = std::move(r).value();
      return OkStatus();
    });
    if (!s.ok()) return s;
    return std::move(*value);
  }

 private:
  void LogRetry(std::string_view op, const Where& where, const RetryEvent& event) {
    uint64_t suppressed = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const auto now = std::chrono::steady_clock::now();
      if (now < next_log_) {
        ++suppressed_;
        return;
      }
      next_log_ = now + kRetryLogInterval;
      suppressed = std::exchange(suppressed_, 0);
    }
    const auto backoff_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(event.backoff).count();
    if (suppressed == 0) {
      Log().warn("{} {}: {} (attempt {} of {}); retrying in {} ms", op, where(),
                 event.status.ToString(), event.attempt, event.max_attempts, backoff_ms);
    } else {
      Log().warn("{} {}: {} (attempt {} of {}); retrying in {} ms ({} other retries not logged)",
                 op, where(), event.status.ToString(), event.attempt, event.max_attempts,
                 backoff_ms, suppressed);
    }
  }

  const RetryPolicy policy_;
  const SleepFunction sleep_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point next_log_;  // guarded by mu_
  uint64_t suppressed_ = 0;                         // guarded by mu_
};

namespace {

class RetryingWriter final : public ObjectWriter {
 public:
  RetryingWriter(std::unique_ptr<ObjectWriter> inner,
                 std::shared_ptr<RetryingStore::Retrier> retrier, std::string where,
                 CallOptions call)
      : inner_(std::move(inner)),
        retrier_(std::move(retrier)),
        where_(std::move(where)),
        call_(std::move(call)) {}

  Status Append(ByteView data) override {
    return retrier_->Run(
        "APPEND", [this] { return where_; }, call_, [&] { return inner_->Append(data); });
  }
  Result<ObjectInfo> Commit() override { return inner_->Commit(); }
  void Abort() override { inner_->Abort(); }

 private:
  std::unique_ptr<ObjectWriter> inner_;
  std::shared_ptr<RetryingStore::Retrier> retrier_;
  const std::string where_;
  const CallOptions call_;
};

}  // namespace

RetryingStore::RetryingStore(std::unique_ptr<ObjectStore> inner, RetryPolicy policy,
                             SleepFunction sleep)
    : inner_(std::move(inner)),
      retrier_(std::make_shared<Retrier>(std::move(policy), std::move(sleep))) {}

RetryingStore::~RetryingStore() = default;

Status RetryingStore::Put(const ObjectKey& key, ByteView data, const WriteOptions& options,
                          const CallOptions& call) {
  int attempts = 0;
  return retrier_->Run("PUT", [&] { return Describe(key); }, call, [&]() -> Status {
    ++attempts;
    Status s = inner_->Put(key, data, options, call);
    if (s.code() != StatusCode::kAlreadyExists || attempts == 1) return s;
    // An earlier attempt may have landed with its reply lost. If the object holds our
    // bytes, it is ours (or identical, which is as good).
    Result<Bytes> existing = inner_->Get(key, call);
    if (existing.ok() && *existing == data) return OkStatus();
    if (!existing.ok() && IsTransient(existing.status())) return existing.status();
    return s;
  });
}

Result<Bytes> RetryingStore::Get(const ObjectKey& key, const CallOptions& call) {
  return retrier_->RunFor<Bytes>("GET", [&] { return Describe(key); }, call,
                                 [&] { return inner_->Get(key, call); });
}

Result<Bytes> RetryingStore::GetRange(const ObjectKey& key, ByteRange range,
                                      const CallOptions& call) {
  return retrier_->RunFor<Bytes>("GET", [&] { return Describe(key); }, call,
                                 [&] { return inner_->GetRange(key, range, call); });
}

Result<ObjectInfo> RetryingStore::Head(const ObjectKey& key, const CallOptions& call) {
  return retrier_->RunFor<ObjectInfo>("HEAD", [&] { return Describe(key); }, call,
                                      [&] { return inner_->Head(key, call); });
}

Result<ListPage> RetryingStore::List(std::string_view prefix, std::string_view start_after,
                                     int max_keys, const CallOptions& call) {
  return retrier_->RunFor<ListPage>(
      "LIST", [&] { return Describe(ObjectKey(std::string(prefix))); }, call,
      [&] { return inner_->List(prefix, start_after, max_keys, call); });
}

Status RetryingStore::Delete(const ObjectKey& key, const CallOptions& call) {
  return retrier_->Run("DELETE", [&] { return Describe(key); }, call,
                       [&] { return inner_->Delete(key, call); });
}

Result<std::unique_ptr<ObjectWriter>> RetryingStore::NewWriter(const ObjectKey& key,
                                                               const WriteOptions& options,
                                                               const CallOptions& call) {
  STRATA_ASSIGN_OR_RETURN(
      std::unique_ptr<ObjectWriter> writer,
      retrier_->RunFor<std::unique_ptr<ObjectWriter>>(
          "CREATE WRITER", [&] { return Describe(key); }, call,
          [&] { return inner_->NewWriter(key, options, call); }));
  return std::unique_ptr<ObjectWriter>(
      std::make_unique<RetryingWriter>(std::move(writer), retrier_, Describe(key), call));
}

std::string RetryingStore::Describe(const ObjectKey& key) const { return inner_->Describe(key); }

}  // namespace strata::storage
