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

enum class CreateMode { kPersistent, kEphemeral, kPersistentSequential, kEphemeralSequential, kContainer };

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
  Result<std::string> Create(const std::string& path, const std::optional<Bytes>& data,
                             const std::vector<Acl>& acl, CreateMode mode);
  // NotFound if missing.
  Result<Node> Get(const std::string& path);
  // nullopt if missing.
  Result<std::optional<Stat>> Exists(const std::string& path);
  // Child names (not paths), unordered. NotFound if missing.
  Result<std::vector<std::string>> Children(const std::string& path);
  // NotFound if missing; FailedPrecondition if it has children. version -1 = any.
  Status Delete(const std::string& path, int32_t version = -1);

  // The connect string this session was opened with (for messages).
  const std::string& connect() const;

 private:
  struct Impl;
  explicit Session(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::zk
