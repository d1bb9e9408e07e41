#include "kafka/raw_fetcher.h"

#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "core/huge_pages.h"
#include "kafka/log.h"
#include "kafka/rd_util.h"

namespace strata::kafka {
namespace {

using Clock = std::chrono::steady_clock;
using TopicPartitionKey = std::pair<std::string, int32_t>;

constexpr auto kIdleWait = std::chrono::milliseconds(100);
constexpr auto kRetryBackoff = std::chrono::milliseconds(500);
constexpr auto kMetadataEvery = std::chrono::milliseconds(1000);
constexpr int kResponseSizeBytes = 4;
constexpr size_t kMaxResponseBytes = size_t{1} << 30;

Status SocketError(const std::string& what) {
  return UnavailableError(fmt::format("{}: {}", what, std::strerror(errno)));
}

// A blocking TCP connection to one broker.
class Connection {
 public:
  ~Connection() { Close(); }
  Status Open(const std::string& host, int port, std::chrono::milliseconds timeout) {
    Close();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::string where = fmt::format("{}:{}", host, port);
    if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
      return UnavailableError(fmt::format("resolve {}: {}", where, gai_strerror(rc)));
    }
    Status last = UnavailableError("connect " + where + ": no address");
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        fd_ = fd;
        break;
      }
      last = SocketError("connect " + where);
      close(fd);
    }
    freeaddrinfo(found);
    return fd_ >= 0 ? OkStatus() : last;
  }
  bool open() const { return fd_ >= 0; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  // Unblocks a read or write in another thread.
  void Shutdown() {
    int fd = fd_;
    if (fd >= 0) shutdown(fd, SHUT_RDWR);
  }
  Status Send(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return SocketError("send a fetch request");
      done += static_cast<size_t>(n);
    }
    return OkStatus();
  }
  Status Receive(char* dst, size_t size) {
    size_t done = 0;
    while (done < size) {
      ssize_t n = recv(fd_, dst + done, size - done, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) return UnavailableError("the broker closed the connection");
      if (n < 0) return SocketError("read a fetch response");
      done += static_cast<size_t>(n);
    }
    return OkStatus();
  }

 private:
  std::atomic<int> fd_{-1};
};

// Response buffers, reused. A fresh buffer of many MiB is a fresh mapping whose every
// page the kernel zero-fills on first touch: with a new buffer per response that was a
// third of the reading thread's time. The pool is also what bounds the reader's memory:
// at most `count` buffers are out (queued or held by the caller's chunks), and Acquire
// waits for one to come back.
class ResponsePool : public std::enable_shared_from_this<ResponsePool> {
 public:
  ResponsePool(size_t buffer_bytes, size_t count) : buffer_bytes_(buffer_bytes), count_(std::max<size_t>(1, count)) {}

  // A buffer for a response of `size` bytes (larger responses get a buffer of their own,
  // not kept), or null once Stop was called.
  std::shared_ptr<FetchResponseBytes> Acquire(size_t size) {
    std::unique_ptr<FetchResponseBytes> b;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [&] { return stopped_ || out_ < count_; });
      if (stopped_) return nullptr;
      if (!free_.empty()) {
        b = std::move(free_.back());
        free_.pop_back();
      }
      ++out_;
    }
    if (b == nullptr || b->capacity < size) {
      b = std::make_unique<FetchResponseBytes>();
      b->capacity = std::max(size, buffer_bytes_);
      b->data = std::make_unique_for_overwrite<char[]>(b->capacity);
      AdviseHugePages(b->data.get(), b->capacity);
    }
    b->size = size;
    return std::shared_ptr<FetchResponseBytes>(b.release(), [pool = shared_from_this()](FetchResponseBytes* r) {
      pool->Release(std::unique_ptr<FetchResponseBytes>(r));
    });
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    changed_.notify_all();
  }

 private:
  void Release(std::unique_ptr<FetchResponseBytes> b) {
    std::lock_guard<std::mutex> lock(mu_);
    if (b->capacity == buffer_bytes_) free_.push_back(std::move(b));
    --out_;
    changed_.notify_all();
  }

  const size_t buffer_bytes_;
  const size_t count_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<FetchResponseBytes>> free_;
  size_t out_ = 0;
  bool stopped_ = false;
};

}  // namespace

struct RawFetcher::Impl {
  struct Part {
    int64_t offset = 0;
    int32_t leader = -1;
    bool stopped = false;  // out of range or unreadable: waits for Assign
    Clock::time_point retry_after{};
  };
  struct Item {
    uint64_t generation = 0;
    std::optional<RawChunk> chunk;
    Status error;
  };
  struct Broker {
    int32_t id = 0;
    std::string host;
    int port = 0;
    Connection conn;
    std::thread thread;
    size_t rotation = 0;
  };
  // A request on the wire: which partition offsets it asked for.
  struct Sent {
    int32_t correlation_id = 0;
    uint64_t generation = 0;
    std::map<TopicPartitionKey, int64_t> offsets;
  };

  ClientOptions client;
  RawFetcherOptions options;
  internal::Handle handle;

  std::mutex mu;
  std::condition_variable changed;  // parts, queue or stop changed
  bool stopping = false;
  uint64_t generation = 0;
  std::map<TopicPartitionKey, Part> parts;
  std::map<int32_t, std::unique_ptr<Broker>> brokers;
  std::deque<Item> queue;
  std::shared_ptr<ResponsePool> pool;
  bool need_metadata = true;
  Clock::time_point next_metadata{};

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stopping = true;
      for (auto& [id, b] : brokers) b->conn.Shutdown();
    }
    changed.notify_all();
    if (pool) pool->Stop();
    for (auto& [id, b] : brokers) {
      if (b->thread.joinable()) b->thread.join();
    }
  }

  Status RefreshMetadata();
  void Run(Broker& b);
  std::optional<Sent> NextRequest(Broker& b, std::string* bytes);  // REQUIRES: mu held
  void Fail(const Sent& sent, const Status& why);
  void Push(Item item);  // REQUIRES: mu held
  std::vector<RawChunk> Apply(const Sent& sent, const wire::FetchResponse& resp,
                              const std::shared_ptr<const FetchResponseBytes>& bytes);
};

Status RawFetcher::Impl::RefreshMetadata() {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(handle.rk.get(), 1, nullptr, &md,
                                              static_cast<int>(options.request_timeout.count()));
  std::lock_guard<std::mutex> lock(mu);
  next_metadata = Clock::now() + kMetadataEvery;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return internal::Explain(internal::FromKafka(err, "read the partition leaders"), *handle.errors);
  }
  std::map<TopicPartitionKey, int32_t> leaders;
  for (int t = 0; t < md->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& topic = md->topics[t];
    for (int p = 0; p < topic.partition_cnt; ++p) {
      leaders[{topic.topic, topic.partitions[p].id}] = topic.partitions[p].leader;
    }
  }
  bool missing = false;
  for (auto& [key, part] : parts) {
    auto it = leaders.find(key);
    part.leader = it == leaders.end() ? -1 : it->second;
    missing = missing || part.leader < 0;
  }
  for (int i = 0; i < md->broker_cnt; ++i) {
    const rd_kafka_metadata_broker_t& mb = md->brokers[i];
    std::unique_ptr<Broker>& b = brokers[mb.id];
    if (!b) {
      b = std::make_unique<Broker>();
      b->id = mb.id;
      b->host = mb.host;
      b->port = mb.port;
      b->thread = std::thread([this, broker = b.get()] { Run(*broker); });
    }
  }
  rd_kafka_metadata_destroy(md);
  need_metadata = missing;
  changed.notify_all();
  return OkStatus();
}

std::optional<RawFetcher::Impl::Sent> RawFetcher::Impl::NextRequest(Broker& b, std::string* bytes) {
  auto now = Clock::now();
  std::vector<std::pair<const TopicPartitionKey*, int64_t>> mine;
  for (const auto& [key, part] : parts) {
    if (part.leader == b.id && !part.stopped && part.retry_after <= now) mine.push_back({&key, part.offset});
  }
  if (mine.empty()) return std::nullopt;
  // Each partition takes its turn first: a broker always returns the first partition's
  // first batch whole, however large.
  std::rotate(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(b.rotation++ % mine.size()), mine.end());
  wire::FetchRequest req;
  static std::atomic<int32_t> correlation{0};
  req.correlation_id = ++correlation;
  req.client_id = "strata";
  req.max_wait_ms = options.max_wait_ms;
  req.max_bytes = options.max_bytes;
  req.isolation = options.isolation;
  Sent sent;
  sent.correlation_id = req.correlation_id;
  sent.generation = generation;
  for (const auto& [key, offset] : mine) {
    auto t = std::find_if(req.topics.begin(), req.topics.end(), [&](const wire::FetchTopic& ft) { return ft.topic == key->first; });
    if (t == req.topics.end()) t = req.topics.insert(req.topics.end(), wire::FetchTopic{key->first, {}});
    t->partitions.push_back({key->second, offset, options.partition_max_bytes});
    sent.offsets[*key] = offset;
  }
  *bytes = wire::EncodeFetchRequest(req);
  return sent;
}

void RawFetcher::Impl::Fail(const Sent& sent, const Status& why) {
  std::lock_guard<std::mutex> lock(mu);
  if (stopping) return;
  Log().debug("raw fetch: {} (retrying after a metadata refresh)", why.ToString());
  auto retry = Clock::now() + kRetryBackoff;
  for (const auto& [key, offset] : sent.offsets) {
    if (auto it = parts.find(key); it != parts.end()) it->second.retry_after = retry;
  }
  need_metadata = true;
}

void RawFetcher::Impl::Push(Item item) {
  if (!stopping && item.generation == generation) {
    queue.push_back(std::move(item));
    changed.notify_all();
  }
}

std::vector<RawChunk> RawFetcher::Impl::Apply(const Sent& sent, const wire::FetchResponse& resp,
                                              const std::shared_ptr<const FetchResponseBytes>& bytes) {
  std::vector<RawChunk> chunks;
  std::lock_guard<std::mutex> lock(mu);
  if (sent.generation != generation) return chunks;
  auto now = Clock::now();
  for (const wire::FetchedTopic& t : resp.topics) {
    for (const wire::FetchedPartition& p : t.partitions) {
      TopicPartitionKey key{t.topic, p.partition};
      auto it = parts.find(key);
      auto asked = sent.offsets.find(key);
      // Another request moved the partition on (its leader changed meanwhile).
      if (it == parts.end() || asked == sent.offsets.end() || it->second.offset != asked->second) continue;
      Part& part = it->second;
      std::string where = fmt::format("{}/{}", t.topic, p.partition);
      auto fail = [&](Status s) {
        part.stopped = true;
        queue.push_back(Item{generation, std::nullopt, s});
      };
      if (p.error == wire::kOffsetOutOfRange) {
        fail(OutOfRangeError(fmt::format("{}: offset {} is not in the log any more", where, part.offset)));
      } else if (wire::IsLeadershipError(p.error)) {
        part.retry_after = now + kRetryBackoff;
        need_metadata = true;
      } else if (p.error == wire::kTopicAuthorizationFailed) {
        fail(PermissionDeniedError(fmt::format("{}: not authorized to read the topic", where)));
      } else if (p.error != wire::kNone) {
        part.retry_after = now + kRetryBackoff;
        Log().warn("raw fetch {}: Kafka error {} (retrying)", where, p.error);
      } else {
        Result<wire::FilteredRecords> f = wire::FilterBatches(p.records, part.offset, options.isolation, p.aborted);
        if (!f.ok()) {
          fail(f.status().WithContext(where));
          continue;
        }
        int64_t end = options.isolation == Isolation::kReadCommitted ? p.last_stable_offset : p.high_watermark;
        bool moved = f->next_offset != part.offset;
        part.offset = f->next_offset;
        if (f->kept.empty() && !moved && part.offset < end) continue;
        RawChunk c;
        c.topic = t.topic;
        c.partition = p.partition;
        c.batches = std::move(f->kept);
        c.next_offset = f->next_offset;
        c.high_watermark = p.high_watermark;
        c.last_stable_offset = p.last_stable_offset;
        c.end_offset = end;
        c.response = bytes;
        chunks.push_back(std::move(c));
      }
    }
  }
  if (!queue.empty()) changed.notify_all();
  return chunks;
}

void RawFetcher::Impl::Run(Broker& b) {
  std::optional<Sent> sent;
  bool on_wire = false;  // `sent` was sent already (pipelined)
  std::string request;
  while (true) {
    if (!sent) {
      std::unique_lock<std::mutex> lock(mu);
      if (stopping) return;
      sent = NextRequest(b, &request);
      if (!sent) {
        changed.wait_for(lock, kIdleWait, [&] { return stopping; });
        continue;
      }
    }
    Status s;
    if (!on_wire) {
      if (!b.conn.open()) s = b.conn.Open(b.host, b.port, options.request_timeout + std::chrono::milliseconds(options.max_wait_ms));
      if (s.ok()) s = b.conn.Send(request);
    }
    on_wire = false;
    std::shared_ptr<FetchResponseBytes> bytes;
    char size_field[kResponseSizeBytes];
    if (s.ok()) s = b.conn.Receive(size_field, sizeof(size_field));
    if (s.ok()) {
      size_t size = static_cast<uint32_t>((static_cast<unsigned char>(size_field[0]) << 24) |
                                          (static_cast<unsigned char>(size_field[1]) << 16) |
                                          (static_cast<unsigned char>(size_field[2]) << 8) |
                                          static_cast<unsigned char>(size_field[3]));
      if (size > kMaxResponseBytes) {
        s = DataLossError(fmt::format("fetch response of {} bytes", size));
      } else {
        bytes = pool->Acquire(size);
        if (bytes == nullptr) return;  // stopping
        s = b.conn.Receive(bytes->data.get(), bytes->size);
      }
    }
    Result<wire::FetchResponse> resp = s.ok() ? wire::DecodeFetchResponse(std::string_view(bytes->data.get(), bytes->size))
                                             : Result<wire::FetchResponse>(s);
    if (resp.ok() && resp->correlation_id != sent->correlation_id) {
      resp = DataLossError("fetch response for another request");
    }
    if (!resp.ok()) {
      b.conn.Close();
      Fail(*sent, resp.status().WithContext(fmt::format("broker {} ({}:{})", b.id, b.host, b.port)));
      sent.reset();
      continue;
    }
    std::vector<RawChunk> chunks = Apply(*sent, *resp, bytes);
    // The broker prepares the next response while this one is checked and handed out.
    {
      std::lock_guard<std::mutex> lock(mu);
      sent = stopping ? std::nullopt : NextRequest(b, &request);
    }
    if (sent) {
      Status sent_ok = b.conn.Send(request);
      on_wire = sent_ok.ok();
      if (!on_wire) {
        b.conn.Close();
        Fail(*sent, sent_ok);
        sent.reset();
      }
    }
    uint64_t gen = 0;
    {
      std::lock_guard<std::mutex> lock(mu);
      gen = generation;
    }
    bytes.reset();  // the chunks hold it
    for (RawChunk& c : chunks) {
      Item item{gen, std::nullopt, OkStatus()};
      if (options.prepare && !c.batches.empty()) {
        item.error = options.prepare(c).WithContext(fmt::format("{}/{}", c.topic, c.partition));
      }
      if (item.error.ok()) item.chunk = std::move(c);
      mu.lock();
      Push(std::move(item));
      mu.unlock();
    }
  }
}

RawFetcher::RawFetcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RawFetcher::~RawFetcher() = default;

bool RawFetcher::Supports(const ClientOptions& client) {
  std::string protocol = "plaintext";
  for (const auto& [k, v] : client.properties) {
    if (k == "security.protocol") protocol = v;
  }
  std::transform(protocol.begin(), protocol.end(), protocol.begin(), [](unsigned char c) { return std::tolower(c); });
  return protocol == "plaintext";
}

Result<std::unique_ptr<RawFetcher>> RawFetcher::Open(const ClientOptions& client, const RawFetcherOptions& options) {
  if (!Supports(client)) {
    return InvalidArgumentError("the raw Kafka reader speaks only to PLAINTEXT listeners (no SASL or SSL)");
  }
  auto impl = std::make_unique<Impl>();
  impl->client = client;
  impl->options = options;
  // Room for the response's own fields around max_bytes of records.
  const size_t buffer_bytes = static_cast<size_t>(options.max_bytes) + (size_t{1} << 20);
  impl->pool = std::make_shared<ResponsePool>(buffer_bytes, std::max<size_t>(2, options.queue_bytes / buffer_bytes));
  STRATA_ASSIGN_OR_RETURN(impl->handle, internal::NewHandle(RD_KAFKA_PRODUCER, client, {}));
  return std::unique_ptr<RawFetcher>(new RawFetcher(std::move(impl)));
}

Status RawFetcher::Assign(const std::vector<PartitionStart>& starts) {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    ++impl_->generation;
    std::map<TopicPartitionKey, Impl::Part> parts;
    for (const auto& s : starts) {
      Impl::Part part;
      part.offset = s.offset;
      if (auto old = impl_->parts.find({s.topic, s.partition}); old != impl_->parts.end()) part.leader = old->second.leader;
      parts[{s.topic, s.partition}] = part;
    }
    impl_->parts = std::move(parts);
    impl_->queue.clear();
    impl_->changed.notify_all();
  }
  return impl_->RefreshMetadata();
}

Result<std::optional<RawChunk>> RawFetcher::Poll(Deadline deadline) {
  Impl& im = *impl_;
  while (true) {
    std::unique_lock<std::mutex> lock(im.mu);
    if (im.need_metadata && Clock::now() >= im.next_metadata) {
      lock.unlock();
      STRATA_RETURN_IF_ERROR(im.RefreshMetadata());
      lock.lock();
    }
    Clock::duration wait = std::min<Clock::duration>(kIdleWait, deadline.Remaining());
    im.changed.wait_for(lock, wait, [&] { return !im.queue.empty(); });
    if (im.queue.empty()) {
      if (deadline.Expired()) return std::optional<RawChunk>();
      continue;
    }
    Impl::Item item = std::move(im.queue.front());
    im.queue.pop_front();
    if (item.generation != im.generation) continue;
    if (!item.error.ok()) return item.error;
    return std::move(item.chunk);
  }
}

}  // namespace strata::kafka
