#include "zk/tree_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "zk/zk_util.h"

namespace strata::zk {

using internal::FromZk;

namespace {

constexpr size_t kOpOverhead = 64;  // headers and lengths of one op in a multi
constexpr size_t kAclOverhead = 16;

size_t OpBytes(const WriteOp& op) {
  size_t n = kOpOverhead + op.path.size() + (op.data ? op.data->size() : 0);
  for (const auto& a : op.acl) n += kAclOverhead + a.scheme.size() + a.id.size();
  return n;
}

bool Batchable(const WriteOp& op) {
  return (op.kind == WriteKind::kCreate && op.node == NodeKind::kPersistent) || op.kind == WriteKind::kSetData ||
         op.kind == WriteKind::kDelete;
}

// Failures worth one more try as a single write after the requests before it finished.
bool Retriable(int rc) { return rc == ZNONODE || rc == ZCONNECTIONLOSS || rc == ZOPERATIONTIMEOUT; }

std::string OpName(const WriteOp& op) {
  switch (op.kind) {
    case WriteKind::kCreate: return fmt::format("create {}", op.path);
    case WriteKind::kSetData: return fmt::format("set data of {}", op.path);
    case WriteKind::kSetAcl: return fmt::format("set ACL of {}", op.path);
    case WriteKind::kDelete: return fmt::format("delete {}", op.path);
  }
  return op.path;
}

// Encodes ACLs for the C client; the strings stay owned by the op.
struct CAcl {
  std::vector<::ACL> items;
  ::ACL_vector vec{};
  void Set(const std::vector<Acl>& acl) {
    items.clear();
    for (const auto& a : acl) {
      items.push_back(::ACL{a.perms, ::Id{const_cast<char*>(a.scheme.c_str()), const_cast<char*>(a.id.c_str())}});
    }
    vec.count = static_cast<int32_t>(items.size());
    vec.data = items.data();
  }
};

}  // namespace

struct TreeWriter::Request {
  TreeWriter::Shared* shared = nullptr;
  std::vector<WriteOp> ops;
  std::vector<uint64_t> seqs;
  std::vector<CAcl> acls;
  std::vector<zoo_op_t> zops;
  std::vector<zoo_op_result_t> results;
  bool multi = false;
  bool replay = false;
  size_t bytes = 0;
  int rc = ZOK;
};

struct TreeWriter::Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Request*> finished;
  size_t in_flight = 0;
  size_t in_flight_bytes = 0;

  void Complete(Request* r, int rc) {
    std::lock_guard<std::mutex> lock(mu);
    r->rc = rc;
    finished.push_back(r);
    cv.notify_one();
  }
};

namespace {
void OnVoid(int rc, const void* data) {
  auto* r = static_cast<TreeWriter::Request*>(const_cast<void*>(data));
  r->shared->Complete(r, rc);
}
void OnStat(int rc, const ::Stat*, const void* data) { OnVoid(rc, data); }
void OnCreate(int rc, const char*, const ::Stat*, const void* data) { OnVoid(rc, data); }
}  // namespace

TreeWriter::TreeWriter(Session& session, WriterOptions options, WriteCallback done)
    : session_(session), options_(options), done_(std::move(done)), shared_(std::make_unique<Shared>()) {}

TreeWriter::~TreeWriter() {
  Flush().IgnoreError();
  std::unique_lock<std::mutex> lock(shared_->mu);
  shared_->cv.wait(lock, [&] { return shared_->in_flight == 0; });
  for (Request* r : shared_->finished) delete r;
}

Status TreeWriter::Submit(WriteOp op) {
  if (!error_.ok()) return error_;
  stats_.ops++;
  uint64_t seq = next_seq_++;
  size_t bytes = OpBytes(op);
  if (!options_.batch || !Batchable(op) || bytes > options_.max_batch_bytes) {
    SendBatch();
    SendSingle(std::move(op), seq, false);
  } else {
    if (batch_bytes_ + bytes > options_.max_batch_bytes || batch_.size() >= options_.max_batch_ops) SendBatch();
    batch_.push_back(std::move(op));
    batch_seqs_.push_back(seq);
    batch_bytes_ += bytes;
  }
  Pump(false);
  return error_;
}

Status TreeWriter::Flush() {
  SendBatch();
  while (true) {
    Pump(false);
    std::unique_lock<std::mutex> lock(shared_->mu);
    if (shared_->in_flight == 0 && shared_->finished.empty() && replays_.empty()) break;
    lock.unlock();
    Pump(true);
  }
  return error_;
}

void TreeWriter::SendBatch() {
  if (batch_.empty()) return;
  auto r = std::make_unique<Request>();
  r->shared = shared_.get();
  r->ops = std::move(batch_);
  r->seqs = std::move(batch_seqs_);
  r->bytes = batch_bytes_;
  r->multi = r->ops.size() > 1;
  batch_.clear();
  batch_seqs_.clear();
  batch_bytes_ = 0;
  Send(std::move(r));
}

void TreeWriter::SendSingle(WriteOp op, uint64_t seq, bool replay) {
  auto r = std::make_unique<Request>();
  r->shared = shared_.get();
  r->bytes = OpBytes(op);
  r->seqs.push_back(seq);
  r->ops.push_back(std::move(op));
  r->replay = replay;
  Send(std::move(r));
}

void TreeWriter::WaitForRoom(size_t bytes) {
  while (error_.ok()) {
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      bool room = shared_->in_flight < static_cast<size_t>(std::max(1, options_.max_in_flight)) &&
                  (shared_->in_flight == 0 || shared_->in_flight_bytes + bytes <= options_.max_in_flight_bytes);
      if (room) return;
    }
    Pump(true);
  }
}

void TreeWriter::Send(std::unique_ptr<Request> request) {
  // Writes sent again after a failure go before anything newer.
  while (!request->replay && !replays_.empty() && error_.ok()) Pump(true);
  WaitForRoom(request->bytes);
  if (!error_.ok()) {
    for (const auto& op : request->ops) done_(op, error_);
    return;
  }
  zhandle_t* zh = internal::SessionAccess::Handle(session_);
  Request* r = request.get();
  r->acls.resize(r->ops.size());
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->in_flight++;
    shared_->in_flight_bytes += r->bytes;
  }
  stats_.requests++;
  if (r->replay) stats_.replayed++;
  int rc = ZOK;
  if (r->multi) {
    stats_.multis++;
    r->zops.resize(r->ops.size());
    r->results.resize(r->ops.size());
    for (size_t i = 0; i < r->ops.size(); ++i) {
      const WriteOp& op = r->ops[i];
      const char* data = op.data ? op.data->data() : nullptr;
      int len = op.data ? static_cast<int>(op.data->size()) : -1;
      switch (op.kind) {
        case WriteKind::kCreate:
          r->acls[i].Set(op.acl);
          zoo_create_op_init(&r->zops[i], op.path.c_str(), data, len, &r->acls[i].vec, ZOO_PERSISTENT, nullptr, 0);
          break;
        case WriteKind::kSetData:
          zoo_set_op_init(&r->zops[i], op.path.c_str(), data, len, op.version, nullptr);
          break;
        case WriteKind::kDelete: zoo_delete_op_init(&r->zops[i], op.path.c_str(), op.version); break;
        case WriteKind::kSetAcl: break;  // never batched
      }
    }
    rc = zoo_amulti(zh, static_cast<int>(r->zops.size()), r->zops.data(), r->results.data(), OnVoid, r);
  } else {
    WriteOp& op = r->ops[0];
    const char* data = op.data ? op.data->data() : nullptr;
    int len = op.data ? static_cast<int>(op.data->size()) : -1;
    switch (op.kind) {
      case WriteKind::kCreate: {
        r->acls[0].Set(op.acl);
        int mode = op.node == NodeKind::kContainer ? ZOO_CONTAINER
                   : op.node == NodeKind::kTtl     ? ZOO_PERSISTENT_WITH_TTL
                                                   : ZOO_PERSISTENT;
        rc = zoo_acreate2_ttl(zh, op.path.c_str(), data, len, &r->acls[0].vec, mode,
                              op.node == NodeKind::kTtl ? op.ttl_ms : -1, OnCreate, r);
        break;
      }
      case WriteKind::kSetData: rc = zoo_aset(zh, op.path.c_str(), data, len, op.version, OnStat, r); break;
      case WriteKind::kSetAcl:
        r->acls[0].Set(op.acl);
        rc = zoo_aset_acl(zh, op.path.c_str(), op.version, &r->acls[0].vec, OnVoid, r);
        break;
      case WriteKind::kDelete: rc = zoo_adelete(zh, op.path.c_str(), op.version, OnVoid, r); break;
    }
  }
  if (rc != ZOK) {
    // Not sent: no completion will run.
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      shared_->in_flight--;
      shared_->in_flight_bytes -= r->bytes;
    }
    error_ = FromZk(rc, OpName(r->ops[0]));
    for (const auto& op : r->ops) done_(op, error_);
    return;
  }
  request.release();  // owned by the completion until Finish
}

void TreeWriter::Pump(bool block) {
  std::deque<Request*> finished;
  {
    std::unique_lock<std::mutex> lock(shared_->mu);
    if (block && shared_->finished.empty() && shared_->in_flight > 0) {
      shared_->cv.wait(lock, [&] { return !shared_->finished.empty(); });
    }
    finished.swap(shared_->finished);
    for (Request* r : finished) {
      shared_->in_flight--;
      shared_->in_flight_bytes -= r->bytes;
    }
  }
  for (Request* r : finished) Finish(std::unique_ptr<Request>(r));
  if (replays_.empty() || replaying_) return;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    if (shared_->in_flight != 0) return;  // replay once everything before has answered
  }
  Replay();
}

void TreeWriter::Finish(std::unique_ptr<Request> r) {
  if (r->rc == ZSESSIONEXPIRED || r->rc == ZCLOSING || r->rc == ZAUTHFAILED) {
    if (error_.ok()) error_ = FromZk(r->rc, OpName(r->ops[0]));
    for (const auto& op : r->ops) done_(op, error_);
    return;
  }
  if (r->multi) {
    if (r->rc == ZOK) {
      for (const auto& op : r->ops) done_(op, OkStatus());
      return;
    }
    // Nothing of the multi was applied: try each write alone, in order.
    for (size_t i = 0; i < r->ops.size(); ++i) replays_.emplace_back(r->seqs[i], std::move(r->ops[i]));
    return;
  }
  WriteOp& op = r->ops[0];
  if (r->rc == ZUNIMPLEMENTED && op.kind == WriteKind::kCreate && op.node == NodeKind::kTtl && op.ttl_fallback) {
    op.node = NodeKind::kPersistent;
    op.fell_back = true;
    replays_.emplace_back(r->seqs[0], std::move(op));
    return;
  }
  if (!r->replay && Retriable(r->rc)) {
    replays_.emplace_back(r->seqs[0], std::move(op));
    return;
  }
  done_(op, FromZk(r->rc, OpName(op)));
}

void TreeWriter::Replay() {
  replaying_ = true;
  std::vector<std::pair<uint64_t, WriteOp>> ops;
  ops.swap(replays_);
  std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [seq, op] : ops) SendSingle(std::move(op), seq, true);
  replaying_ = false;
}

}  // namespace strata::zk
