#include "zk/server_info.h"

#include <fmt/format.h>
#include <netdb.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/text.h"

namespace strata::zk {

namespace {

constexpr size_t kMaxAnswerBytes = 64 << 10;

// Closes a socket when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// Splits "host:port" / "[v6]:port".
bool SplitHostPort(std::string_view hp, std::string* host, std::string* port) {
  if (!hp.empty() && hp.front() == '[') {
    auto close_bracket = hp.find(']');
    if (close_bracket == std::string_view::npos || close_bracket + 1 >= hp.size() || hp[close_bracket + 1] != ':') {
      return false;
    }
    *host = std::string(hp.substr(1, close_bracket - 1));
    *port = std::string(hp.substr(close_bracket + 2));
  } else {
    auto colon = hp.rfind(':');
    if (colon == std::string_view::npos) return false;
    *host = std::string(hp.substr(0, colon));
    *port = std::string(hp.substr(colon + 1));
  }
  return !host->empty() && !port->empty();
}

}  // namespace

Result<ConnectString> ParseConnectString(std::string_view connect) {
  ConnectString out;
  auto slash = connect.find('/');
  out.hosts = std::string(connect.substr(0, slash));
  if (slash != std::string_view::npos) out.chroot = std::string(connect.substr(slash));
  if (out.hosts.empty()) {
    return InvalidArgumentError(fmt::format("ZooKeeper connect string \"{}\" names no server", connect));
  }
  size_t start = 0;
  while (start <= out.hosts.size()) {
    size_t comma = out.hosts.find(',', start);
    std::string_view one = std::string_view(out.hosts).substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::string host, port;
    if (!SplitHostPort(one, &host, &port)) {
      return InvalidArgumentError(fmt::format(
          "ZooKeeper connect string \"{}\": \"{}\" is not host:port", connect, one));
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  while (out.chroot.size() > 1 && out.chroot.back() == '/') out.chroot.pop_back();
  if (out.chroot == "/") out.chroot.clear();
  if (out.chroot.find("//") != std::string::npos) {
    return InvalidArgumentError(fmt::format("ZooKeeper connect string \"{}\": bad chroot", connect));
  }
  return out;
}

Result<ServerInfo> ParseSrvr(std::string_view text) {
  if (text.find("not in the whitelist") != std::string_view::npos ||
      text.find("not executed") != std::string_view::npos) {
    return FailedPreconditionError(
        "the server refuses the srvr command (add srvr to 4lw.commands.whitelist to record the zxid range)");
  }
  ServerInfo info;
  bool have_zxid = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = TrimBlanks(line.substr(0, colon));
    std::string_view value = TrimBlanks(line.substr(colon + 1));
    if (key == "Zxid") {
      std::string v(value);
      char* end = nullptr;
      errno = 0;
      unsigned long long z = std::strtoull(v.c_str(), &end, 0);
      if (errno != 0 || end == v.c_str() || *end != '\0') {
        return FailedPreconditionError(fmt::format("srvr answer has a malformed zxid \"{}\"", value));
      }
      info.zxid = static_cast<int64_t>(z);
      have_zxid = true;
    } else if (key == "Zookeeper version") {
      info.version = std::string(value);
    } else if (key == "Mode") {
      info.mode = std::string(value);
    }
  }
  if (!have_zxid) return FailedPreconditionError("srvr answer has no Zxid line");
  return info;
}

Result<int> DialServer(const std::string& host_port, Deadline deadline, std::string_view what) {
  std::string host, port;
  if (!SplitHostPort(host_port, &host, &port)) {
    return InvalidArgumentError(fmt::format("{}: \"{}\" is not host:port", what, host_port));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addrs = nullptr;
  int gai = getaddrinfo(host.c_str(), port.c_str(), &hints, &addrs);
  if (gai != 0) {
    return UnavailableError(fmt::format("{}: cannot resolve {}: {}", what, host_port, gai_strerror(gai)));
  }
  Fd sock;
  std::string last_error = "no address";
  bool timed_out = false;
  for (addrinfo* a = addrs; a != nullptr && sock.fd < 0; a = a->ai_next) {
    sock.fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (sock.fd < 0) continue;
    int rc = connect(sock.fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{sock.fd, POLLOUT, 0};
      int ready;
      do {
        ready = poll(&p, 1, deadline.RemainingMillis());
      } while (ready < 0 && errno == EINTR);
      int err = 0;
      socklen_t len = sizeof(err);
      if (ready == 0) {
        timed_out = true;
        err = ETIMEDOUT;
      } else if (ready < 0 || getsockopt(sock.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
      }
      rc = err == 0 ? 0 : -1;
      errno = err;
    }
    if (rc == 0) {
      int flags = fcntl(sock.fd, F_GETFL);
      if (flags >= 0 && fcntl(sock.fd, F_SETFL, flags & ~O_NONBLOCK) == 0) break;
    }
    last_error = std::strerror(errno);
    close(sock.fd);
    sock.fd = -1;
  }
  freeaddrinfo(addrs);
  if (sock.fd < 0 && timed_out) {
    return DeadlineExceededError(fmt::format("{}: connect to {}: no answer in time", what, host_port));
  }
  if (sock.fd < 0) return UnavailableError(fmt::format("{}: connect to {}: {}", what, host_port, last_error));
  int fd = sock.fd;
  sock.fd = -1;
  return fd;
}

Result<ServerInfo> QueryServer(const std::string& host_port, Deadline deadline) {
  STRATA_ASSIGN_OR_RETURN(int fd, DialServer(host_port, deadline, "srvr"));
  Fd sock{fd};
  const char kCommand[] = "srvr";
  if (send(sock.fd, kCommand, sizeof(kCommand) - 1, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof(kCommand) - 1)) {
    return UnavailableError(fmt::format("srvr {}: send: {}", host_port, std::strerror(errno)));
  }
  std::string answer;
  char buf[4096];
  while (answer.size() < kMaxAnswerBytes) {
    pollfd p{sock.fd, POLLIN, 0};
    int ready = poll(&p, 1, deadline.RemainingMillis());
    if (ready == 0) return DeadlineExceededError(fmt::format("srvr {}: no answer in time", host_port));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return UnavailableError(fmt::format("srvr {}: poll: {}", host_port, std::strerror(errno)));
    }
    ssize_t n = recv(sock.fd, buf, sizeof(buf), 0);
    if (n == 0) break;  // the server closes the connection after answering
    if (n < 0) {
      if (errno == EINTR) continue;
      return UnavailableError(fmt::format("srvr {}: read: {}", host_port, std::strerror(errno)));
    }
    answer.append(buf, static_cast<size_t>(n));
  }
  Result<ServerInfo> info = ParseSrvr(answer);
  if (!info.ok()) return info.status().WithContext(fmt::format("srvr {}", host_port));
  return info;
}

}  // namespace strata::zk
