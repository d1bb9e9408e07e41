#include "storage/object_store.h"

namespace strata::storage {

Result<std::vector<ObjectInfo>> ListAll(ObjectStore& store, std::string_view prefix,
                                        const CallOptions& call) {
  std::vector<ObjectInfo> all;
  std::string after;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(ListPage page, store.List(prefix, after, 1000, call));
    for (auto& o : page.objects) all.push_back(std::move(o));
    if (!page.truncated || all.empty()) break;
    after = all.back().key;
  }
  return all;
}

}  // namespace strata::storage
