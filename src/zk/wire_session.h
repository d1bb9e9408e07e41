// WireSession: a read-only ZooKeeper client session of our own, over one TCP connection,
// for the backup walk. It speaks the client protocol directly (jute.h) so that requests
// can be pipelined from one thread: queued requests go out in one write per burst and
// replies are read with large reads and handed over in order. The C client
// (session.h) spends more time per request than the server does: each asynchronous call
// wakes its IO thread through a pipe, goes out in its own send(), and comes back through
// a condition variable to its completion thread (docs/zookeeper.md, "How the walk
// reads").
//
// What it can do: connect (a new session, no read-only servers), `digest` (or other
// scheme) authentication, getData, getACL, getChildren2 without watches, pings to keep
// the session, closeSession. No watches, no writes, no reconnection: a lost connection
// is an error (Unavailable) for the caller to handle.
//
// Thread-safety: none; one thread uses a WireSession (and Pump) at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/deadline.h"
#include "core/result.h"

namespace strata::zk {

struct WireOptions {
  std::string server;  // "host:port" of one server
  std::string chroot;  // "" or "/a/b": prefixed to every path sent
  int session_timeout_ms = 30000;
  // Sent as AuthPackets after connecting, e.g. {"digest", "user:password"}.
  std::vector<std::pair<std::string, std::string>> auth;
};

class WireSession;

// One reply, valid during the handler call only.
struct WireReply {
  void* tag = nullptr;  // as given with the request
  int32_t op = 0;       // jute::kOpGetData, kOpGetAcl, kOpGetChildren2
  int32_t err = 0;      // ZooKeeper's error code (0 = OK; the C client's Z* codes)
  int64_t zxid = 0;
  ByteView body;        // the response record (empty when err != 0)
};

// Handles one reply; a non-OK status stops Pump and is returned by it.
using WireHandler = std::function<Status(WireSession&, const WireReply&)>;

class WireSession {
 public:
  // Connects, opens a session and authenticates, waiting for each answer until
  // `deadline`. Unavailable when the server cannot be reached or closes the connection;
  // DeadlineExceeded when it does not answer in time; Unauthenticated when it rejects
  // an `auth` entry (it then closes the connection); InvalidArgument for a bad address.
  static Result<std::unique_ptr<WireSession>> Connect(const WireOptions& options, Deadline deadline);
  // Closes the session (closeSession, waiting briefly for the answer) and the socket.
  ~WireSession();

  // Queue a request for `path` (below the chroot); its reply goes to the handler given
  // to Pump with `tag`. Nothing is sent until Pump.
  void GetData(std::string_view path, void* tag) { Queue(kGetData, path, tag); }
  void GetAcl(std::string_view path, void* tag) { Queue(kGetAcl, path, tag); }
  void GetChildren2(std::string_view path, void* tag) { Queue(kGetChildren2, path, tag); }

  // Requests queued or sent whose replies have not been handled.
  size_t in_flight() const { return pending_.size(); }
  const std::string& server() const { return options_.server; }
  int negotiated_timeout_ms() const { return timeout_ms_; }

  // Sends what is queued on `sessions` and hands the replies that arrive to `handler`,
  // in the order of the requests of each session. Returns once at least one reply was
  // handled, or at `deadline` (OK either way). Unavailable when a connection is lost or
  // a server sends nothing for a session timeout while requests are outstanding;
  // DataLoss for a malformed reply; the handler's error. After an error the session is
  // unusable.
  static Status Pump(std::span<WireSession* const> sessions, const WireHandler& handler, Deadline deadline);

 private:
  static constexpr int32_t kGetData = 4, kGetAcl = 6, kGetChildren2 = 12;
  struct Pending {
    int32_t xid;
    int32_t op;
    void* tag;
  };
  using Clock = std::chrono::steady_clock;

  explicit WireSession(WireOptions options) : options_(std::move(options)) {}
  void Queue(int32_t op, std::string_view path, void* tag);
  // Writes as much of out_ as the socket takes (non-blocking).
  Status Send();
  // Reads what the socket has and dispatches complete packets (non-blocking).
  Status Receive(const WireHandler& handler, size_t* handled);
  Status Dispatch(ByteView packet, const WireHandler& handler, size_t* handled);
  // Blocking exchange used while connecting: writes `packet`, returns the next packet.
  Result<Bytes> Exchange(const Bytes& packet, Deadline deadline, std::string_view what);
  Status Lost(std::string_view what) const;
  Clock::time_point NextPing() const;

  WireOptions options_;
  int fd_ = -1;
  int timeout_ms_ = 0;
  int32_t next_xid_ = 1;
  Bytes out_;               // encoded requests not yet written
  size_t out_pos_ = 0;      // written prefix of out_
  Bytes in_;                // read buffer: [in_pos_, in_end_) read, not yet dispatched
  size_t in_pos_ = 0, in_end_ = 0;
  std::deque<Pending> pending_;
  // Last write; last read, or the first request queued while none was outstanding.
  Clock::time_point last_send_{}, last_progress_{};
  bool broken_ = false;
};

}  // namespace strata::zk
