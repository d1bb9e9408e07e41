// Internal to the ZooKeeper restore job: ZkApplier decides, znode by znode in the
// snapshot's pre-order, what to do on the target (create, leave, update, skip), issues
// the writes through a TreeWriter (or only reports them in a dry run), and afterwards
// raises sequence counters and sets the deferred ACLs (children before parents).
//
// Existence on the target is known without a read per znode: below a znode this run
// created nothing can exist yet; below one that already existed, its child list is read
// once. Thread-compatible: one thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "format/znode.h"
#include "restore/zk_restore.h"
#include "zk/session.h"
#include "zk/tree_writer.h"

namespace strata::restore::internal {

struct ApplyContext {
  const ZkRestoreOptions* options = nullptr;
  zk::Session* session = nullptr;
  const ZkPlanCallback* plan = nullptr;
  ZkRestoreResult* result = nullptr;
  std::string source_root;  // snapshot path restored ("/" = all)
  std::string target_root;  // absolute target path it maps to
  bool root_exists = false;
  int64_t max_state_epoch = -1;  // highest controller_epoch in partition states (Kafka)
};

class ZkApplier {
 public:
  explicit ZkApplier(ApplyContext ctx);
  ~ZkApplier();

  // Handles the next znode of the restored subtree (pre-order). `has_children`: the
  // next entry of the stream is its child. Errors that stop the restore: the target's
  // read errors, and the writer's fatal ones (session expired, ...).
  Status Add(const format::ZNode& node, bool has_children);
  // Ends the subtree: waits for all writes, raises sequence counters, sets ACLs.
  Status Finish();

 private:
  struct Frame {
    std::string source;
    std::string target;
    enum State { kSkipped, kCreated, kExisted } state = kSkipped;
    std::optional<std::unordered_set<std::string>> existing_kids;
    int32_t saved_cversion = 0;
    bool seq_child = false;
    std::optional<std::vector<zk::Acl>> final_acl;  // to set after the subtree
  };
  struct Raise {
    std::string target;
    int32_t cversion = 0;
  };
  struct Seqid {
    std::string target;
    int32_t version = 0;
    std::optional<Bytes> data;
  };

  std::string Target(const std::string& source) const;
  std::string Relative(const std::string& source) const;
  void Plan(ZkPlanAction action, const std::string& path, std::string detail = {});
  void Pop();
  Result<bool> Exists(Frame* parent, const std::string& target);
  std::vector<zk::Acl> CreateAcl(const std::vector<zk::Acl>& final_acl, bool need_write) const;
  Status Submit(zk::WriteOp op, uint64_t tag);
  void OnResult(const zk::WriteOp& op, const Status& s);
  // The Kafka counters; `handled` false lets the ordinary path run.
  Status KafkaAdjust(const format::ZNode& node, bool exists, Frame* frame, bool* handled);
  Status CreateNode(const format::ZNode& node, std::optional<Bytes> data, bool has_children, bool need_write,
                    Frame* frame);
  Status Existing(const format::ZNode& node, Frame* frame);
  Status RaiseCounters();

  ApplyContext ctx_;
  std::unique_ptr<zk::TreeWriter> writer_;  // null in a dry run
  std::vector<Frame> stack_;
  std::vector<Raise> raises_;
  std::vector<std::pair<std::string, std::vector<zk::Acl>>> acls_;  // post-order
  std::optional<Seqid> seqid_;
  zk::Acl grant_;  // the temporary create/delete/admin entry
};

}  // namespace strata::restore::internal
