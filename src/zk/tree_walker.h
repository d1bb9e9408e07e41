// WalkTree: reads a znode subtree with many asynchronous requests in flight and hands
// every znode (data, ACL, Stat) to a visitor in pre-order: a parent before its children,
// each subtree contiguous, siblings in byte order of their names.
//
// How: each znode is read with getData and getACL, and with getChildren2 when its Stat
// says it has children. Requests are issued ahead of the visitor in pre-order (the next
// unread znode below the deepest known directory first), up to a window of requests in
// flight. A znode is visited once all its replies are in and they agree: the Stats of the
// two or three replies must be equal, or the znode changed between them and is read
// again. So each visited znode is one state of that znode (data, ACL and child list
// from the same moment); different znodes may be from different moments (see
// docs/zookeeper.md, "Consistency").
//
// Memory: the znodes read ahead of the visitor (bounded by max_buffered_bytes, plus at
// most the window's replies in flight; the window shrinks to max_buffered_bytes divided
// by the largest recent znode, so a run of large znodes is read a few at a time; a burst
// of large znodes right after many small ones can overshoot once by up to the window
// times the server's jute.maxbuffer) and the child-name lists of the directories on the
// current path and of those read ahead. Never the whole tree.
//
// Transport: by default the walk opens its own connections (wire_session.h), one per
// session given, and pipelines the requests from the calling thread; a connection lost
// or silent for a session timeout fails the walk with Unavailable. The C client's
// asynchronous calls on the sessions themselves remain as WalkClient::kCClient.
//
// Thread-safety: WalkTree blocks the calling thread, which also runs the visitor. The
// session may be used by other threads meanwhile, but a session should run one walk at a
// time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/deadline.h"
#include "core/result.h"
#include "zk/session.h"

namespace strata::zk {

// How the walk talks to ZooKeeper.
enum class WalkClient {
  // Its own connections (wire_session.h), one per session given, to the server that
  // session is connected to, with the session's credentials and chroot; requests
  // pipelined from the walking thread. Several times faster than the C client.
  kWire,
  // The C client's asynchronous calls on the sessions themselves.
  kCClient,
};

struct WalkOptions {
  // Absolute path of the subtree to walk (the session has no chroot applied by strata;
  // a connect-string chroot of the session itself works too).
  std::string root = "/";
  // Absolute paths whose znodes and subtrees are neither read nor visited (e.g.
  // "/zookeeper").
  std::vector<std::string> exclude;
  // Requests in flight at most. More hides more round trips but lets a burst of large
  // znodes take more memory; ZooKeeper's globalOutstandingLimit (default 1000) is shared
  // by all clients of a server.
  int max_in_flight = 1000;
  // Bytes of data and child names read ahead of the visitor at most (default 64 MiB).
  size_t max_buffered_bytes = 64u << 20;
  // Reads of a znode that keeps changing between its replies; after that it is visited
  // with `unstable` set. Default 10.
  int max_attempts = 10;
  // Default kWire; kCClient is the fallback should a server not accept the walk's own
  // connections.
  WalkClient client = WalkClient::kWire;
  // kWire: connections the reads are spread over (0: one per session given), opened to
  // the sessions' servers in turn. The server answers one connection's requests in
  // order; several in parallel, and it spends less per request when its requests come
  // over more connections (docs/zookeeper.md, "Performance").
  int connections = 0;
  // Stops the walk (Cancelled) when cancelled.
  CancelToken cancel;
};

// One znode as the visitor receives it. The visitor may move data and acl out.
struct WalkedNode {
  std::string path;           // absolute
  std::optional<Bytes> data;  // nullopt: null data (distinct from empty)
  std::vector<Acl> acl;
  Stat stat;
  int attempts = 1;           // > 1: it changed while being read and was read again
  bool unstable = false;      // still changing after max_attempts reads
};

struct WalkStats {
  uint64_t nodes = 0;      // visited
  uint64_t vanished = 0;   // listed by their parent, deleted before they were read
  uint64_t rereads = 0;    // extra reads of znodes that changed while being read
  uint64_t unstable = 0;   // visited with `unstable`
  uint64_t excluded = 0;   // subtrees left out by WalkOptions::exclude
  uint64_t requests = 0;   // requests sent
  int64_t max_zxid = 0;    // largest czxid, mzxid or pzxid seen
  size_t peak_buffered_bytes = 0;
};

// Visits znodes; a non-OK status stops the walk and is returned as is.
using WalkVisitor = std::function<Status(WalkedNode& node)>;

// Walks options.root. Returns the statistics, or:
//   NotFound: the root does not exist;
//   PermissionDenied: a znode may not be read (its ACL lacks READ for this session), with
//     its path; a backup needs a principal that may read every znode;
//   Unavailable / Aborted: the connection was lost for good / the session expired;
//   DeadlineExceeded / Unauthenticated: the walk's own connection could not be opened in
//     time / its credentials were refused (WalkClient::kWire);
//   DataLoss: a reply that does not decode (kWire);
//   Cancelled: options.cancel was cancelled;
//   the visitor's error.
// Every request has completed when it returns, whatever the outcome.
Result<WalkStats> WalkTree(Session& session, const WalkOptions& options, const WalkVisitor& visit);

// The same with the reads spread over several sessions (each znode's reads on one of
// them), so that the server answers them on several threads. The sessions should be
// connected to the same server, or the znodes may come from servers at different zxids.
// InvalidArgument for an empty list.
Result<WalkStats> WalkTree(const std::vector<Session*>& sessions, const WalkOptions& options,
                           const WalkVisitor& visit);

// True if tree (pre-)order puts path `a` before path `b`: components compared in byte
// order, a parent before its children. Exposed for tests.
bool TreeOrderLess(std::string_view a, std::string_view b);

}  // namespace strata::zk
