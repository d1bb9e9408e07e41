// ZooKeeper flags shared by `backup zookeeper` and `restore zookeeper`:
//   --zookeeper HOST:PORT[,HOST:PORT...][/chroot]   (env STRATA_ZOOKEEPER)
//   --auth digest:USER:PASSWORD                     (env STRATA_ZOOKEEPER_AUTH)
// Debian's ZooKeeper C client is built without TLS and SASL, so digest is the only
// scheme offered. Thread-compatible.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace strata::cli {

struct ZkFlags {
  std::string connect;
  std::string auth;

  // Registers --zookeeper (required when `required`) and --auth on `cmd`.
  void Register(CLI::App* cmd, bool required);
  // The session credentials: {} without --auth, {{"digest", "USER:PASSWORD"}} with it.
  // InvalidArgument for another scheme or a malformed value (the message never repeats
  // the password).
  Result<std::vector<std::pair<std::string, std::string>>> Auth() const;
};

}  // namespace strata::cli
