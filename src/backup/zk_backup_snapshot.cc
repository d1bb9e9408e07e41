// The server-snapshot sources of `strata backup zookeeper`: a snapshot file, or the
// ZooKeeper 3.9 AdminServer's `snapshot` command streamed over HTTP. Both are read with
// format::ServerSnapshotReader, which gives exact types (container, TTL) and Stats.
#include <fmt/format.h>

#include <cerrno>
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "backup/zk_backup_internal.h"
#include "backup/zk_repository.h"
#include "format/zk_server_snapshot.h"
#include "storage/s3/curl_transport.h"

namespace strata::backup::internal {

namespace {

constexpr size_t kReadChunk = 1 << 20;
constexpr size_t kPipeChunks = 8;
constexpr auto kAdminTimeout = std::chrono::seconds(30);

// A snapshot file read in chunks.
class FileSource {
 public:
  ~FileSource() {
    if (f_ != nullptr) std::fclose(f_);
  }
  Status Open(const std::string& path) {
    f_ = std::fopen(path.c_str(), "rb");
    if (f_ == nullptr) {
      std::string why = std::strerror(errno);
      if (errno == ENOENT) return NotFoundError(fmt::format("snapshot file {}: {}", path, why));
      if (errno == EACCES) return PermissionDeniedError(fmt::format("snapshot file {}: {}", path, why));
      return UnavailableError(fmt::format("snapshot file {}: {}", path, why));
    }
    path_ = path;
    buf_.resize(kReadChunk);
    return OkStatus();
  }
  format::ByteSource Source() {
    return [this]() -> Result<ByteView> {
      size_t n = std::fread(buf_.data(), 1, buf_.size(), f_);
      if (n == 0 && std::ferror(f_)) return UnavailableError(fmt::format("read {}: {}", path_, std::strerror(errno)));
      return ByteView(buf_.data(), n);
    };
  }

 private:
  std::FILE* f_ = nullptr;
  std::string path_;
  Bytes buf_;
};

// The AdminServer's response body, handed from the transfer thread to the reader through
// a bounded queue of chunks.
class HttpPipe {
 public:
  ~HttpPipe() { Stop(); }

  void Start(std::unique_ptr<s3::CurlTransport> transport, s3::HttpRequest request) {
    transport_ = std::move(transport);
    thread_ = std::thread([this, request = std::move(request)] {
      s3::TransportCallOptions call;
      call.deadline = Deadline::Infinite();
      call.body_sink = [this](ByteView piece) { return Push(Bytes(piece)); };
      call.max_body_bytes = 1 << 20;
      Result<s3::HttpResponse> r = transport_->Send(request, {}, call);
      Status end = OkStatus();
      if (!r.ok()) {
        end = r.status();
      } else {
        response_ = std::move(*r);
        end = StatusFor(response_, request.url);
      }
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      end_ = end;
      cv_.notify_all();
    });
  }

  format::ByteSource Source() {
    return [this]() -> Result<ByteView> {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || done_; });
      if (!queue_.empty()) {
        current_ = std::move(queue_.front());
        queue_.pop_front();
        cv_.notify_all();
        return ByteView(current_);
      }
      if (!end_.ok()) return end_;
      return ByteView();
    };
  }

  // Ends the transfer (if still running) and waits for the thread.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
  }

  const s3::HttpResponse& response() const { return response_; }

 private:
  Status Push(Bytes piece) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < kPipeChunks || stopped_; });
    if (stopped_) return CancelledError("snapshot stream no longer read");
    queue_.push_back(std::move(piece));
    cv_.notify_all();
    return OkStatus();
  }

  static Status StatusFor(const s3::HttpResponse& r, const std::string& url) {
    if (r.status / 100 == 2) return OkStatus();
    std::string what = fmt::format("GET {}: HTTP {}: {}", s3::UrlWithoutQuery(url), r.status, r.body.substr(0, 200));
    if (r.status == 401) {
      return UnauthenticatedError(what + "; the snapshot command needs credentials: --auth digest:USER:PASSWORD");
    }
    if (r.status == 403) return PermissionDeniedError(what + "; the user needs ALL permission on /");
    if (r.status == 429 || r.status >= 500) return UnavailableError(what + "; try again later");
    if (r.status == 404) return FailedPreconditionError(what + "; the server has no snapshot command (ZooKeeper 3.9+)");
    return FailedPreconditionError(what);
  }

  std::unique_ptr<s3::CurlTransport> transport_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Bytes> queue_;
  Bytes current_;
  bool done_ = false;
  bool stopped_ = false;
  Status end_;
  s3::HttpResponse response_;
};

// The zxid in "snapshot.<hex zxid>", if the file is named so.
std::optional<int64_t> ZxidFromFileName(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  constexpr std::string_view kPrefix = "snapshot.";
  if (base.rfind(kPrefix, 0) != 0 || base.size() == kPrefix.size()) return std::nullopt;
  std::string hex = base.substr(kPrefix.size());
  Result<int64_t> z = format::ParseZxidHex("0x" + hex);
  if (!z.ok()) return std::nullopt;
  return *z;
}

std::optional<std::string> DigestCredentials(const ZkBackupOptions& o) {
  for (const auto& [scheme, credential] : o.auth) {
    if (scheme == "digest") return credential;
  }
  return std::nullopt;
}

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The AdminServer's last processed zxid and version (`srvr` command, JSON).
Result<std::pair<int64_t, std::string>> AdminZxid(s3::CurlTransport& transport, const std::string& base) {
  s3::HttpRequest req;
  req.method = "GET";
  req.url = base + "/commands/srvr";
  s3::TransportCallOptions call;
  call.deadline = Deadline::After(kAdminTimeout);
  STRATA_ASSIGN_OR_RETURN(s3::HttpResponse r, transport.Send(req, {}, call));
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || doc.is_discarded() || !doc.is_object() || !doc.contains("server_stats") ||
      !doc["server_stats"].contains("last_processed_zxid") ||
      !doc["server_stats"]["last_processed_zxid"].is_number_integer()) {
    return FailedPreconditionError(fmt::format("GET {}: HTTP {}: not a ZooKeeper AdminServer srvr answer", req.url, r.status));
  }
  return std::make_pair(doc["server_stats"]["last_processed_zxid"].get<int64_t>(), doc.value("version", ""));
}

// Copies the nodes under the chroot (relative to it), leaving out excluded subtrees.
Status CopyNodes(const ZkRun& run, format::ServerSnapshotReader& reader, ZksObjectSink& sink,
                 const ZkBackupProgress& progress, int64_t* max_zxid) {
  std::string root = run.chroot.empty() ? "/" : run.chroot;
  format::ZNode node;
  std::string skipping;  // an excluded subtree being skipped
  while (true) {
    if (run.options->cancel.cancelled()) return CancelledError("backup cancelled");
    STRATA_ASSIGN_OR_RETURN(bool more, reader.Next(&node));
    if (!more) return OkStatus();
    if (!IsUnder(node.path, root)) continue;
    if (!skipping.empty() && IsUnder(node.path, skipping)) continue;
    skipping.clear();
    bool excluded = false;
    for (const auto& e : run.exclude) excluded = excluded || node.path == e;
    if (excluded) {
      skipping = node.path;
      continue;
    }
    node.path = Relative(run.chroot, node.path);
    *max_zxid = std::max({*max_zxid, node.stat.czxid, node.stat.mzxid, node.stat.pzxid});
    STRATA_RETURN_IF_ERROR(CheckRedacted(run, node));
    STRATA_RETURN_IF_ERROR(sink.Add(node));
    if (progress && sink.counts().znodes % internal::kZnodesPerProgress == 0) {
      progress(sink.counts().znodes, sink.data_bytes());
    }
  }
}

void FillConsistency(const format::ServerSnapshotInfo& info, std::optional<int64_t> start, format::ZkManifest* m) {
  format::ZkConsistency& c = m->consistency;
  c.zxid_source = "snapshot";
  c.zxid_start = start;
  if (info.last_processed_zxid) c.zxid_end = *info.last_processed_zxid;
  if (c.zxid_start && c.zxid_end && *c.zxid_end < *c.zxid_start) c.zxid_end = c.zxid_start;
  c.exact = c.zxid_start && c.zxid_end && *c.zxid_start == *c.zxid_end;
}

}  // namespace

Result<ZkBackupResult> BackupServerSnapshot(const ZkRun& run, const ZkBackupProgress& progress) {
  const ZkBackupOptions& o = *run.options;
  if (o.snapshot_file) {
    std::optional<int64_t> zxid = ZxidFromFileName(*o.snapshot_file);
    if (!zxid) {
      // Not named snapshot.<zxid>: read it once for the zxid it records, if any.
      FileSource pre;
      STRATA_RETURN_IF_ERROR(pre.Open(*o.snapshot_file));
      format::ServerSnapshotReader reader(pre.Source());
      format::ZNode node;
      while (true) {
        STRATA_ASSIGN_OR_RETURN(bool more, reader.Next(&node));
        if (!more) break;
      }
      if (reader.info().last_processed_zxid) zxid = reader.info().last_processed_zxid;
      if (!zxid && reader.info().digest) zxid = reader.info().digest->zxid;
    }
    FileSource file;
    STRATA_RETURN_IF_ERROR(file.Open(*o.snapshot_file));
    format::ZkManifest m = BaseManifest(run, format::kZkMethodSnapshotFile, zxid.value_or(0));
    m.snapshot_file = *o.snapshot_file;
    STRATA_ASSIGN_OR_RETURN(auto sink, ZksObjectSink::Open(*run.repo, ZkSnapshotKey(run.ensemble, m.id), o.zstd_level));
    format::ServerSnapshotReader reader(file.Source());
    STRATA_RETURN_IF_ERROR(
        CopyNodes(run, reader, *sink, progress, &m.consistency.max_zxid_seen).WithContext(*o.snapshot_file));
    FillConsistency(reader.info(), ZxidFromFileName(*o.snapshot_file), &m);
    if (!m.consistency.zxid_start && zxid) m.consistency.zxid_start = zxid;
    return Commit(run, *sink, std::move(m));
  }

  std::string base = TrimSlash(*o.admin_url);
  STRATA_ASSIGN_OR_RETURN(auto probe, s3::CurlTransport::Create());
  STRATA_ASSIGN_OR_RETURN(auto before, AdminZxid(*probe, base));
  format::ZkManifest m = BaseManifest(run, format::kZkMethodAdminSnapshot, before.first);
  m.server = base;
  m.server_version = before.second;
  STRATA_ASSIGN_OR_RETURN(auto sink, ZksObjectSink::Open(*run.repo, ZkSnapshotKey(run.ensemble, m.id), o.zstd_level));
  s3::HttpRequest req;
  req.method = "GET";
  req.url = base + "/commands/snapshot?streaming=true";
  if (auto cred = DigestCredentials(o)) req.headers.push_back({"Authorization", "digest " + *cred});
  STRATA_ASSIGN_OR_RETURN(auto transport, s3::CurlTransport::Create());
  HttpPipe pipe;
  pipe.Start(std::move(transport), std::move(req));
  format::ServerSnapshotReader reader(pipe.Source());
  Status copied = CopyNodes(run, reader, *sink, progress, &m.consistency.max_zxid_seen);
  pipe.Stop();
  STRATA_RETURN_IF_ERROR(copied.WithContext(fmt::format("snapshot from {}", base)));
  std::optional<int64_t> start = before.first;
  if (auto header = pipe.response().Header("last_zxid")) {
    Result<int64_t> z = format::ParseZxidHex(std::string(*header));
    if (z.ok()) start = *z;
  }
  FillConsistency(reader.info(), start, &m);
  return Commit(run, *sink, std::move(m));
}

}  // namespace strata::backup::internal
