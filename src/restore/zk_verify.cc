#include "restore/zk_verify.h"

#include <fmt/format.h>

#include "backup/zk_repository.h"
#include "format/sha256.h"
#include "format/zks_reader.h"
#include "restore/zks_store_source.h"

namespace strata::restore {
namespace {

// Reads one snapshot through; OK, a problem (DataLoss and the like) or a stopping error.
Status CheckSnapshot(const backup::Repository& repo, const format::ZkManifest& m, const CancelToken& cancel,
                     ZkVerifyResult* result) {
  std::string where = repo.store().Describe(storage::ObjectKey(m.key));
  STRATA_ASSIGN_OR_RETURN(storage::ObjectInfo info, repo.store().Head(storage::ObjectKey(m.key)));
  if (info.size != m.bytes) {
    return DataLossError(fmt::format("{}: {} bytes, the manifest says {}", where, info.size, m.bytes));
  }
  StoreSource src(repo, m.key, info.size);
  format::Sha256 sha;
  format::ByteSource inner = src.Source();
  STRATA_ASSIGN_OR_RETURN(auto reader, format::ZksReader::Create([&]() -> Result<ByteView> {
    STRATA_ASSIGN_OR_RETURN(ByteView chunk, inner());
    sha.Update(chunk);
    result->bytes += chunk.size();
    return chunk;
  }));
  format::ZNode node;
  uint64_t entries = 0;
  while (true) {
    if (cancel.cancelled()) return CancelledError("verify cancelled");
    auto more = reader->Next(&node);
    if (!more.ok()) return Status(more.status().code(), fmt::format("{}: {}", where, more.status().message()));
    if (!*more) break;
    entries++;
  }
  result->znodes += entries;
  const format::ZksSummary& s = reader->summary();
  if (s.trailer.crc32c != m.crc32c || s.trailer.entry_bytes != m.entry_bytes || s.trailer.data_bytes != m.data_bytes) {
    return DataLossError(fmt::format("{}: its trailer does not match the manifest (CRC-32C or sizes differ)", where));
  }
  if (entries != m.counts.znodes) {
    return DataLossError(fmt::format("{}: {} znodes, the manifest says {}", where, entries, m.counts.znodes));
  }
  std::string digest = sha.FinishHex();
  if (digest != m.sha256) return DataLossError(fmt::format("{}: SHA-256 {} differs from the manifest's", where, digest));
  return OkStatus();
}

}  // namespace

Result<ZkVerifyResult> VerifyZkSnapshots(const backup::Repository& repo, const CancelToken& cancel) {
  ZkVerifyResult result;
  STRATA_ASSIGN_OR_RETURN(auto ensembles, backup::ListZkEnsembles(repo));
  for (const auto& ensemble : ensembles) {
    STRATA_ASSIGN_OR_RETURN(auto ids, backup::ListZkSnapshots(repo, ensemble));
    for (const auto& id : ids) {
      auto m = backup::ReadZkManifest(repo, ensemble, id);
      if (!m.ok()) {
        if (backup::StopsRepositoryCheck(m.status())) return m.status();
        result.problems.push_back(m.status().message());
        continue;
      }
      result.snapshots++;
      Status checked = CheckSnapshot(repo, *m, cancel, &result);
      if (backup::StopsRepositoryCheck(checked)) return checked;
      if (!checked.ok()) result.problems.push_back(checked.message());
    }
  }
  return result;
}

}  // namespace strata::restore
