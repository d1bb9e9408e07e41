// LocalWriter: LocalStore's streaming ObjectWriter. Appends go to a temp file next to the
// final path; Commit fsyncs it and renames it into place (atomically), then fsyncs the
// directory. Abort, or destruction without Commit, removes the temp file.
//
// The writer holds its own descriptor of the target directory, so it stays valid even
// if the LocalStore that created it is destroyed first.
// Not safe for concurrent use (ObjectWriter's rule: one thread writes).
#pragma once

#include <string>

#include "storage/local/file_ops.h"
#include "storage/local/unique_fd.h"
#include "storage/object_store.h"

namespace strata::storage::local {

class LocalWriter final : public ObjectWriter {
 public:
  // `dir_fd`: the directory of the key; `temp`: an empty temp file in it; `name`: the
  // key's base name; `url`: the key's file:// URL; `call`: deadline and cancellation
  // checked before every Append and before Commit.
  LocalWriter(UniqueFd dir_fd, TempFile temp, std::string key, std::string name,
              std::string url, bool if_absent, CallOptions call);
  ~LocalWriter() override;

  // Errors: Cancelled / DeadlineExceeded from `call` (nothing written; the writer stays
  // usable); a failed write (e.g. ResourceExhausted when the disk is full), after which
  // the writer is broken; FailedPrecondition after Commit or Abort.
  Status Append(ByteView data) override;
  // Errors: AlreadyExists (if_absent and the key exists: nothing is replaced); the error
  // of an earlier failed Append; sync/rename errors; FailedPrecondition after Commit or
  // Abort.
  Result<ObjectInfo> Commit() override;
  void Abort() override;

 private:
  enum class State { kOpen, kBroken, kFinished };

  Result<ObjectInfo> Finish();
  void RemoveTemp();

  UniqueFd dir_fd_;
  TempFile temp_;
  bool temp_exists_ = true;
  const std::string key_;
  const std::string name_;
  const std::string url_;
  const bool if_absent_;
  const CallOptions call_;
  State state_ = State::kOpen;
  Status failure_;  // why the writer broke, when state_ == kBroken
};

}  // namespace strata::storage::local
