// Internal to the zk module: the only header that includes the ZooKeeper C client.
#pragma once

#include <zookeeper/zookeeper.h>

#include <string_view>
#include <vector>

#include "core/status.h"
#include "zk/session.h"

namespace strata::zk::internal {

// The one place ZooKeeper return codes are read. `what` says what we were doing.
Status FromZk(int rc, std::string_view what);

// The C client's Stat (global namespace) as ours.
zk::Stat ToStat(const ::Stat& s);

// The C client's ACL vector as ours (copies the strings).
std::vector<zk::Acl> ToAcls(const ::ACL_vector& acls);

// The C handle of a Session, for the module's asynchronous code (tree_walker.cc,
// tree_writer.cc). The handle belongs to the session and lives as long as it.
struct SessionAccess {
  static zhandle_t* Handle(Session& session);
  // The options it was opened with (credentials included: never log them).
  static const SessionOptions& Options(Session& session);
};

}  // namespace strata::zk::internal
