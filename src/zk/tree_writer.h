// TreeWriter: applies a stream of znode writes (create, set data, set ACL, delete) with
// many asynchronous requests in flight, packing consecutive plain creates, data updates
// and deletes into multi requests bounded by bytes.
//
// Order: ZooKeeper runs a session's requests in the order they were sent, so a write
// submitted after another is applied after it (a child create after its parent's). A
// write that cannot go into a multi (a container or TTL create: Debian's 3.8 C client
// misreads the reply of a container create inside a multi and cannot encode a TTL create
// there; a set-ACL: no multi op exists) first sends the batch in progress.
//
// Failures: a multi is atomic, so when one of its writes fails (e.g. a znode already
// exists) none is applied. Then, and when a single write fails because its parent is
// missing (its parent's batch failed) or the connection dropped, the writer stops
// sending, waits for every request in flight, and sends the failed writes again one by
// one, in their original order. Each write's final outcome is reported once through the
// callback: OK, AlreadyExists (create of an existing znode), or its error.
//
// TTL fallback: a TTL create with WriteOp::ttl_fallback that the server refuses as
// unimplemented (no zookeeper.extendedTypesEnabled) is sent again as a plain persistent
// create, and reported with WriteOp::fell_back set.
//
// Thread-compatible: one thread submits; the callback runs on that thread, inside
// Submit() and Flush(). The session must outlive the writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "zk/session.h"

namespace strata::zk {

enum class WriteKind { kCreate, kSetData, kSetAcl, kDelete };
enum class NodeKind { kPersistent, kContainer, kTtl };

struct WriteOp {
  WriteKind kind = WriteKind::kCreate;
  std::string path;               // absolute
  std::optional<Bytes> data;      // create, set data; nullopt = null data
  std::vector<Acl> acl;           // create, set ACL
  NodeKind node = NodeKind::kPersistent;  // create
  int64_t ttl_ms = 0;             // create of kTtl: > 0
  bool ttl_fallback = false;      // create of kTtl: persistent if the server lacks TTLs
  int32_t version = -1;           // set data, set ACL, delete: -1 = any
  uint64_t tag = 0;               // the caller's, untouched
  bool fell_back = false;         // set by the writer: created persistent instead of TTL
};

// Called once per submitted op with its outcome. `op` is valid only during the call.
using WriteCallback = std::function<void(const WriteOp& op, const Status& status)>;

struct WriterOptions {
  // Encoded size of a multi request at most. The server refuses requests larger than its
  // jute.maxbuffer (1 MiB by default); a single write larger than this is sent alone.
  size_t max_batch_bytes = 512u << 10;
  size_t max_batch_ops = 2000;
  // Requests (multi or single) and their bytes in flight at most. More hides more round
  // trips; each request's bytes stay in memory until it is answered.
  int max_in_flight = 64;
  size_t max_in_flight_bytes = 16u << 20;
  // false: every write is its own request (no multi).
  bool batch = true;
};

struct WriterStats {
  uint64_t ops = 0;       // submitted
  uint64_t requests = 0;  // sent (multi and single), replays included
  uint64_t multis = 0;
  uint64_t replayed = 0;  // writes sent again one by one after a failure
};

class TreeWriter {
 public:
  // `done` receives every op's outcome (see the header comment).
  TreeWriter(Session& session, WriterOptions options, WriteCallback done);
  // Waits for the requests in flight (their outcomes are still reported).
  ~TreeWriter();
  TreeWriter(const TreeWriter&) = delete;
  TreeWriter& operator=(const TreeWriter&) = delete;

  // Queues `op`, sending batches as they fill; blocks while the window is full. Returns
  // OK, or the error that stopped the writer: Aborted (session expired), Unavailable
  // (connection lost for good), Cancelled (session closing). After an error nothing more
  // is sent and every later call returns it; outcomes already received are still
  // reported.
  Status Submit(WriteOp op);
  // Sends everything queued and waits until every outcome has been reported. Errors as
  // Submit.
  Status Flush();

  const WriterStats& stats() const { return stats_; }

  struct Request;  // one request in flight (tree_writer.cc)
  struct Shared;   // state shared with the completion thread (tree_writer.cc)

 private:
  void SendBatch();
  void SendSingle(WriteOp op, uint64_t seq, bool replay);
  void Send(std::unique_ptr<Request> request);
  // Reports finished requests; waits for one if `block`. Then runs pending replays.
  void Pump(bool block);
  void WaitForRoom(size_t bytes);
  void Finish(std::unique_ptr<Request> request);
  void Replay();

  Session& session_;
  WriterOptions options_;
  WriteCallback done_;
  std::unique_ptr<Shared> shared_;
  std::vector<WriteOp> batch_;
  std::vector<uint64_t> batch_seqs_;  // submission order of batch_
  size_t batch_bytes_ = 0;
  bool replaying_ = false;
  uint64_t next_seq_ = 0;
  std::vector<std::pair<uint64_t, WriteOp>> replays_;
  Status error_;
  WriterStats stats_;
};

}  // namespace strata::zk
