#include "storage/s3/test_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <utility>

#include "core/text.h"
#include "storage/s3/uri_encoding.h"

namespace strata::s3::testing {
namespace {

constexpr int kPollMillis = 50;
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::chrono::milliseconds kPauseStep{10};

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string_view Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 412: return "Precondition Failed";
    case 416: return "Range Not Satisfiable";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

// Reads one request from `fd` into `out`, using and refilling `buffer`. False on EOF or
// a malformed request.
bool ReadRequest(int fd, std::string& buffer, ReceivedRequest& out) {
  char chunk[kReadChunk];
  std::size_t header_end;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  std::string_view head(buffer.data(), header_end);
  const std::size_t line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const std::size_t sp1 = request_line.find(' ');
  const std::size_t sp2 = request_line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  out.method = std::string(request_line.substr(0, sp1));
  out.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  out.path = out.target.substr(0, out.target.find('?'));
  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  std::size_t content_length = 0;
  while (!rest.empty()) {
    const std::size_t eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? "" : rest.substr(eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    out.headers.push_back({AsciiLower(TrimBlanks(line.substr(0, colon))),
                           std::string(TrimBlanks(line.substr(colon + 1)))});
    if (out.headers.back().name == "content-length") {
      const std::string& v = out.headers.back().value;
      std::from_chars(v.data(), v.data() + v.size(), content_length);
    }
  }
  buffer.erase(0, header_end + 4);
  while (buffer.size() < content_length) {
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  out.body = buffer.substr(0, content_length);
  buffer.erase(0, content_length);
  return true;
}

}  // namespace

std::optional<std::string> ReceivedRequest::Header(std::string_view name) const {
  const std::string want = AsciiLower(name);
  for (const HttpHeader& h : headers) {
    if (h.name == want) return h.value;
  }
  return std::nullopt;
}

std::optional<std::string> ReceivedRequest::Query(std::string_view name) const {
  const std::size_t q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view query = std::string_view(target).substr(q + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    if (PercentDecode(pair.substr(0, eq)) != name) continue;
    return eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

CannedResponse S3Error(int status, std::string_view code, std::string_view message) {
  CannedResponse r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/xml"});
  r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + std::string(code) +
           "</Code><Message>" + std::string(message) +
           "</Message><RequestId>REQ-" + std::string(code) + "</RequestId></Error>";
  return r;
}

Result<std::unique_ptr<TestHttpServer>> TestHttpServer::Start(Handler handler) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return InternalError("test server: socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return InternalError("test server: cannot listen on 127.0.0.1");
  }
  auto server = std::unique_ptr<TestHttpServer>(
      new TestHttpServer(fd, ntohs(addr.sin_port), std::move(handler)));
  server->acceptor_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

TestHttpServer::TestHttpServer(int listen_fd, uint16_t port, Handler handler)
    : listen_fd_(listen_fd), port_(port), handler_(std::move(handler)) {}

TestHttpServer::~TestHttpServer() { Stop(); }

std::string TestHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<ReceivedRequest> TestHttpServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void TestHttpServer::Stop() {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

void TestHttpServer::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, kPollMillis) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++connections_;
    std::lock_guard lock(mu_);
    open_fds_.insert(fd);
    threads_.emplace_back([this, fd] { Serve(fd); });
  }
}

void TestHttpServer::Pause(std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!stopping_.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(kPauseStep);
  }
}

void TestHttpServer::Serve(int fd) {
  std::string buffer;
  while (!stopping_.load()) {
    ReceivedRequest request;
    if (!ReadRequest(fd, buffer, request)) break;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    CannedResponse r = handler_(request);
    Pause(r.delay);
    if (r.drop_connection || stopping_.load()) break;
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " +
                      std::string(Reason(r.status)) + "\r\n";
    for (const HttpHeader& h : r.headers) out += h.name + ": " + h.value + "\r\n";
    const bool head = request.method == "HEAD";
    const uint64_t length = head ? r.head_content_length.value_or(0) : r.body.size();
    out += "Content-Length: " + std::to_string(length) + "\r\n\r\n";
    if (!head) out += r.body;
    if (!WriteAll(fd, out)) break;
    if (request.Header("connection") == "close") break;
  }
  {
    std::lock_guard lock(mu_);
    open_fds_.erase(fd);
  }
  close(fd);
}

}  // namespace strata::s3::testing
