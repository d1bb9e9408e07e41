#include "backup/zks_object_sink.h"

#include <fmt/format.h>

#include "core/retry.h"

namespace strata::backup {

using format::NodeType;

Result<std::unique_ptr<ZksObjectSink>> ZksObjectSink::Open(const Repository& repo, const std::string& key,
                                                           int zstd_level) {
  std::unique_ptr<ZksObjectSink> sink(new ZksObjectSink(repo, key));
  STRATA_ASSIGN_OR_RETURN(sink->object_, repo.store().NewWriter(storage::ObjectKey(key),
                                                                storage::WriteOptions{.if_absent = true}));
  format::ZksWriterOptions o;
  o.compression_level = zstd_level;
  ZksObjectSink* self = sink.get();
  STRATA_ASSIGN_OR_RETURN(sink->zks_, format::ZksWriter::Create([self](ByteView chunk) { return self->Write(chunk); }, o));
  return sink;
}

ZksObjectSink::~ZksObjectSink() {
  if (!committed_ && object_ != nullptr) object_->Abort();
}

Status ZksObjectSink::Write(ByteView chunk) {
  sha_.Update(chunk);
  object_bytes_ += chunk.size();
  // A transient Append error took nothing, so the same Append may be repeated.
  return Retry(RetryPolicy{}, RetryContext{}, [&] { return object_->Append(chunk); })
      .WithContext(fmt::format("write {}", repo_.store().Describe(storage::ObjectKey(key_))));
}

bool ZksObjectSink::HasRedactedAcl(const format::ZNode& node) {
  for (const auto& a : node.acl) {
    if (a.scheme == "digest" && a.id.size() >= 2 && a.id.compare(a.id.size() - 2, 2, ":x") == 0) return true;
  }
  return false;
}

Status ZksObjectSink::Add(const format::ZNode& node) {
  STRATA_RETURN_IF_ERROR(zks_->Add(node));
  counts_.znodes++;
  switch (node.type) {
    case NodeType::kPersistent: counts_.persistent++; break;
    case NodeType::kPersistentOrExtended: counts_.persistent_or_extended++; break;
    case NodeType::kEphemeral: counts_.ephemeral++; break;
    case NodeType::kContainer: counts_.container++; break;
    case NodeType::kTtl: counts_.ttl++; break;
  }
  if (format::HasSequentialSuffix(node.path)) counts_.sequential++;
  if (HasRedactedAcl(node)) counts_.acl_redacted++;
  uint64_t size = node.data ? node.data->size() : 0;
  data_bytes_ += size;
  if (size > largest_ || largest_path_.empty()) {
    largest_ = size;
    largest_path_ = node.path;
  }
  if (node.stat.num_children > 0 && static_cast<uint64_t>(node.stat.num_children) > max_children_) {
    max_children_ = static_cast<uint64_t>(node.stat.num_children);
    max_children_path_ = node.path;
  }
  return OkStatus();
}

Status ZksObjectSink::Commit(format::ZkManifest* m) {
  STRATA_ASSIGN_OR_RETURN(format::ZksSummary summary, zks_->Finish());
  STRATA_ASSIGN_OR_RETURN(storage::ObjectInfo info, object_->Commit());
  committed_ = true;
  m->key = key_;
  m->bytes = info.size != 0 ? info.size : object_bytes_;
  m->entry_bytes = summary.trailer.entry_bytes;
  m->data_bytes = summary.trailer.data_bytes;
  m->crc32c = summary.trailer.crc32c;
  m->sha256 = sha_.FinishHex();
  m->counts = counts_;
  m->largest_znode_bytes = largest_;
  m->largest_znode = largest_path_;
  m->max_children = max_children_;
  m->max_children_znode = max_children_path_;
  return OkStatus();
}

}  // namespace strata::backup
