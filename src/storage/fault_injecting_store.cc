#include "storage/fault_injecting_store.h"

#include <algorithm>
#include <array>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "core/check.h"

namespace strata::storage {
namespace {

constexpr size_t kOpCount = static_cast<size_t>(StoreOp::kCommit) + 1;

struct Fault {
  Status status;
  FaultTiming timing;
};

}  // namespace

class FaultInjectingStore::Faults {
 public:
  struct Rule {
    StoreOp op;
    int first;  // 1-based range of matching calls (counted from when the rule was added)
    int last;
    double fraction;  // chance that a call in the range fails
    Status status;
    FaultTiming timing;
    std::mt19937_64 rng;
    int seen = 0;
  };

  void Add(Rule rule) {
    STRATA_CHECK(!rule.status.ok(), "a fault needs a non-OK status");
    STRATA_CHECK(rule.first >= 1 && rule.first <= rule.last, "fault call range is empty");
    STRATA_CHECK(rule.op != StoreOp::kAppend || rule.timing == FaultTiming::kBeforeCall,
                 "an Append fault after the call would break ObjectWriter's contract");
    std::lock_guard<std::mutex> lock(mu_);
    rules_.push_back(std::move(rule));
  }

  // Counts a call of `op` and returns the fault to inject, if any. Every matching rule
  // counts the call; the first that fires wins.
  std::optional<Fault> OnCall(StoreOp op) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_[static_cast<size_t>(op)];
    ++calls_[static_cast<size_t>(StoreOp::kAny)];
    std::optional<Fault> fault;
    for (Rule& rule : rules_) {
      if (rule.op != StoreOp::kAny && rule.op != op) continue;
      // Appends are exempt from "any call" faults after the call (see FailNth).
      if (op == StoreOp::kAppend && rule.timing == FaultTiming::kAfterCall) continue;
      ++rule.seen;
      if (rule.seen < rule.first || rule.seen > rule.last) continue;
      const bool hit = rule.fraction >= 1.0 ||
                       std::uniform_real_distribution<double>(0.0, 1.0)(rule.rng) < rule.fraction;
      if (hit && !fault) fault = Fault{rule.status, rule.timing};
    }
    return fault;
  }

  void SetTruncation(uint64_t bytes, Status status) {
    STRATA_CHECK(!status.ok(), "a fault needs a non-OK status");
    std::lock_guard<std::mutex> lock(mu_);
    truncation_ = std::make_pair(bytes, std::move(status));
  }

  std::optional<std::pair<uint64_t, Status>> TakeTruncation() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(truncation_, std::nullopt);
  }

  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    rules_.clear();
    truncation_.reset();
  }

  int calls(StoreOp op) const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_[static_cast<size_t>(op)];
  }

 private:
  mutable std::mutex mu_;
  std::vector<Rule> rules_;                                    // guarded by mu_
  std::array<int, kOpCount> calls_{};                          // guarded by mu_
  std::optional<std::pair<uint64_t, Status>> truncation_;      // guarded by mu_
};

namespace {

// Runs `call` unless a fault for `op` fires before it; a fault after it replaces the
// result. R is Status or Result<T>.
template <typename R, typename F>
R Intercept(FaultInjectingStore::Faults& faults, StoreOp op, F&& call) {
  const std::optional<Fault> fault = faults.OnCall(op);
  if (fault && fault->timing == FaultTiming::kBeforeCall) return R(fault->status);
  R result = call();
  if (fault) return R(fault->status);
  return result;
}

class FaultInjectingWriter final : public ObjectWriter {
 public:
  FaultInjectingWriter(std::unique_ptr<ObjectWriter> inner,
                       std::shared_ptr<FaultInjectingStore::Faults> faults)
      : inner_(std::move(inner)), faults_(std::move(faults)) {}

  Status Append(ByteView data) override {
    return Intercept<Status>(*faults_, StoreOp::kAppend, [&] { return inner_->Append(data); });
  }
  Result<ObjectInfo> Commit() override {
    return Intercept<Result<ObjectInfo>>(*faults_, StoreOp::kCommit,
                                         [&] { return inner_->Commit(); });
  }
  void Abort() override { inner_->Abort(); }

 private:
  std::unique_ptr<ObjectWriter> inner_;
  std::shared_ptr<FaultInjectingStore::Faults> faults_;
};

}  // namespace

FaultInjectingStore::FaultInjectingStore(std::unique_ptr<ObjectStore> inner)
    : inner_(std::move(inner)), faults_(std::make_shared<Faults>()) {}

FaultInjectingStore::~FaultInjectingStore() = default;

void FaultInjectingStore::FailNth(StoreOp op, int n, Status status, FaultTiming timing) {
  faults_->Add(Faults::Rule{op, n, n, 1.0, std::move(status), timing, {}});
}

void FaultInjectingStore::FailNext(StoreOp op, int count, Status status, FaultTiming timing) {
  faults_->Add(Faults::Rule{op, 1, count, 1.0, std::move(status), timing, {}});
}

void FaultInjectingStore::FailFraction(StoreOp op, double fraction, Status status,
                                       uint64_t seed, FaultTiming timing) {
  faults_->Add(Faults::Rule{op, 1, std::numeric_limits<int>::max(), std::clamp(fraction, 0.0, 1.0),
                            std::move(status), timing, std::mt19937_64(seed)});
}

void FaultInjectingStore::TruncateNextPut(uint64_t bytes, Status status) {
  faults_->SetTruncation(bytes, std::move(status));
}

void FaultInjectingStore::ClearFaults() { faults_->Clear(); }

int FaultInjectingStore::calls(StoreOp op) const { return faults_->calls(op); }

Status FaultInjectingStore::Put(const ObjectKey& key, ByteView data, const WriteOptions& options,
                                const CallOptions& call) {
  return Intercept<Status>(*faults_, StoreOp::kPut, [&]() -> Status {
    auto truncation = faults_->TakeTruncation();
    if (!truncation) return inner_->Put(key, data, options, call);
    // Stream the first bytes, then drop the upload as a lost connection would.
    STRATA_ASSIGN_OR_RETURN(auto writer, inner_->NewWriter(key, options, call));
    STRATA_RETURN_IF_ERROR(writer->Append(data.substr(0, std::min<uint64_t>(truncation->first,
                                                                            data.size()))));
    writer->Abort();
    return truncation->second;
  });
}

Result<Bytes> FaultInjectingStore::Get(const ObjectKey& key, const CallOptions& call) {
  return Intercept<Result<Bytes>>(*faults_, StoreOp::kGet, [&] { return inner_->Get(key, call); });
}

Result<Bytes> FaultInjectingStore::GetRange(const ObjectKey& key, ByteRange range,
                                            const CallOptions& call) {
  return Intercept<Result<Bytes>>(*faults_, StoreOp::kGetRange,
                                  [&] { return inner_->GetRange(key, range, call); });
}

Result<ObjectInfo> FaultInjectingStore::Head(const ObjectKey& key, const CallOptions& call) {
  return Intercept<Result<ObjectInfo>>(*faults_, StoreOp::kHead,
                                       [&] { return inner_->Head(key, call); });
}

Result<ListPage> FaultInjectingStore::List(std::string_view prefix, std::string_view start_after,
                                           int max_keys, const CallOptions& call) {
  return Intercept<Result<ListPage>>(*faults_, StoreOp::kList, [&] {
    return inner_->List(prefix, start_after, max_keys, call);
  });
}

Status FaultInjectingStore::Delete(const ObjectKey& key, const CallOptions& call) {
  return Intercept<Status>(*faults_, StoreOp::kDelete, [&] { return inner_->Delete(key, call); });
}

Result<std::unique_ptr<ObjectWriter>> FaultInjectingStore::NewWriter(const ObjectKey& key,
                                                                     const WriteOptions& options,
                                                                     const CallOptions& call) {
  return Intercept<Result<std::unique_ptr<ObjectWriter>>>(
      *faults_, StoreOp::kNewWriter, [&]() -> Result<std::unique_ptr<ObjectWriter>> {
        STRATA_ASSIGN_OR_RETURN(auto writer, inner_->NewWriter(key, options, call));
        return std::unique_ptr<ObjectWriter>(
            std::make_unique<FaultInjectingWriter>(std::move(writer), faults_));
      });
}

std::string FaultInjectingStore::Describe(const ObjectKey& key) const {
  return inner_->Describe(key);
}

}  // namespace strata::storage
