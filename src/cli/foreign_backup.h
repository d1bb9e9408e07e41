// What `restore`, `list` and `verify` say when the location given as a repository holds
// a backup written by another tool that strata can import: a Kafka Connect S3
// (Spredfast) backup, a Burry ZooKeeper archive, or a ZooCreeper JSON file.
// Thread-compatible.
#pragma once

#include "cli/repo_flags.h"
#include "core/status.h"

namespace strata::cli {

// `status` is the error from opening the repository at `repo.url`. If that URL is a
// Burry ZIP or a ZooCreeper JSON file, or a location that is not a strata repository
// (FailedPrecondition) but holds Spredfast data objects or a Burry archive, returns
// `status`'s code with a message that says so and names the import command. Any other error comes back as it
// is, without touching the store again (an unreachable store must not be retried twice).
Status ExplainForeignBackup(const RepoFlags& repo, const Status& status);

}  // namespace strata::cli
