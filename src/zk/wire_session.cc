#include "zk/wire_session.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "zk/jute.h"
#include "zk/server_info.h"
#include "zk/zk_util.h"

namespace strata::zk {

namespace {

// Replies are read in chunks of this size at least; a reply larger than the free space
// (a znode near jute.maxbuffer) grows the buffer to hold it whole.
constexpr size_t kReadChunk = 1 << 20;
// A frame longer than this is corrupt: jute.maxbuffer would be at most a few MiB.
constexpr uint32_t kMaxPacketBytes = 256u << 20;
constexpr auto kCloseWait = std::chrono::seconds(2);
constexpr int kMinTimeoutMs = 1000;

uint32_t FrameLength(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

int PollMillis(Deadline deadline, std::chrono::steady_clock::time_point until) {
  auto now = std::chrono::steady_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
  ms = std::max<int64_t>(0, std::min<int64_t>(ms + 1, deadline.RemainingMillis()));
  return static_cast<int>(ms);
}

}  // namespace

Status WireSession::Lost(std::string_view what) const {
  return UnavailableError(fmt::format("ZooKeeper {}: connection lost: {}", options_.server, what));
}

Result<Bytes> WireSession::Exchange(const Bytes& packet, Deadline deadline, std::string_view what) {
  size_t sent = 0;
  while (sent < packet.size()) {
    ssize_t n = send(fd_, packet.data() + sent, packet.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (poll(&p, 1, deadline.RemainingMillis()) == 0) {
        return DeadlineExceededError(fmt::format("{} on ZooKeeper {}: no answer in time", what, options_.server));
      }
      continue;
    }
    if (n < 0) return Lost(fmt::format("{}: {}", what, std::strerror(errno)));
    sent += static_cast<size_t>(n);
  }
  Bytes in;
  while (in.size() < 4 || in.size() < 4 + size_t{FrameLength(in.data())}) {
    if (in.size() >= 4 && FrameLength(in.data()) > kMaxPacketBytes) return DataLossError("ZooKeeper: oversized reply");
    pollfd p{fd_, POLLIN, 0};
    int ready = poll(&p, 1, deadline.RemainingMillis());
    if (ready == 0) {
      return DeadlineExceededError(fmt::format("{} on ZooKeeper {}: no answer in time", what, options_.server));
    }
    if (ready < 0 && errno == EINTR) continue;
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n == 0) return Lost(fmt::format("{}: the server closed the connection", what));
    if (n < 0) return Lost(fmt::format("{}: {}", what, std::strerror(errno)));
    in.append(buf, static_cast<size_t>(n));
  }
  // The server sends nothing unasked while connecting, so nothing follows the frame.
  return in.substr(4, FrameLength(in.data()));
}

Result<std::unique_ptr<WireSession>> WireSession::Connect(const WireOptions& options, Deadline deadline) {
  std::unique_ptr<WireSession> s(new WireSession(options));
  STRATA_ASSIGN_OR_RETURN(s->fd_, DialServer(options.server, deadline, "connect to ZooKeeper"));
  // Requests already leave in bursts; Nagle would only hold back the last small one
  // (often the one the walk waits for) until the previous burst is acknowledged.
  int one = 1;
  setsockopt(s->fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  std::string what = "open a session";
  STRATA_ASSIGN_OR_RETURN(Bytes reply, s->Exchange(jute::ConnectRequest(0, options.session_timeout_ms), deadline, what));
  STRATA_ASSIGN_OR_RETURN(jute::ConnectResponse cr, jute::ParseConnectResponse(reply));
  if (cr.timeout_ms <= 0) {
    s->broken_ = true;
    return UnavailableError(fmt::format("ZooKeeper {}: the server refused a new session", options.server));
  }
  s->timeout_ms_ = std::max(cr.timeout_ms, kMinTimeoutMs);
  for (const auto& [scheme, credential] : options.auth) {
    std::string auth_what = fmt::format("authenticate with scheme {}", scheme);
    auto answer = s->Exchange(jute::AuthRequest(scheme, credential), deadline, auth_what);
    if (!answer.ok()) {
      s->broken_ = true;
      // The server answers a rejected credential with AUTHFAILED and closes at once;
      // the reply may be lost to the close.
      if (answer.status().code() == StatusCode::kUnavailable) {
        return UnauthenticatedError(fmt::format("{} on ZooKeeper {}: the server closed the connection",
                                                auth_what, options.server));
      }
      return answer.status();
    }
    ByteView body;
    STRATA_ASSIGN_OR_RETURN(jute::ReplyHeader h, jute::ParseReplyHeader(*answer, &body));
    if (h.err != 0) s->broken_ = true;
    // Never include the credential in the message.
    STRATA_RETURN_IF_ERROR(
        internal::FromZk(h.err, fmt::format("{} on ZooKeeper {}", auth_what, options.server)));
  }
  s->last_send_ = s->last_progress_ = Clock::now();
  return s;
}

WireSession::~WireSession() {
  if (fd_ < 0) return;
  if (!broken_) {
    // Tell the server the session is over, so its ephemeral state goes now rather than
    // after a timeout; wait briefly (the replies still due are read and dropped).
    out_.erase(0, out_pos_);
    out_pos_ = 0;
    jute::AppendHeaderOnly(&out_, next_xid_++, jute::kOpCloseSession);
    Deadline deadline = Deadline::After(kCloseWait);
    while (!broken_ && out_pos_ < out_.size() && !deadline.Expired()) {
      if (!Send().ok()) break;
      if (out_pos_ < out_.size()) {
        pollfd p{fd_, POLLOUT, 0};
        poll(&p, 1, deadline.RemainingMillis());
      }
    }
    shutdown(fd_, SHUT_WR);
    char buf[4096];
    while (!deadline.Expired()) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, deadline.RemainingMillis()) <= 0) break;
      ssize_t n = recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
      if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN))) break;
    }
  }
  close(fd_);
}

void WireSession::Queue(int32_t op, std::string_view path, void* tag) {
  int32_t xid = next_xid_++;
  // The server's silence is measured from the first request it owes an answer to.
  if (pending_.empty()) last_progress_ = Clock::now();
  if (options_.chroot.empty()) {
    jute::AppendPathRequest(&out_, xid, op, path);
  } else {
    std::string full = path == "/" ? options_.chroot : options_.chroot + std::string(path);
    jute::AppendPathRequest(&out_, xid, op, full);
  }
  pending_.push_back(Pending{xid, op, tag});
}

WireSession::Clock::time_point WireSession::NextPing() const {
  return last_send_ + std::chrono::milliseconds(timeout_ms_ / 3);
}

Status WireSession::Send() {
  if (out_pos_ == out_.size() && Clock::now() >= NextPing()) {
    jute::AppendHeaderOnly(&out_, jute::kXidPing, jute::kOpPing);
  }
  while (out_pos_ < out_.size()) {
    ssize_t n = send(fd_, out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) {
      broken_ = true;
      return Lost(std::strerror(errno));
    }
    out_pos_ += static_cast<size_t>(n);
    last_send_ = Clock::now();
  }
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  }
  return OkStatus();
}

Status WireSession::Dispatch(ByteView packet, const WireHandler& handler, size_t* handled) {
  ByteView body;
  STRATA_ASSIGN_OR_RETURN(jute::ReplyHeader h, jute::ParseReplyHeader(packet, &body));
  if (h.xid == jute::kXidPing || h.xid == jute::kXidNotification || h.xid == jute::kXidAuth) return OkStatus();
  if (pending_.empty() || pending_.front().xid != h.xid) {
    broken_ = true;
    return DataLossError(fmt::format("ZooKeeper {}: reply for xid {} out of order (expected {})", options_.server,
                                     h.xid, pending_.empty() ? 0 : pending_.front().xid));
  }
  Pending p = pending_.front();
  pending_.pop_front();
  ++*handled;
  return handler(*this, WireReply{p.tag, p.op, h.err, h.zxid, h.err == 0 ? body : ByteView()});
}

Status WireSession::Receive(const WireHandler& handler, size_t* handled) {
  while (true) {
    // Make room: move what is not dispatched yet to the front, then grow to hold the
    // frame being read whole.
    size_t need = kReadChunk;
    if (in_end_ - in_pos_ >= 4) need = std::max<size_t>(need, FrameLength(in_.data() + in_pos_) + 4);
    if (in_.size() - in_pos_ < need || in_.size() - in_end_ < kReadChunk / 4) {
      std::memmove(in_.data(), in_.data() + in_pos_, in_end_ - in_pos_);
      in_end_ -= in_pos_;
      in_pos_ = 0;
      if (in_.size() < need) in_.resize(need);
    }
    size_t room = in_.size() - in_end_;
    ssize_t n = recv(fd_, in_.data() + in_end_, room, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return OkStatus();
    if (n == 0) {
      broken_ = true;
      return Lost("the server closed the connection");
    }
    if (n < 0) {
      broken_ = true;
      return Lost(std::strerror(errno));
    }
    in_end_ += static_cast<size_t>(n);
    last_progress_ = Clock::now();
    while (in_end_ - in_pos_ >= 4) {
      uint32_t len = FrameLength(in_.data() + in_pos_);
      if (len > kMaxPacketBytes) {
        broken_ = true;
        return DataLossError(fmt::format("ZooKeeper {}: reply of {} bytes", options_.server, len));
      }
      if (in_end_ - in_pos_ - 4 < len) break;
      ByteView packet(in_.data() + in_pos_ + 4, len);
      in_pos_ += 4 + len;
      STRATA_RETURN_IF_ERROR(Dispatch(packet, handler, handled));
    }
    if (in_pos_ == in_end_) in_pos_ = in_end_ = 0;
    if (static_cast<size_t>(n) < room) return OkStatus();  // drained the socket
  }
}

Status WireSession::Pump(std::span<WireSession* const> sessions, const WireHandler& handler, Deadline deadline) {
  size_t handled = 0;
  std::vector<pollfd> fds(sessions.size());
  while (true) {
    for (WireSession* s : sessions) {
      if (s->broken_) return s->Lost("unusable after an earlier error");
      STRATA_RETURN_IF_ERROR(s->Send());
      // Replies may have waited in the socket while the caller was busy: take them
      // before judging the server silent.
      STRATA_RETURN_IF_ERROR(s->Receive(handler, &handled));
    }
    if (handled > 0 || deadline.Expired()) return OkStatus();
    auto now = Clock::now();
    auto wake = Clock::time_point::max();
    for (size_t i = 0; i < sessions.size(); ++i) {
      WireSession* s = sessions[i];
      auto silent_until = s->last_progress_ + std::chrono::milliseconds(s->timeout_ms_);
      if (!s->pending_.empty() && now >= silent_until) {
        s->broken_ = true;
        return UnavailableError(fmt::format("ZooKeeper {}: no reply for {} ms with {} requests outstanding",
                                            s->options_.server, s->timeout_ms_, s->pending_.size()));
      }
      fds[i] = pollfd{s->fd_, static_cast<short>(POLLIN | (s->out_pos_ < s->out_.size() ? POLLOUT : 0)), 0};
      wake = std::min(wake, s->NextPing());
      if (!s->pending_.empty()) wake = std::min(wake, silent_until);
    }
    int ready = poll(fds.data(), fds.size(), PollMillis(deadline, wake));
    if (ready < 0 && errno != EINTR) return UnavailableError(fmt::format("poll: {}", std::strerror(errno)));
  }
}

}  // namespace strata::zk
