#include "zk/session.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <condition_variable>
#include <future>
#include <mutex>

#include "zk/log.h"
#include "zk/zk_util.h"

namespace strata::zk {

using internal::FromZk;

std::vector<Acl> OpenAcl() { return {Acl{ZOO_PERM_ALL, "world", "anyone"}}; }

namespace {

// The session state as the watcher last reported it.
struct SessionState {
  std::mutex mu;
  std::condition_variable cv;
  int state = 0;
};

void Watcher(zhandle_t*, int type, int state, const char*, void* ctx) {
  if (type != ZOO_SESSION_EVENT) return;
  auto* s = static_cast<SessionState*>(ctx);
  {
    std::lock_guard<std::mutex> lock(s->mu);
    s->state = state;
  }
  s->cv.notify_all();
}

constexpr int kResolveDelayMs = 60'000;

void LogLine(const char* message) { Log().debug("zookeeper client: {}", message); }

// Encodes ACLs for the C client; the strings stay owned by `acls`.
struct AclVector {
  std::vector<::ACL> items;
  ::ACL_vector vec{};
  explicit AclVector(const std::vector<Acl>& acls) {
    for (const auto& a : acls) {
      items.push_back(::ACL{a.perms, ::Id{const_cast<char*>(a.scheme.c_str()), const_cast<char*>(a.id.c_str())}});
    }
    vec.count = static_cast<int32_t>(items.size());
    vec.data = items.data();
  }
};

int ModeFlags(CreateMode mode) {
  switch (mode) {
    case CreateMode::kPersistent: return ZOO_PERSISTENT;
    case CreateMode::kEphemeral: return ZOO_EPHEMERAL;
    case CreateMode::kPersistentSequential: return ZOO_PERSISTENT_SEQUENTIAL;
    case CreateMode::kEphemeralSequential: return ZOO_EPHEMERAL_SEQUENTIAL;
    case CreateMode::kContainer: return ZOO_CONTAINER;
    case CreateMode::kPersistentWithTtl: return ZOO_PERSISTENT_WITH_TTL;
    case CreateMode::kPersistentSequentialWithTtl: return ZOO_PERSISTENT_SEQUENTIAL_WITH_TTL;
  }
  return ZOO_PERSISTENT;
}

void AuthDone(int rc, const void* data) {
  static_cast<std::promise<int>*>(const_cast<void*>(data))->set_value(rc);
}

}  // namespace

struct Session::Impl {
  std::string connect;
  SessionOptions options;  // kept for the walk's own connections (wire_session.h)
  SessionState session;
  zhandle_t* zh = nullptr;
  bool digest_auth = false;

  ~Impl() {
    if (zh != nullptr) zookeeper_close(zh);
  }
};

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

const std::string& Session::connect() const { return impl_->connect; }

Result<std::unique_ptr<Session>> Session::Connect(const SessionOptions& options, Deadline deadline) {
  if (options.connect.empty()) return InvalidArgumentError("no ZooKeeper connect string given");
  zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
  auto impl = std::make_unique<Impl>();
  impl->connect = options.connect;
  impl->options = options;
  errno = 0;
  impl->zh = zookeeper_init2(options.connect.c_str(), Watcher, options.session_timeout_ms, nullptr,
                             &impl->session, 0, LogLine);
  if (impl->zh == nullptr) {
    return InvalidArgumentError(fmt::format("ZooKeeper connect string \"{}\": {}", options.connect,
                                            errno != 0 ? std::strerror(errno) : "rejected"));
  }
  // By default the C client resolves the server names again on every turn of its IO
  // loop: with many requests in flight that is one getaddrinfo per reply, and most of
  // a walk's time. Resolve at most once a minute (and on reconnects).
  zoo_set_servers_resolution_delay(impl->zh, kResolveDelayMs);
  {
    SessionState& st = impl->session;
    std::unique_lock<std::mutex> lock(st.mu);
    bool connected = st.cv.wait_for(lock, std::chrono::milliseconds(deadline.RemainingMillis()), [&] {
      return st.state == ZOO_CONNECTED_STATE || st.state == ZOO_AUTH_FAILED_STATE ||
             st.state == ZOO_EXPIRED_SESSION_STATE;
    });
    if (!connected) {
      return DeadlineExceededError(
          fmt::format("connect to ZooKeeper {}: no server answered in time; check the address and that "
                      "ZooKeeper is running",
                      options.connect));
    }
    if (st.state != ZOO_CONNECTED_STATE) {
      return UnavailableError(fmt::format("connect to ZooKeeper {}: session could not be established",
                                          options.connect));
    }
  }
  for (const auto& [scheme, credential] : options.auth) {
    std::promise<int> done;
    auto result = done.get_future();
    int rc = zoo_add_auth(impl->zh, scheme.c_str(), credential.data(), static_cast<int>(credential.size()),
                          AuthDone, &done);
    if (rc == ZOK) {
      if (result.wait_for(std::chrono::milliseconds(deadline.RemainingMillis())) != std::future_status::ready) {
        // The completion still refers to `done`: closing the handle first runs it.
        zookeeper_close(impl->zh);
        impl->zh = nullptr;
        return DeadlineExceededError(fmt::format("authenticate to ZooKeeper {} ({}): no answer", options.connect, scheme));
      }
      rc = result.get();
    }
    // Never include the credential in the message.
    STRATA_RETURN_IF_ERROR(FromZk(rc, fmt::format("authenticate to ZooKeeper {} with scheme {}", options.connect, scheme)));
    if (scheme == "digest") impl->digest_auth = true;
  }
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

Result<std::string> Session::Create(const std::string& path, const std::optional<Bytes>& data,
                                    const std::vector<Acl>& acl, CreateMode mode, int64_t ttl_ms) {
  AclVector acls(acl);
  std::string created(path.size() + 16, '\0');  // room for a sequence suffix
  bool ttl = mode == CreateMode::kPersistentWithTtl || mode == CreateMode::kPersistentSequentialWithTtl;
  int rc = zoo_create_ttl(impl_->zh, path.c_str(), data ? data->data() : nullptr,
                          data ? static_cast<int>(data->size()) : -1, &acls.vec, ModeFlags(mode), ttl ? ttl_ms : -1,
                          created.data(), static_cast<int>(created.size()));
  STRATA_RETURN_IF_ERROR(FromZk(rc, fmt::format("create {}", path)));
  created.resize(std::strlen(created.c_str()));
  return created;
}

Result<Node> Session::Get(const std::string& path) {
  // The buffer must hold the whole value. Most values are small, so try one round trip
  // with a modest buffer; the Stat tells when the value was larger (or grew meanwhile)
  // and the read is repeated with room for it.
  constexpr int kFirstTry = 64 << 10;
  int cap = kFirstTry;
  for (int attempt = 0; attempt < 5; ++attempt) {
    ::Stat st{};
    Bytes buf(static_cast<size_t>(cap), '\0');
    int len = cap;
    int rc = zoo_get(impl_->zh, path.c_str(), 0, buf.data(), &len, &st);
    STRATA_RETURN_IF_ERROR(FromZk(rc, fmt::format("get {}", path)));
    if (len >= 0 && st.dataLength > len) {
      cap = st.dataLength + 1;
      continue;
    }
    Node node;
    node.stat = internal::ToStat(st);
    if (len >= 0) {
      buf.resize(static_cast<size_t>(len));
      node.data = std::move(buf);
    }
    return node;
  }
  return AbortedError(fmt::format("get {}: value kept changing size while being read", path));
}

Result<std::optional<Stat>> Session::Exists(const std::string& path) {
  ::Stat st{};
  int rc = zoo_exists(impl_->zh, path.c_str(), 0, &st);
  if (rc == ZNONODE) return std::optional<Stat>();
  STRATA_RETURN_IF_ERROR(FromZk(rc, fmt::format("exists {}", path)));
  return std::optional<Stat>(internal::ToStat(st));
}

Result<std::vector<std::string>> Session::Children(const std::string& path) {
  ::String_vector names{};
  int rc = zoo_get_children(impl_->zh, path.c_str(), 0, &names);
  STRATA_RETURN_IF_ERROR(FromZk(rc, fmt::format("list children of {}", path)));
  std::vector<std::string> out(names.data, names.data + names.count);
  deallocate_String_vector(&names);
  return out;
}

Status Session::Delete(const std::string& path, int32_t version) {
  return FromZk(zoo_delete(impl_->zh, path.c_str(), version), fmt::format("delete {}", path));
}

Status Session::SetData(const std::string& path, const std::optional<Bytes>& data, int32_t version) {
  int rc = zoo_set(impl_->zh, path.c_str(), data ? data->data() : nullptr, data ? static_cast<int>(data->size()) : -1,
                   version);
  return FromZk(rc, fmt::format("set data of {}", path));
}

Result<std::vector<Acl>> Session::GetAcl(const std::string& path, Stat* stat) {
  ::ACL_vector acls{};
  ::Stat st{};
  int rc = zoo_get_acl(impl_->zh, path.c_str(), &acls, &st);
  STRATA_RETURN_IF_ERROR(FromZk(rc, fmt::format("get ACL of {}", path)));
  std::vector<Acl> out = internal::ToAcls(acls);
  deallocate_ACL_vector(&acls);
  if (stat != nullptr) *stat = internal::ToStat(st);
  return out;
}

Status Session::SetAcl(const std::string& path, const std::vector<Acl>& acl, int32_t version) {
  AclVector acls(acl);
  return FromZk(zoo_set_acl(impl_->zh, path.c_str(), version, &acls.vec), fmt::format("set ACL of {}", path));
}

namespace {
struct SyncWait {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  int rc = 0;
};
void SyncDone(int rc, const char*, const void* data) {
  // shared_ptr: the waiter may give up (deadline) before the completion runs.
  auto* holder = static_cast<std::shared_ptr<SyncWait>*>(const_cast<void*>(data));
  std::shared_ptr<SyncWait> w = std::move(*holder);
  delete holder;
  {
    std::lock_guard<std::mutex> lock(w->mu);
    w->done = true;
    w->rc = rc;
  }
  w->cv.notify_all();
}
}  // namespace

Status Session::Sync(const std::string& path, Deadline deadline) {
  auto wait = std::make_shared<SyncWait>();
  auto* holder = new std::shared_ptr<SyncWait>(wait);
  int rc = zoo_async(impl_->zh, path.c_str(), SyncDone, holder);
  if (rc != ZOK) {
    delete holder;
    return FromZk(rc, fmt::format("sync {}", path));
  }
  std::unique_lock<std::mutex> lock(wait->mu);
  if (!wait->cv.wait_for(lock, std::chrono::milliseconds(deadline.RemainingMillis()), [&] { return wait->done; })) {
    return DeadlineExceededError(fmt::format("sync {} on ZooKeeper {}: no answer in time", path, impl_->connect));
  }
  return FromZk(wait->rc, fmt::format("sync {}", path));
}

std::string Session::CurrentServer() const {
  const char* server = zoo_get_current_server(impl_->zh);
  return server != nullptr ? std::string(server) : std::string();
}

bool Session::has_digest_auth() const { return impl_->digest_auth; }

namespace internal {
zhandle_t* SessionAccess::Handle(Session& session) { return session.impl_->zh; }
const SessionOptions& SessionAccess::Options(Session& session) { return session.impl_->options; }
}  // namespace internal

}  // namespace strata::zk
