// Internal to the zk module: the only header that includes the ZooKeeper C client.
#pragma once

#include <zookeeper/zookeeper.h>

#include <string_view>

#include "core/status.h"
#include "zk/session.h"

namespace strata::zk::internal {

// The one place ZooKeeper return codes are read. `what` says what we were doing.
Status FromZk(int rc, std::string_view what);

// The C client's Stat (global namespace) as ours.
zk::Stat ToStat(const ::Stat& s);

}  // namespace strata::zk::internal
