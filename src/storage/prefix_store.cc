#include "storage/prefix_store.h"

#include <utility>

#include "storage/store_checks.h"

namespace strata::storage {
namespace {

// Makes an ObjectInfo from the wrapped store relative to the prefix again. The wrapped
// store returns only keys under the prefix, so anything else is a bug there.
Status StripPrefix(const std::string& prefix, ObjectInfo& info) {
  if (!info.key.starts_with(prefix)) {
    return InternalError("store returned key \"" + info.key + "\" outside prefix \"" + prefix +
                         "\"");
  }
  info.key.erase(0, prefix.size());
  return OkStatus();
}

class PrefixWriter final : public ObjectWriter {
 public:
  PrefixWriter(std::unique_ptr<ObjectWriter> inner, std::string prefix)
      : inner_(std::move(inner)), prefix_(std::move(prefix)) {}

  Status Append(ByteView data) override { return inner_->Append(data); }
  Result<ObjectInfo> Commit() override {
    STRATA_ASSIGN_OR_RETURN(ObjectInfo info, inner_->Commit());
    STRATA_RETURN_IF_ERROR(StripPrefix(prefix_, info));
    return info;
  }
  void Abort() override { inner_->Abort(); }

 private:
  std::unique_ptr<ObjectWriter> inner_;
  const std::string prefix_;
};

}  // namespace

Result<std::unique_ptr<PrefixStore>> PrefixStore::Create(std::unique_ptr<ObjectStore> inner,
                                                         std::string_view prefix) {
  if (prefix.ends_with('/')) prefix.remove_suffix(1);
  Status valid = ValidateKey(prefix);
  if (!valid.ok()) {
    return InvalidArgumentError("invalid repository prefix \"" + std::string(prefix) +
                                "\": " + valid.message());
  }
  return std::unique_ptr<PrefixStore>(new PrefixStore(std::move(inner), std::string(prefix) + "/"));
}

PrefixStore::PrefixStore(std::unique_ptr<ObjectStore> inner, std::string prefix)
    : inner_(std::move(inner)), prefix_(std::move(prefix)) {}

Status PrefixStore::Put(const ObjectKey& key, ByteView data, const WriteOptions& options,
                        const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  return inner_->Put(Inner(key), data, options, call);
}

Result<Bytes> PrefixStore::Get(const ObjectKey& key, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  return inner_->Get(Inner(key), call);
}

Result<Bytes> PrefixStore::GetRange(const ObjectKey& key, ByteRange range,
                                    const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  return inner_->GetRange(Inner(key), range, call);
}

Result<ObjectInfo> PrefixStore::Head(const ObjectKey& key, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  STRATA_ASSIGN_OR_RETURN(ObjectInfo info, inner_->Head(Inner(key), call));
  STRATA_RETURN_IF_ERROR(StripPrefix(prefix_, info));
  return info;
}

Result<ListPage> PrefixStore::List(std::string_view prefix, std::string_view start_after,
                                   int max_keys, const CallOptions& call) {
  // Every key under prefix_ sorts after prefix_ itself, so an empty start_after can
  // become prefix_ + "" without skipping anything.
  STRATA_ASSIGN_OR_RETURN(ListPage page,
                          inner_->List(prefix_ + std::string(prefix),
                                       prefix_ + std::string(start_after), max_keys, call));
  for (ObjectInfo& info : page.objects) STRATA_RETURN_IF_ERROR(StripPrefix(prefix_, info));
  return page;
}

Status PrefixStore::Delete(const ObjectKey& key, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  return inner_->Delete(Inner(key), call);
}

Result<std::unique_ptr<ObjectWriter>> PrefixStore::NewWriter(const ObjectKey& key,
                                                             const WriteOptions& options,
                                                             const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(ValidateKey(key.str()));
  STRATA_ASSIGN_OR_RETURN(auto writer, inner_->NewWriter(Inner(key), options, call));
  return std::unique_ptr<ObjectWriter>(std::make_unique<PrefixWriter>(std::move(writer), prefix_));
}

std::string PrefixStore::Describe(const ObjectKey& key) const {
  return inner_->Describe(Inner(key));
}

}  // namespace strata::storage
