// UniqueFd: owns a POSIX file descriptor and closes it when destroyed. Move-only.
// Thread-compatible.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace strata::storage::local {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  bool valid() const { return fd_ >= 0; }
  int get() const { return fd_; }

  // Closes the descriptor now. Returns 0, or the errno of close(2): on some file systems
  // (NFS) that is where a failed write is reported, so writers must look at it.
  int Close() {
    if (fd_ < 0) return 0;
    // close() releases the descriptor even when it fails (Linux), so never retry it.
    const int rc = ::close(std::exchange(fd_, -1));
    return rc == 0 ? 0 : errno;
  }

  // Closes the descriptor, ignoring errors (for paths that already failed or only read).
  void Reset() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }

 private:
  int fd_ = -1;
};

}  // namespace strata::storage::local
