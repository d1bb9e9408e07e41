#include "storage/local/local_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "storage/local/errno_status.h"
#include "storage/store_checks.h"

namespace strata::storage::local {

LocalWriter::LocalWriter(UniqueFd dir_fd, TempFile temp, std::string key, std::string name,
                         std::string url, bool if_absent, CallOptions call)
    : dir_fd_(std::move(dir_fd)),
      temp_(std::move(temp)),
      key_(std::move(key)),
      name_(std::move(name)),
      url_(std::move(url)),
      if_absent_(if_absent),
      call_(std::move(call)) {}

LocalWriter::~LocalWriter() { RemoveTemp(); }

Status LocalWriter::Append(ByteView data) {
  if (state_ == State::kBroken) return failure_;
  if (state_ == State::kFinished) {
    return FailedPreconditionError("write " + url_ + ": writer already committed or aborted");
  }
  STRATA_RETURN_IF_ERROR(CheckCall(call_));
  Status s = WriteAll(temp_.fd.get(), data, url_);
  if (!s.ok()) {
    // Part of `data` may be in the file: this writer can no longer produce the object.
    state_ = State::kBroken;
    failure_ = s;
  }
  return s;
}

Result<ObjectInfo> LocalWriter::Commit() {
  if (state_ == State::kFinished) {
    return FailedPreconditionError("commit " + url_ + ": writer already committed or aborted");
  }
  Result<ObjectInfo> result = state_ == State::kBroken ? Result<ObjectInfo>(failure_) : Finish();
  state_ = State::kFinished;
  RemoveTemp();
  return result;
}

Result<ObjectInfo> LocalWriter::Finish() {
  STRATA_RETURN_IF_ERROR(CheckCall(call_));
  STRATA_RETURN_IF_ERROR(SyncFd(temp_.fd.get(), url_));
  struct stat st;
  if (::fstat(temp_.fd.get(), &st) != 0) return FromErrno(errno, "stat", url_);
  if (const int err = temp_.fd.Close(); err != 0) return FromErrno(err, "close", url_);
  // Publish removes the temp name whatever happens.
  temp_exists_ = false;
  STRATA_RETURN_IF_ERROR(Publish(dir_fd_.get(), temp_.name, name_, if_absent_, url_));
  STRATA_RETURN_IF_ERROR(SyncFd(dir_fd_.get(), url_));
  return InfoFromStat(key_, st);
}

void LocalWriter::Abort() {
  state_ = State::kFinished;
  RemoveTemp();
}

void LocalWriter::RemoveTemp() {
  temp_.fd.Reset();
  if (!temp_exists_) return;
  temp_exists_ = false;
  // Best effort: a leftover temp file is invisible to List and harmless.
  ::unlinkat(dir_fd_.get(), temp_.name.c_str(), 0);
}

}  // namespace strata::storage::local
