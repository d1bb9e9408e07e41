#include "zk/tree_walker.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_set>

#include "zk/jute.h"
#include "zk/server_info.h"
#include "zk/wire_session.h"
#include "zk/zk_util.h"

namespace strata::zk {

bool TreeOrderLess(std::string_view a, std::string_view b) {
  // '/' sorts below every byte a name may hold, so comparing with '/' as 0 compares the
  // component lists in byte order, and a path before the paths below it.
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = a[i] == '/' ? 0 : static_cast<unsigned char>(a[i]);
    unsigned char y = b[i] == '/' ? 0 : static_cast<unsigned char>(b[i]);
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

namespace {

using internal::FromZk;
using internal::SessionAccess;

constexpr size_t kMinWindow = 16;
constexpr size_t kWakeBatch = 64;
constexpr size_t kAssumedNodeBytes = 4096;
constexpr double kLargestDecay = 256;
constexpr auto kWaitSlice = std::chrono::milliseconds(200);
constexpr size_t kNoSession = SIZE_MAX;
constexpr auto kMaxWireConnect = std::chrono::seconds(30);

struct Walk;

// One znode being read. While its requests are in flight the C client's (single)
// completion thread writes the reply fields (with WireSessions the walking thread does);
// the walking thread reads them only after the node was handed over through Walk::ready
// (under Walk::mu). Everything else belongs to the walking thread.
struct Node {
  Walk* walk = nullptr;
  std::string path;
  // Replies of the current attempt.
  std::atomic<int> pending{0};
  int error = ZOK;
  bool have_data = false, have_acl = false, have_kids = false;
  std::optional<Bytes> data;
  std::vector<Acl> acl;
  std::vector<std::string> kid_names;
  Stat data_stat{}, acl_stat{}, kids_stat{};
  int attempts = 0;
  size_t session = kNoSession;  // the session this node is read on
  bool complete = false;
  bool gone = false;
  bool visited = false;
  // Children: kid_names[0, requested) have Node objects; kids.front() is visited next.
  size_t requested = 0;
  std::deque<std::unique_ptr<Node>> kids;
  std::string next_kid_path;  // path of kid_names[requested], the key in Walk::groups
  size_t buffered = 0;        // bytes counted in Walk::buffered for this node
};

// What a node read ahead costs besides its data and names (struct, path, allocations).
constexpr size_t kNodeOverhead = sizeof(Node) + 64;

struct GroupLess {
  bool operator()(const Node* a, const Node* b) const { return TreeOrderLess(a->next_kid_path, b->next_kid_path); }
};

std::string ChildPath(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

bool SameStat(const Stat& a, const Stat& b) {
  return a.czxid == b.czxid && a.mzxid == b.mzxid && a.pzxid == b.pzxid && a.version == b.version &&
         a.cversion == b.cversion && a.aversion == b.aversion && a.ephemeral_owner == b.ephemeral_owner &&
         a.num_children == b.num_children && a.data_length == b.data_length;
}

struct Walk {
  // One per session; a node's requests all go to one. Either C client handles or, when
  // the walk reads through its own connections, WireSessions.
  std::vector<zhandle_t*> zh;
  std::vector<WireSession*> wire;
  size_t next_session = 0;
  const WalkOptions* options = nullptr;
  std::unordered_set<std::string> exclude;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Node*> ready;  // nodes whose replies are all in (guarded by mu)
  std::atomic<size_t> in_flight{0};
  bool waiting = false;     // the walking thread sleeps on cv (guarded by mu)
  Node* wanted = nullptr;   // the node it waits for, if any (guarded by mu)
  size_t low_water = 0;     // wake it when fewer requests than this are in flight
  // Walking thread only:
  std::set<Node*, GroupLess> groups;  // nodes with children not yet requested
  size_t buffered = 0;
  // The largest recent znode: each znode read lets it decay by 1/kLargestDecay, so a
  // few large znodes narrow the window only while they are near.
  double largest = kAssumedNodeBytes;
  WalkStats stats;
  Status error;

  // A reply of `n` is in (completion thread).
  void Done(Node* n) {
    bool last = --n->pending == 0;
    std::lock_guard<std::mutex> lock(mu);
    if (last) ready.push_back(n);
    --in_flight;
    // Wake the walker only when it sleeps and has something worth waking for: the node
    // it waits to visit, a batch of replies, or a window running low. A wake-up per
    // reply costs more than the reply.
    if (waiting && ((last && (n == wanted || ready.size() >= kWakeBatch)) || in_flight <= low_water)) {
      cv.notify_one();
    }
  }
};

void OnData(int rc, const char* value, int len, const ::Stat* stat, const void* ctx) {
  auto* n = static_cast<Node*>(const_cast<void*>(ctx));
  if (rc == ZOK) {
    n->have_data = true;
    n->data_stat = internal::ToStat(*stat);
    if (len >= 0 && value != nullptr) {
      n->data.emplace(value, static_cast<size_t>(len));
    } else {
      n->data.reset();
    }
  } else if (n->error == ZOK) {
    n->error = rc;
  }
  n->walk->Done(n);
}

void OnAcl(int rc, ::ACL_vector* acl, ::Stat* stat, const void* ctx) {
  auto* n = static_cast<Node*>(const_cast<void*>(ctx));
  if (rc == ZOK) {
    n->have_acl = true;
    n->acl_stat = internal::ToStat(*stat);
    n->acl = internal::ToAcls(*acl);
  } else if (n->error == ZOK) {
    n->error = rc;
  }
  n->walk->Done(n);
}

void OnKids(int rc, const ::String_vector* names, const ::Stat* stat, const void* ctx) {
  auto* n = static_cast<Node*>(const_cast<void*>(ctx));
  if (rc == ZOK) {
    n->have_kids = true;
    n->kids_stat = internal::ToStat(*stat);
    n->kid_names.assign(names->data, names->data + names->count);
  } else if (n->error == ZOK) {
    n->error = rc;
  }
  n->walk->Done(n);
}

// A reply on a WireSession (the walking thread, inside WireSession::Pump).
Status OnWire(Walk& w, const WireReply& r) {
  auto* n = static_cast<Node*>(r.tag);
  if (r.err != ZOK) {
    if (n->error == ZOK) n->error = r.err;
    w.Done(n);
    return OkStatus();
  }
  switch (r.op) {
    case jute::kOpGetData: {
      STRATA_ASSIGN_OR_RETURN(jute::DataReply d, jute::ParseDataReply(r.body));
      n->have_data = true;
      n->data_stat = d.stat;
      n->data = std::move(d.data);
      break;
    }
    case jute::kOpGetAcl: {
      STRATA_ASSIGN_OR_RETURN(jute::AclReply a, jute::ParseAclReply(r.body));
      n->have_acl = true;
      n->acl_stat = a.stat;
      n->acl = std::move(a.acl);
      break;
    }
    case jute::kOpGetChildren2: {
      STRATA_ASSIGN_OR_RETURN(jute::ChildrenReply c, jute::ParseChildrenReply(r.body));
      n->have_kids = true;
      n->kids_stat = c.stat;
      n->kid_names = std::move(c.names);
      break;
    }
    default: return InternalError(fmt::format("reply to unexpected operation {}", r.op));
  }
  w.Done(n);
  return OkStatus();
}

class Walker {
 public:
  Walker(const std::vector<Session*>& sessions, const std::vector<WireSession*>& wire, const WalkOptions& options,
         const WalkVisitor& visit)
      : visit_(visit) {
    if (wire.empty()) {
      for (Session* s : sessions) w_.zh.push_back(SessionAccess::Handle(*s));
    }
    w_.wire = wire;
    w_.options = &options;
    w_.exclude.insert(options.exclude.begin(), options.exclude.end());
  }

  Result<WalkStats> Run();

 private:
  size_t Sessions() const { return w_.wire.empty() ? w_.zh.size() : w_.wire.size(); }
  // Sends (C client) or queues (WireSession) one request; a C client return code.
  int Issue(Node* n, int32_t op);
  // Sends the requests of one attempt. REQUIRES: n->pending == 0.
  void Request(Node* n);
  void RequestKids(Node* n);
  // Creates and requests the next child of `g`.
  void RequestNextKid(Node* g);
  // Checks a node whose replies are in.
  void Settle(Node* n);
  void Fail(Status s) {
    if (w_.error.ok()) w_.error = std::move(s);
  }
  void Account(Node* n, size_t bytes) {
    n->buffered += bytes;
    w_.buffered += bytes;
    w_.stats.peak_buffered_bytes = std::max(w_.stats.peak_buffered_bytes, w_.buffered);
  }
  void Release(Node* n, size_t bytes) {
    n->buffered -= bytes;
    w_.buffered -= bytes;
  }
  size_t Window() const {
    size_t budget = w_.options->max_buffered_bytes > w_.buffered ? w_.options->max_buffered_bytes - w_.buffered : 0;
    size_t by_bytes = std::max(kMinWindow, budget / static_cast<size_t>(w_.largest));
    return std::min(static_cast<size_t>(std::max(1, w_.options->max_in_flight)), by_bytes);
  }
  // Visits what can be visited.
  void Advance();
  void Prefetch();

  Walk w_;
  const WalkVisitor& visit_;
  std::unique_ptr<Node> root_;
  std::vector<Node*> stack_;
};

int Walker::Issue(Node* n, int32_t op) {
  if (!w_.wire.empty()) {
    WireSession* s = w_.wire[n->session];
    if (op == jute::kOpGetData) s->GetData(n->path, n);
    if (op == jute::kOpGetAcl) s->GetAcl(n->path, n);
    if (op == jute::kOpGetChildren2) s->GetChildren2(n->path, n);
    return ZOK;
  }
  zhandle_t* zh = w_.zh[n->session];
  if (op == jute::kOpGetData) return zoo_aget(zh, n->path.c_str(), 0, OnData, n);
  if (op == jute::kOpGetAcl) return zoo_aget_acl(zh, n->path.c_str(), OnAcl, n);
  return zoo_aget_children2(zh, n->path.c_str(), 0, OnKids, n);
}

void Walker::Request(Node* n) {
  n->attempts++;
  n->have_data = n->have_acl = n->have_kids = false;
  n->error = ZOK;
  n->pending = 2;
  w_.in_flight += 2;
  w_.stats.requests += 2;
  if (n->session == kNoSession) n->session = w_.next_session++ % Sessions();
  int rc = Issue(n, jute::kOpGetData);
  if (rc != ZOK) {
    n->pending = 0;
    w_.in_flight -= 2;
    Fail(FromZk(rc, fmt::format("read {}", n->path)));
    return;
  }
  rc = Issue(n, jute::kOpGetAcl);
  if (rc != ZOK) {
    n->pending -= 1;
    w_.in_flight -= 1;
    Fail(FromZk(rc, fmt::format("read the ACL of {}", n->path)));
  }
}

void Walker::RequestKids(Node* n) {
  n->pending = 1;
  w_.in_flight += 1;
  w_.stats.requests += 1;
  int rc = Issue(n, jute::kOpGetChildren2);
  if (rc != ZOK) {
    n->pending = 0;
    w_.in_flight -= 1;
    Fail(FromZk(rc, fmt::format("list the children of {}", n->path)));
  }
}

void Walker::RequestNextKid(Node* g) {
  w_.groups.erase(g);
  auto kid = std::make_unique<Node>();
  kid->walk = &w_;
  kid->path = std::move(g->next_kid_path);
  g->requested++;
  Node* k = kid.get();
  Account(k, kNodeOverhead + k->path.size());
  g->kids.push_back(std::move(kid));
  if (g->requested < g->kid_names.size()) {
    g->next_kid_path = ChildPath(g->path, g->kid_names[g->requested]);
    w_.groups.insert(g);
  } else {
    g->next_kid_path.clear();
  }
  Request(k);
}

void Walker::Settle(Node* n) {
  if (n->error == ZNONODE) {
    n->gone = true;
    n->complete = true;
    return;
  }
  if (n->error == ZCONNECTIONLOSS || n->error == ZOPERATIONTIMEOUT) {
    if (n->attempts >= w_.options->max_attempts) {
      Fail(FromZk(n->error, fmt::format("read {}", n->path)));
      return;
    }
    Request(n);
    return;
  }
  if (n->error != ZOK) {
    Status s = FromZk(n->error, fmt::format("read {}", n->path));
    if (s.code() == StatusCode::kPermissionDenied) {
      s = PermissionDeniedError(s.message() +
                                "; the backup needs READ on every znode (authenticate as a user the ACLs allow, "
                                "e.g. the super user, with --auth digest:USER:PASSWORD)");
    }
    Fail(std::move(s));
    return;
  }
  bool stable = SameStat(n->data_stat, n->acl_stat);
  if (stable && n->data_stat.num_children > 0 && !n->have_kids) {
    RequestKids(n);
    return;
  }
  if (stable && n->have_kids) {
    stable = SameStat(n->kids_stat, n->data_stat) &&
             static_cast<size_t>(n->kids_stat.num_children) == n->kid_names.size();
  }
  if (!stable && n->attempts < w_.options->max_attempts) {
    w_.stats.rereads++;
    n->data.reset();
    n->kid_names.clear();
    Request(n);
    return;
  }
  n->complete = true;
  if (!stable) w_.stats.unstable++;
  size_t data_bytes = n->data ? n->data->size() : 0;
  w_.largest = std::max({w_.largest * (1.0 - 1.0 / kLargestDecay), static_cast<double>(data_bytes),
                         static_cast<double>(kAssumedNodeBytes)});
  size_t name_bytes = 0;
  if (!n->kid_names.empty()) {
    auto& names = n->kid_names;
    size_t before = names.size();
    names.erase(std::remove_if(names.begin(), names.end(),
                               [&](const std::string& name) { return w_.exclude.count(ChildPath(n->path, name)) != 0; }),
                names.end());
    w_.stats.excluded += before - names.size();
    std::sort(names.begin(), names.end());
    for (const auto& name : names) name_bytes += name.size() + sizeof(std::string);
  }
  Account(n, data_bytes + name_bytes);
  if (!n->kid_names.empty()) {
    n->next_kid_path = ChildPath(n->path, n->kid_names[0]);
    w_.groups.insert(n);
  }
}

void Walker::Advance() {
  while (!stack_.empty() && w_.error.ok()) {
    Node* top = stack_.back();
    if (!top->visited && !top->gone) {
      if (!top->complete) return;
      const Stat& st = top->data_stat;
      w_.stats.max_zxid = std::max({w_.stats.max_zxid, st.czxid, st.mzxid, st.pzxid});
      WalkedNode out;
      out.path = top->path;
      out.data = std::move(top->data);
      out.acl = std::move(top->acl);
      out.stat = st;
      out.attempts = top->attempts;
      out.unstable = !SameStat(top->data_stat, top->acl_stat) ||
                     (top->have_kids && !SameStat(top->kids_stat, top->data_stat));
      top->visited = true;
      Release(top, out.data ? out.data->size() : 0);
      w_.stats.nodes++;
      Status s = visit_(out);
      if (!s.ok()) {
        Fail(std::move(s));
        return;
      }
    }
    if (top->gone && !top->visited) {
      w_.stats.vanished++;
      top->visited = true;
    }
    if (!top->kids.empty()) {
      stack_.push_back(top->kids.front().get());
      continue;
    }
    if (top->requested < top->kid_names.size()) {
      RequestNextKid(top);  // the visitor waits for it: request it whatever the window
      continue;
    }
    // Subtree finished.
    w_.groups.erase(top);
    Release(top, top->buffered);
    stack_.pop_back();
    if (stack_.empty()) {
      root_.reset();
    } else {
      stack_.back()->kids.pop_front();
    }
  }
}

void Walker::Prefetch() {
  // Refill in bursts: requests sent together wake the C client's IO thread once.
  size_t window = Window();
  if (w_.in_flight > window / 2) return;
  while (w_.error.ok() && !w_.groups.empty() && w_.in_flight < window &&
         w_.buffered < w_.options->max_buffered_bytes) {
    RequestNextKid(*w_.groups.begin());
  }
}

Result<WalkStats> Walker::Run() {
  root_ = std::make_unique<Node>();
  root_->walk = &w_;
  root_->path = w_.options->root;
  Account(root_.get(), kNodeOverhead + root_->path.size());
  Request(root_.get());
  stack_.push_back(root_.get());
  std::vector<Node*> ready;
  while (true) {
    if (w_.error.ok() && w_.options->cancel.cancelled()) Fail(CancelledError("walk cancelled"));
    ready.clear();
    {
      std::lock_guard<std::mutex> lock(w_.mu);
      ready.swap(w_.ready);
    }
    for (Node* n : ready) {
      if (w_.error.ok()) Settle(n);
    }
    if (w_.error.ok()) {
      Advance();
      Prefetch();
    }
    if (!w_.wire.empty()) {
      // Replies still due when the walk stops are dropped with the connections: no
      // callback refers to the nodes after Pump returns.
      if (stack_.empty() || !w_.error.ok()) break;
      bool have_ready;
      {
        std::lock_guard<std::mutex> lock(w_.mu);
        have_ready = !w_.ready.empty();
      }
      if (!have_ready) {
        Status s = WireSession::Pump(w_.wire, [this](WireSession&, const WireReply& r) { return OnWire(w_, r); },
                                     Deadline::After(kWaitSlice));
        if (!s.ok()) Fail(s.WithContext(fmt::format("walk {}", w_.options->root)));
      }
      continue;
    }
    std::unique_lock<std::mutex> lock(w_.mu);
    w_.waiting = true;
    w_.wanted = stack_.empty() ? nullptr : stack_.back();
    w_.low_water = Window() / 2;
    if (stack_.empty() || !w_.error.ok()) {
      // Every completion must have run before the nodes they point to go away.
      w_.cv.wait(lock, [&] { return w_.in_flight == 0; });
      break;
    }
    if (w_.ready.empty()) w_.cv.wait_for(lock, kWaitSlice);
    w_.waiting = false;
  }
  if (!w_.error.ok()) return w_.error;
  if (w_.stats.nodes == 0) {
    return NotFoundError(fmt::format("{} does not exist", w_.options->root));
  }
  return w_.stats;
}

}  // namespace

Result<WalkStats> WalkTree(Session& session, const WalkOptions& options, const WalkVisitor& visit) {
  return WalkTree(std::vector<Session*>{&session}, options, visit);
}

Result<WalkStats> WalkTree(const std::vector<Session*>& sessions, const WalkOptions& options,
                           const WalkVisitor& visit) {
  if (sessions.empty()) return InvalidArgumentError("WalkTree: no session");
  std::vector<std::unique_ptr<WireSession>> owned;
  std::vector<WireSession*> wire;
  if (options.client == WalkClient::kWire) {
    size_t count = options.connections > 0 ? static_cast<size_t>(options.connections) : sessions.size();
    for (size_t i = 0; i < count; ++i) {
      Session* s = sessions[i % sessions.size()];
      const SessionOptions& so = SessionAccess::Options(*s);
      STRATA_ASSIGN_OR_RETURN(ConnectString cs, ParseConnectString(so.connect));
      WireOptions wo;
      wo.server = s->CurrentServer();
      if (wo.server.empty()) {
        return UnavailableError(fmt::format("walk {}: the session to ZooKeeper {} is not connected", options.root,
                                            so.connect));
      }
      wo.chroot = cs.chroot;
      wo.session_timeout_ms = so.session_timeout_ms;
      wo.auth = so.auth;
      auto connect_time = std::min<std::chrono::milliseconds>(kMaxWireConnect,
                                                              std::chrono::milliseconds(so.session_timeout_ms));
      STRATA_ASSIGN_OR_RETURN(auto ws, WireSession::Connect(wo, Deadline::After(connect_time)));
      wire.push_back(ws.get());
      owned.push_back(std::move(ws));
    }
  }
  Walker walker(sessions, wire, options, visit);
  return walker.Run();
}

}  // namespace strata::zk
