#include "restore/zk_restore_apply.h"

#include <fmt/format.h>

#include "restore/zk_kafka_profile.h"

namespace strata::restore::internal {

namespace {

constexpr int32_t kPermWrite = 2, kPermCreate = 4, kPermDelete = 8, kPermAdmin = 16;

enum Tag : uint64_t { kTagCreate = 1, kTagSetData, kTagSetAcl, kTagRaise, kTagAdjust };

bool IsUnder(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  return path.size() >= prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

std::string_view BaseName(std::string_view path) { return path.substr(path.rfind('/') + 1); }

std::vector<zk::Acl> ToZk(const std::vector<format::ZnodeAcl>& acl) {
  std::vector<zk::Acl> out;
  out.reserve(acl.size());
  for (const auto& a : acl) out.push_back(zk::Acl{a.perms, a.scheme, a.id});
  return out;
}

std::string Describe(const std::optional<Bytes>& a, const std::optional<Bytes>& b, bool acl_differs) {
  std::string d;
  if (a != b) d = "data";
  if (acl_differs) d += d.empty() ? "acl" : ", acl";
  return d;
}

}  // namespace

ZkApplier::ZkApplier(ApplyContext ctx) : ctx_(std::move(ctx)) {
  grant_ = ctx_.session->has_digest_auth() ? zk::Acl{kPermCreate | kPermDelete | kPermAdmin, "auth", ""}
                                           : zk::Acl{kPermCreate | kPermDelete | kPermAdmin, "world", "anyone"};
  if (!ctx_.options->dry_run) {
    zk::WriterOptions wo;
    wo.max_in_flight = ctx_.options->max_in_flight;
    wo.max_batch_bytes = ctx_.options->max_batch_bytes;
    writer_ = std::make_unique<zk::TreeWriter>(*ctx_.session, wo,
                                               [this](const zk::WriteOp& op, const Status& s) { OnResult(op, s); });
  }
}

ZkApplier::~ZkApplier() = default;

std::string ZkApplier::Relative(const std::string& source) const {
  if (ctx_.source_root == "/") return source;
  if (source.size() == ctx_.source_root.size()) return "/";
  return source.substr(ctx_.source_root.size());
}

std::string ZkApplier::Target(const std::string& source) const {
  std::string rel = Relative(source);
  if (ctx_.target_root == "/") return rel;
  return rel == "/" ? ctx_.target_root : ctx_.target_root + rel;
}

void ZkApplier::Plan(ZkPlanAction action, const std::string& path, std::string detail) {
  if (*ctx_.plan) (*ctx_.plan)(ZkPlanLine{action, path, std::move(detail)});
}

std::vector<zk::Acl> ZkApplier::CreateAcl(const std::vector<zk::Acl>& final_acl, bool need_write) const {
  int32_t needed = kPermCreate | kPermDelete | kPermAdmin | (need_write ? kPermWrite : 0);
  for (const auto& a : final_acl) {
    if (a.scheme == "world" && a.id == "anyone" && (a.perms & needed) == needed) return final_acl;
  }
  std::vector<zk::Acl> acl = final_acl;
  zk::Acl grant = grant_;
  grant.perms |= need_write ? kPermWrite : 0;
  acl.push_back(grant);
  return acl;
}

Status ZkApplier::Submit(zk::WriteOp op, uint64_t tag) {
  op.tag = tag;
  ctx_.result->writes++;
  return writer_->Submit(std::move(op));
}

void ZkApplier::OnResult(const zk::WriteOp& op, const Status& s) {
  ZkRestoreResult& r = *ctx_.result;
  if (op.fell_back) {
    r.ttl_as_persistent++;
    if (r.ttl_as_persistent == 1) {
      r.warnings.push_back(fmt::format(
          "the target refuses TTL znodes (start it with -Dzookeeper.extendedTypesEnabled=true); TTL znodes were "
          "restored as persistent, first {}",
          op.path));
    }
  }
  if (s.ok()) {
    if (op.tag == kTagSetAcl) r.acls_set++;
    return;
  }
  if (op.tag == kTagCreate && s.code() == StatusCode::kAlreadyExists) {
    // Appeared on the target after we looked (a concurrent writer): left alone.
    r.created--;
    r.existed++;
    Plan(ZkPlanAction::kSkipExists, op.path, "appeared during the restore");
    return;
  }
  if (op.tag == kTagCreate) r.created--;
  r.failed++;
  Plan(ZkPlanAction::kFailed, op.path, s.ToString());
}

Result<bool> ZkApplier::Exists(Frame* parent, const std::string& target) {
  if (parent == nullptr) return ctx_.root_exists;
  if (parent->state == Frame::kCreated) return false;
  if (!parent->existing_kids) {
    auto kids = ctx_.session->Children(parent->target);
    if (!kids.ok()) {
      if (kids.status().code() != StatusCode::kNotFound) return kids.status();
      parent->existing_kids.emplace();
    } else {
      parent->existing_kids.emplace(kids->begin(), kids->end());
    }
  }
  return parent->existing_kids->count(std::string(BaseName(target))) != 0;
}

void ZkApplier::Pop() {
  Frame& f = stack_.back();
  if (f.state != Frame::kSkipped) {
    if (f.seq_child && f.saved_cversion > 0) raises_.push_back(Raise{f.target, f.saved_cversion});
    if (f.final_acl) acls_.emplace_back(f.target, std::move(*f.final_acl));
  }
  stack_.pop_back();
}

Status ZkApplier::CreateNode(const format::ZNode& node, std::optional<Bytes> data, bool has_children,
                             bool need_write, Frame* frame) {
  ZkRestoreResult& r = *ctx_.result;
  std::vector<zk::Acl> final_acl = ToZk(node.acl);
  zk::WriteOp op;
  op.path = frame->target;
  op.data = std::move(data);
  op.acl = has_children || need_write ? CreateAcl(final_acl, need_write) : final_acl;
  if (op.acl != final_acl) frame->final_acl = std::move(final_acl);
  std::string detail;
  if (node.type == format::NodeType::kContainer) {
    op.node = zk::NodeKind::kContainer;
    r.containers++;
    detail = "container";
  } else if (node.type == format::NodeType::kTtl) {
    op.node = zk::NodeKind::kTtl;
    op.ttl_ms = node.ttl_ms;
    op.ttl_fallback = true;
    r.ttl++;
    detail = fmt::format("TTL {} ms", node.ttl_ms);
  }
  frame->state = Frame::kCreated;
  r.created++;
  if (ctx_.options->dry_run) {
    Plan(ZkPlanAction::kCreate, frame->target, detail);
    return OkStatus();
  }
  return Submit(std::move(op), kTagCreate);
}

Status ZkApplier::Existing(const format::ZNode& node, Frame* frame) {
  ZkRestoreResult& r = *ctx_.result;
  frame->state = Frame::kExisted;
  if (!ctx_.options->overwrite && !ctx_.options->dry_run) {
    r.existed++;
    return OkStatus();
  }
  auto current = ctx_.session->Get(frame->target);
  if (!current.ok()) return current.status();
  auto acl = ctx_.session->GetAcl(frame->target);
  if (!acl.ok()) return acl.status();
  std::vector<zk::Acl> final_acl = ToZk(node.acl);
  bool data_differs = current->data != node.data;
  bool acl_differs = *acl != final_acl;
  if (!data_differs && !acl_differs) {
    r.existed++;
    Plan(ZkPlanAction::kSkipExists, frame->target);
    return OkStatus();
  }
  std::string what = Describe(current->data, node.data, acl_differs);
  if (!ctx_.options->overwrite) {
    r.existed++;
    r.differs++;
    Plan(ZkPlanAction::kDiffers, frame->target, what);
    return OkStatus();
  }
  r.updated++;
  Plan(ZkPlanAction::kUpdate, frame->target, what);
  if (acl_differs) frame->final_acl = std::move(final_acl);
  if (data_differs && !ctx_.options->dry_run) {
    zk::WriteOp op;
    op.kind = zk::WriteKind::kSetData;
    op.path = frame->target;
    op.data = node.data;
    return Submit(std::move(op), kTagSetData);
  }
  return OkStatus();
}

Status ZkApplier::KafkaAdjust(const format::ZNode& node, bool exists, Frame* frame, bool* handled) {
  KafkaRule rule = ClassifyKafkaPath(Relative(node.path)).rule;
  *handled = false;
  if (rule == KafkaRule::kRestore) return OkStatus();
  // No block allocated yet when the backup was taken: nothing to carry over.
  if (rule == KafkaRule::kProducerIdBlock && (!node.data || node.data->empty())) return OkStatus();
  if (rule == KafkaRule::kBrokerSeqid) {
    seqid_ = Seqid{frame->target, node.stat.version, node.data};
    return OkStatus();  // created or left as usual; its version is raised at the end
  }
  std::optional<Bytes> current;
  if (exists) {
    auto got = ctx_.session->Get(frame->target);
    if (!got.ok()) return got.status();
    current = got->data;
  }
  std::optional<Bytes> want;  // the data the znode should get; nullopt: leave it
  std::string detail;
  if (rule == KafkaRule::kControllerEpoch) {
    int64_t epoch = std::max(node.data ? ParseControllerEpoch(*node.data).value_or(0) : 0, ctx_.max_state_epoch);
    int64_t have = current ? ParseControllerEpoch(*current).value_or(-1) : -1;
    if (!exists || have < epoch) {
      want = std::to_string(epoch);
      detail = fmt::format("controller epoch {}", epoch);
    } else {
      detail = fmt::format("target's controller epoch {} kept", have);
    }
  } else if (rule == KafkaRule::kProducerIdBlock) {
    auto bumped = BumpProducerIdBlock(node.data.value_or(""), current, ctx_.options->kafka_producer_id_margin);
    if (!bumped.ok()) return bumped.status();
    want = *bumped;
    detail = want ? fmt::format("block_end moved ahead by {}", ctx_.options->kafka_producer_id_margin)
                  : "target's later block kept";
  } else if (rule == KafkaRule::kClusterId) {
    std::string backup_id = ClusterIdOf(node.data.value_or(""));
    std::string target_id = current ? ClusterIdOf(*current) : "";
    if (!exists) {
      want = node.data;
      detail = "cluster id " + backup_id;
    } else if (target_id == backup_id) {
      detail = "same cluster id";
    } else if (ctx_.options->kafka_cluster_id == KafkaClusterIdMode::kBackup) {
      want = node.data;
      detail = fmt::format("cluster id {} replaces {}", backup_id, target_id);
      ctx_.result->warnings.push_back(fmt::format(
          "/cluster/id was {} on the target and is now the backup's {}: restart every broker that started "
          "against the target (its meta.properties must hold the backup's id)",
          target_id, backup_id));
    } else {
      detail = fmt::format("target's cluster id {} kept (--kafka-cluster-id keep)", target_id);
    }
  }
  *handled = true;
  if (!exists) return CreateNode(node, want ? want : node.data, false, false, frame);
  frame->state = Frame::kExisted;
  if (!want) {
    ctx_.result->existed++;
    Plan(ZkPlanAction::kSkipExists, frame->target, detail);
    return OkStatus();
  }
  ctx_.result->updated++;
  Plan(ZkPlanAction::kUpdate, frame->target, detail);
  if (ctx_.options->dry_run) return OkStatus();
  zk::WriteOp op;
  op.kind = zk::WriteKind::kSetData;
  op.path = frame->target;
  op.data = std::move(want);
  return Submit(std::move(op), kTagAdjust);
}

Status ZkApplier::Add(const format::ZNode& node, bool has_children) {
  while (!stack_.empty() && !(IsUnder(node.path, stack_.back().source) && node.path != stack_.back().source)) Pop();
  Frame* parent = stack_.empty() ? nullptr : &stack_.back();
  Frame frame;
  frame.source = node.path;
  frame.target = Target(node.path);
  frame.saved_cversion = node.stat.cversion;
  ZkRestoreResult& r = *ctx_.result;
  r.znodes++;
  if (parent != nullptr && parent->state == Frame::kSkipped) {
    stack_.push_back(std::move(frame));  // inside a skipped subtree
    return OkStatus();
  }
  if (node.type == format::NodeType::kEphemeral) {
    r.skipped_ephemeral++;
    Plan(ZkPlanAction::kSkipEphemeral, frame.target, fmt::format("owner 0x{:x}", node.stat.ephemeral_owner));
    stack_.push_back(std::move(frame));
    return OkStatus();
  }
  bool kafka = ctx_.options->profile == ZkProfile::kKafka;
  if (kafka) {
    KafkaDecision d = ClassifyKafkaPath(Relative(node.path));
    if (d.rule == KafkaRule::kSkip) {
      r.skipped_profile++;
      Plan(ZkPlanAction::kSkipProfile, frame.target, std::string(d.reason));
      stack_.push_back(std::move(frame));
      return OkStatus();
    }
  }
  STRATA_ASSIGN_OR_RETURN(bool exists, Exists(parent, frame.target));
  if (parent != nullptr && format::HasSequentialSuffix(node.path)) parent->seq_child = true;
  bool handled = false;
  if (kafka) STRATA_RETURN_IF_ERROR(KafkaAdjust(node, exists, &frame, &handled));
  if (!handled) {
    bool seqid = seqid_ && seqid_->target == frame.target;
    if (exists) {
      STRATA_RETURN_IF_ERROR(Existing(node, &frame));
    } else {
      STRATA_RETURN_IF_ERROR(CreateNode(node, node.data, has_children, seqid, &frame));
    }
  }
  stack_.push_back(std::move(frame));
  return OkStatus();
}

Status ZkApplier::RaiseCounters() {
  ZkRestoreResult& r = *ctx_.result;
  std::string temp = fmt::format("strata-sequence-{:08x}", static_cast<uint32_t>(reinterpret_cast<uintptr_t>(this)));
  for (const auto& raise : raises_) {
    int32_t have = 0;
    if (!ctx_.options->dry_run) {
      auto st = ctx_.session->Exists(raise.target);
      if (!st.ok()) return st.status();
      if (!*st) continue;  // its create failed: reported already
      have = (*st)->cversion;
    }
    if (ctx_.options->dry_run || have < raise.cversion) {
      r.sequence_parents++;
      Plan(ZkPlanAction::kUpdate, raise.target, fmt::format("sequence counter raised to {}", raise.cversion));
    }
    if (ctx_.options->dry_run) continue;
    // Each child create adds one to the parent's cversion (ZooKeeper 3.5-3.9 leave it
    // unchanged on delete), so one create and delete of a scratch child per step.
    for (int32_t c = have; c < raise.cversion; ++c) {
      zk::WriteOp create;
      create.path = raise.target + "/" + temp;
      create.acl = zk::OpenAcl();
      STRATA_RETURN_IF_ERROR(Submit(create, kTagRaise));
      zk::WriteOp del;
      del.kind = zk::WriteKind::kDelete;
      del.path = create.path;
      STRATA_RETURN_IF_ERROR(Submit(std::move(del), kTagRaise));
      r.sequence_writes += 2;
    }
  }
  if (seqid_ && !ctx_.options->dry_run) {
    STRATA_RETURN_IF_ERROR(writer_->Flush());
    auto st = ctx_.session->Exists(seqid_->target);
    if (!st.ok()) return st.status();
    if (*st && (*st)->version < seqid_->version) {
      Plan(ZkPlanAction::kUpdate, seqid_->target, fmt::format("version raised to {}", seqid_->version));
      for (int32_t v = (*st)->version; v < seqid_->version; ++v) {
        zk::WriteOp op;
        op.kind = zk::WriteKind::kSetData;
        op.path = seqid_->target;
        op.data = seqid_->data;
        STRATA_RETURN_IF_ERROR(Submit(std::move(op), kTagAdjust));
      }
    }
  }
  return OkStatus();
}

Status ZkApplier::Finish() {
  while (!stack_.empty()) Pop();
  if (writer_) STRATA_RETURN_IF_ERROR(writer_->Flush());
  STRATA_RETURN_IF_ERROR(RaiseCounters());
  // acls_ is in post-order: every znode's children before it.
  for (auto& [path, acl] : acls_) {
    if (ctx_.options->dry_run) continue;
    zk::WriteOp op;
    op.kind = zk::WriteKind::kSetAcl;
    op.path = path;
    op.acl = std::move(acl);
    STRATA_RETURN_IF_ERROR(Submit(std::move(op), kTagSetAcl));
  }
  if (writer_) {
    STRATA_RETURN_IF_ERROR(writer_->Flush());
    ctx_.result->requests = writer_->stats().requests;
  }
  return OkStatus();
}

}  // namespace strata::restore::internal
