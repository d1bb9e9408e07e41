// Connect strings and the server's own view of itself.
//
// ConnectString splits "host:port[,host:port...][/chroot]" into the server list and the
// chroot. QueryServer asks one server for its status with the `srvr` four-letter word
// (plain TCP on the client port): its last processed zxid, version and mode. A client
// cannot read the zxid any other way (the C client keeps the reply headers' zxid to
// itself), and `srvr` is the one four-letter word ZooKeeper allows by default
// (4lw.commands.whitelist).
//
// Pure parsing plus one blocking socket call; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/deadline.h"
#include "core/result.h"

namespace strata::zk {

struct ConnectString {
  std::string hosts;   // "host:port[,host:port...]"
  std::string chroot;  // "" without a chroot, else "/a/b" (no trailing '/')
};

// Splits `connect` at its first '/'. InvalidArgument for an empty server list, a server
// without a port, or a chroot that is not a valid absolute path ("/" alone counts as no
// chroot).
Result<ConnectString> ParseConnectString(std::string_view connect);

struct ServerInfo {
  int64_t zxid = 0;     // the server's last processed zxid when it answered
  std::string version;  // "3.8.0-..." as the server reports it
  std::string mode;     // "standalone", "leader", "follower", "observer"
};

// Sends `srvr` to `host_port` ("host:port", "[v6]:port") and parses the answer.
// Unavailable when the server cannot be reached; DeadlineExceeded when it does not answer
// in time; FailedPrecondition when the server refuses the command (not in
// 4lw.commands.whitelist) or the answer has no zxid.
Result<ServerInfo> QueryServer(const std::string& host_port, Deadline deadline);

// Opens a TCP connection to `host_port` ("host:port", "[v6]:port"), trying each address
// it resolves to, until `deadline`. Returns the connected (blocking, close-on-exec)
// socket, which the caller closes. InvalidArgument for a malformed address; Unavailable
// when it cannot be resolved or reached; DeadlineExceeded when connecting takes too long.
// `what` starts the error messages.
Result<int> DialServer(const std::string& host_port, Deadline deadline, std::string_view what);

// Parses the text of a `srvr` answer (exposed for tests). FailedPrecondition as above.
Result<ServerInfo> ParseSrvr(std::string_view text);

}  // namespace strata::zk
