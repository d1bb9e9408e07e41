// Session: one connected ZooKeeper client session (the C client's multi-threaded
// library). Connect() waits until the session is established, so a Session in hand is
// usable. Calls are safe from several threads: the C client serialises them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/deadline.h"
#include "core/result.h"

namespace strata::zk {

namespace internal {
struct SessionAccess;  // zk_util.h: the C handle, for the module's asynchronous code
}  // namespace internal

struct SessionOptions {
  // "host:port[,host:port...][/chroot]", as the C client takes it.
  std::string connect;
  // Session timeout asked of the server (it clamps it to [2, 20] x tickTime).
  int session_timeout_ms = 30000;
  // Added with zoo_add_auth after connecting, e.g. {"digest", "user:password"}.
  std::vector<std::pair<std::string, std::string>> auth;
};

struct Acl {
  int32_t perms = 0;  // bit set of ZOO_PERM_* (read 1, write 2, create 4, delete 8, admin 16)
  std::string scheme;
  std::string id;
  friend bool operator==(const Acl&, const Acl&) = default;
};

// world:anyone with every permission.
std::vector<Acl> OpenAcl();

struct Stat {
  int64_t czxid = 0, mzxid = 0, pzxid = 0;
  int64_t ctime = 0, mtime = 0;
  int32_t version = 0, cversion = 0, aversion = 0;
  int64_t ephemeral_owner = 0;
  int32_t data_length = 0, num_children = 0;
};

enum class CreateMode {
  kPersistent,
  kEphemeral,
  kPersistentSequential,
  kEphemeralSequential,
  kContainer,
  kPersistentWithTtl,  // needs zookeeper.extendedTypesEnabled=true on the server
  kPersistentSequentialWithTtl,
};

struct Node {
  std::optional<Bytes> data;  // nullopt: the znode's data is null (distinct from empty)
  Stat stat;
};

class Session {
 public:
  // Connects and waits for the session. DeadlineExceeded naming the connect string when
  // no server answers in time; InvalidArgument for a malformed connect string;
  // Unauthenticated if the server rejects `auth`.
  static Result<std::unique_ptr<Session>> Connect(const SessionOptions& options, Deadline deadline);
  ~Session();

  // Creates `path`; returns the created path (with the sequence suffix for sequential
  // modes). AlreadyExists, NotFound (no parent), PermissionDenied, InvalidArgument.
  // `ttl_ms` (> 0) is required by the TTL modes and ignored by the others; a server
  // without extended types answers a TTL create with Unimplemented.
  Result<std::string> Create(const std::string& path, const std::optional<Bytes>& data,
                             const std::vector<Acl>& acl, CreateMode mode, int64_t ttl_ms = 0);
  // NotFound if missing.
  Result<Node> Get(const std::string& path);
  // nullopt if missing.
  Result<std::optional<Stat>> Exists(const std::string& path);
  // Child names (not paths), unordered. NotFound if missing.
  Result<std::vector<std::string>> Children(const std::string& path);
  // NotFound if missing; FailedPrecondition if it has children. version -1 = any.
  Status Delete(const std::string& path, int32_t version = -1);
  // Replaces the data. NotFound, PermissionDenied, Aborted (version mismatch). -1 = any.
  Status SetData(const std::string& path, const std::optional<Bytes>& data, int32_t version = -1);
  // The ACL, and the node's Stat in `*stat` when not null. NotFound, PermissionDenied.
  // A caller without ADMIN permission sees digest ids redacted to "user:x".
  Result<std::vector<Acl>> GetAcl(const std::string& path, Stat* stat = nullptr);
  // Replaces the ACL. NotFound, PermissionDenied, InvalidArgument (invalid ACL).
  Status SetAcl(const std::string& path, const std::vector<Acl>& acl, int32_t version = -1);
  // Waits until the server of this session has caught up with the leader (ZooKeeper's
  // sync), so that later reads see every write committed before the call. Unavailable
  // or DeadlineExceeded when the server does not answer in time.
  Status Sync(const std::string& path, Deadline deadline);
  // "host:port" of the server the session is connected to, "" when disconnected.
  std::string CurrentServer() const;
  // True when the session was opened with `digest` credentials.
  bool has_digest_auth() const;

  // The connect string this session was opened with (for messages).
  const std::string& connect() const;

 private:
  friend struct internal::SessionAccess;
  struct Impl;
  explicit Session(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::zk
