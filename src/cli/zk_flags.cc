#include "cli/zk_flags.h"

#include <fmt/format.h>

namespace strata::cli {

void ZkFlags::Register(CLI::App* cmd, bool required) {
  auto* zk = cmd->add_option("--zookeeper,-z", connect, "ZooKeeper connect string: HOST:PORT[,HOST:PORT...][/chroot]")
                 ->envname("STRATA_ZOOKEEPER");
  if (required) zk->required();
  cmd->add_option("--auth", auth,
                  "digest:USER:PASSWORD credentials for the session (prefer the environment variable: "
                  "command lines are visible to other users)")
      ->envname("STRATA_ZOOKEEPER_AUTH");
}

Result<std::vector<std::pair<std::string, std::string>>> ZkFlags::Auth() const {
  std::vector<std::pair<std::string, std::string>> out;
  if (auth.empty()) return out;
  auto colon = auth.find(':');
  std::string scheme = auth.substr(0, colon);
  if (scheme != "digest") {
    return InvalidArgumentError(fmt::format(
        "--auth: scheme \"{}\" is not available: Debian's ZooKeeper C client has no SASL or TLS (x509), so strata "
        "offers digest only (--auth digest:USER:PASSWORD)",
        scheme));
  }
  std::string credential = colon == std::string::npos ? "" : auth.substr(colon + 1);
  if (credential.find(':') == std::string::npos || credential.front() == ':') {
    return InvalidArgumentError("--auth: expected digest:USER:PASSWORD");
  }
  out.emplace_back(scheme, credential);
  return out;
}

}  // namespace strata::cli
