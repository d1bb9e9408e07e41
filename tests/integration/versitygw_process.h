// VersitygwProcess: a versitygw server of a test's own, on a free loopback port with its
// data in a temporary directory, so a test can stop (SIGSTOP), kill and restart it
// without disturbing the shared stack that other tests use at the same time. The binary
// is $STRATA_VERSITYGW, else <repo>/.cache/bin/versitygw (scripts/setup.sh installs it).
// Credentials and region are those of the stack (strata-test / us-east-1).
//
// Not thread-safe: one test drives it. The destructor kills the server and removes its
// directory.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "core/result.h"

namespace strata::testing {

class VersitygwProcess {
 public:
  // Starts the server and waits until it answers; creates `bucket`. Errors: NotFound if
  // the binary is missing; Unavailable if it does not come up within 20 s.
  static Result<std::unique_ptr<VersitygwProcess>> Start(const std::string& bucket);
  ~VersitygwProcess();

  // "http://127.0.0.1:PORT".
  std::string endpoint() const;
  pid_t pid() const { return pid_; }

  void Pause();   // SIGSTOP: the server hangs, its sockets stay open
  void Resume();  // SIGCONT
  void Kill();    // SIGKILL, and reaps it
  // Starts it again on the same port and data; waits until it answers.
  Status Restart();

 private:
  VersitygwProcess(std::string binary, std::string dir, int port);
  Status Launch();
  Status WaitReady();

  const std::string binary_;
  const std::string dir_;
  const int port_;
  pid_t pid_ = -1;
};

}  // namespace strata::testing
