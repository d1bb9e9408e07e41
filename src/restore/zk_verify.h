// ZkVerify: the ZooKeeper part of `strata verify`. Reads every ZooKeeper snapshot of a
// repository through without restoring it and checks it against its manifest: the .zks
// stream decodes to its end (zstd checksum, entry order, trailer CRC-32C), and its size,
// SHA-256, trailer and entry count equal what the manifest recorded. Snapshots imported
// from other tools (docs/import-burry.md) are checked the same way.
// One job per call; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backup/repository.h"
#include "core/deadline.h"
#include "core/result.h"

namespace strata::restore {

struct ZkVerifyResult {
  int snapshots = 0;    // manifests checked
  uint64_t znodes = 0;  // entries read
  uint64_t bytes = 0;   // .zks bytes read
  // One line per damaged snapshot: "<object>: what is wrong". Empty when all is well.
  std::vector<std::string> problems;
};

// Checks every snapshot of every ensemble. Damage goes to `problems`; errors that stop
// the whole check are returned: Unavailable, DeadlineExceeded, PermissionDenied,
// Unauthenticated (the store), Cancelled.
Result<ZkVerifyResult> VerifyZkSnapshots(const backup::Repository& repo, const CancelToken& cancel = {});

}  // namespace strata::restore
