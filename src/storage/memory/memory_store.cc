#include "storage/memory/memory_store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "storage/store_checks.h"

namespace strata::storage {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

// A content hash as entity tag, so equal bytes give equal tags as on S3. FNV-1a is
// enough: the tag detects change, it does not protect against tampering.
std::string ContentTag(ByteView data) {
  uint64_t h = kFnvOffset;
  for (unsigned char c : data) {
    h ^= c;
    h *= kFnvPrime;
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

int64_t NowUnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// Outside the anonymous namespace: MemoryStore::State (declared in the header) holds it.
struct MemoryObject {
  Bytes data;
  std::string etag;
  int64_t mtime_unix_ms = 0;
};

namespace {

ObjectInfo InfoOf(const std::string& key, const MemoryObject& o) {
  return ObjectInfo{key, o.data.size(), o.etag, o.mtime_unix_ms};
}

}  // namespace

struct MemoryStore::State {
  explicit State(std::string n) : name(std::move(n)) {}

  std::string Describe(const std::string& key) const { return "mem://" + name + "/" + key; }

  // Stores `data` under `key`; AlreadyExists if `if_absent` and the key exists.
  Result<ObjectInfo> Insert(const std::string& key, Bytes data, bool if_absent) {
    MemoryObject o{std::move(data), "", NowUnixMillis()};
    o.etag = ContentTag(o.data);
    std::lock_guard<std::mutex> lock(mu);
    if (if_absent && objects.count(key) != 0) {
      return AlreadyExistsError("put " + Describe(key) + ": object already exists");
    }
    auto& slot = objects[key];
    slot = std::move(o);
    return InfoOf(key, slot);
  }

  const std::string name;
  mutable std::mutex mu;
  // std::map orders keys by byte (char_traits<char>::compare is unsigned), as List needs.
  std::map<std::string, MemoryObject, std::less<>> objects;  // guarded by mu
};

namespace {

class MemoryWriter final : public ObjectWriter {
 public:
  MemoryWriter(std::shared_ptr<MemoryStore::State> state, std::string key, bool if_absent)
      : state_(std::move(state)), key_(std::move(key)), if_absent_(if_absent) {}

  Status Append(ByteView data) override {
    if (done_) return Finished();
    buffer_.append(data);
    return OkStatus();
  }

  Result<ObjectInfo> Commit() override {
    if (done_) return Finished();
    done_ = true;
    return state_->Insert(key_, std::move(buffer_), if_absent_);
  }

  void Abort() override {
    done_ = true;
    Bytes().swap(buffer_);
  }

 private:
  Status Finished() const {
    return FailedPreconditionError("write " + state_->Describe(key_) +
                                   ": writer already committed or aborted");
  }

  std::shared_ptr<MemoryStore::State> state_;
  const std::string key_;
  const bool if_absent_;
  Bytes buffer_;
  bool done_ = false;
};

}  // namespace

MemoryStore::MemoryStore(std::string name)
    : state_(std::make_shared<State>(std::move(name))) {}

MemoryStore::MemoryStore(std::shared_ptr<State> state) : state_(std::move(state)) {}

std::unique_ptr<MemoryStore> MemoryStore::Shared(std::string_view name) {
  // Deliberately leaked: named stores live for the whole process, and a function-local
  // heap object avoids destruction-order problems at exit.
  static auto* registry_mu = new std::mutex;
  static auto* registry = new std::map<std::string, std::shared_ptr<State>, std::less<>>;
  std::lock_guard<std::mutex> lock(*registry_mu);
  auto it = registry->find(name);
  if (it == registry->end()) {
    it = registry->emplace(std::string(name), std::make_shared<State>(std::string(name))).first;
  }
  return std::unique_ptr<MemoryStore>(new MemoryStore(it->second));
}

Status MemoryStore::Put(const ObjectKey& key, ByteView data, const WriteOptions& options,
                        const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  STRATA_RETURN_IF_ERROR(CheckCall(call));
  return state_->Insert(key.str(), Bytes(data), options.if_absent).status();
}

Result<Bytes> MemoryStore::Get(const ObjectKey& key, const CallOptions& call) {
  return GetRange(key, ByteRange{}, call);
}

Result<Bytes> MemoryStore::GetRange(const ObjectKey& key, ByteRange range,
                                    const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  STRATA_RETURN_IF_ERROR(CheckCall(call));
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->objects.find(key.str());
  if (it == state_->objects.end()) {
    return NotFoundError("get " + Describe(key) + ": no such object");
  }
  const Bytes& data = it->second.data;
  if (range.offset > data.size()) {
    return OutOfRangeError("get " + Describe(key) + ": offset " + std::to_string(range.offset) +
                           " is past the end (size " + std::to_string(data.size()) + ")");
  }
  const uint64_t available = data.size() - range.offset;
  return data.substr(range.offset, std::min(available, range.length.value_or(available)));
}

Result<ObjectInfo> MemoryStore::Head(const ObjectKey& key, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  STRATA_RETURN_IF_ERROR(CheckCall(call));
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->objects.find(key.str());
  if (it == state_->objects.end()) {
    return NotFoundError("head " + Describe(key) + ": no such object");
  }
  return InfoOf(it->first, it->second);
}

Result<ListPage> MemoryStore::List(std::string_view prefix, std::string_view start_after,
                                   int max_keys, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateMaxKeys(max_keys));
  STRATA_RETURN_IF_ERROR(CheckCall(call));
  ListPage page;
  std::lock_guard<std::mutex> lock(state_->mu);
  // Every key under `prefix` sorts at or after `prefix`, so start at the later of the two.
  auto it = start_after < prefix ? state_->objects.lower_bound(prefix)
                                 : state_->objects.upper_bound(start_after);
  for (; it != state_->objects.end() && it->first.starts_with(prefix); ++it) {
    if (page.objects.size() == static_cast<size_t>(max_keys)) {
      page.truncated = true;
      break;
    }
    page.objects.push_back(InfoOf(it->first, it->second));
  }
  return page;
}

Status MemoryStore::Delete(const ObjectKey& key, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  STRATA_RETURN_IF_ERROR(CheckCall(call));
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->objects.erase(key.str());
  return OkStatus();
}

Result<std::unique_ptr<ObjectWriter>> MemoryStore::NewWriter(const ObjectKey& key,
                                                             const WriteOptions& options,
                                                             const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  STRATA_RETURN_IF_ERROR(CheckCall(call));
  return std::unique_ptr<ObjectWriter>(
      std::make_unique<MemoryWriter>(state_, key.str(), options.if_absent));
}

std::string MemoryStore::Describe(const ObjectKey& key) const {
  return state_->Describe(key.str());
}

size_t MemoryStore::object_count() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->objects.size();
}

uint64_t MemoryStore::total_bytes() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  uint64_t total = 0;
  for (const auto& [key, object] : state_->objects) total += object.data.size();
  return total;
}

}  // namespace strata::storage
