#include "zk/zk_util.h"

#include <fmt/format.h>

namespace strata::zk::internal {

Status FromZk(int rc, std::string_view what) {
  if (rc == ZOK) return OkStatus();
  std::string msg = fmt::format("{}: {} (ZooKeeper error {})", what, zerror(rc), rc);
  switch (rc) {
    case ZNONODE: return NotFoundError(std::move(msg));
    case ZNODEEXISTS: return AlreadyExistsError(std::move(msg));
    case ZNOAUTH: return PermissionDeniedError(std::move(msg));
    case ZAUTHFAILED: return UnauthenticatedError(std::move(msg));
    case ZNOTEMPTY:
    case ZNOCHILDRENFOREPHEMERALS:
      return FailedPreconditionError(std::move(msg));
    case ZUNIMPLEMENTED: return UnimplementedError(std::move(msg));
    case ZBADARGUMENTS:
    case ZINVALIDACL:
    case ZMARSHALLINGERROR:
      return InvalidArgumentError(std::move(msg));
    case ZCONNECTIONLOSS:
    case ZOPERATIONTIMEOUT:
    case ZINVALIDSTATE:
    case ZSYSTEMERROR:
      return UnavailableError(std::move(msg));
    case ZSESSIONEXPIRED:
    case ZSESSIONMOVED:
    case ZBADVERSION:
      return AbortedError(std::move(msg));
    case ZCLOSING: return CancelledError(std::move(msg));
    default: return UnknownError(std::move(msg));
  }
}

zk::Stat ToStat(const ::Stat& s) {
  zk::Stat out;
  out.czxid = s.czxid;
  out.mzxid = s.mzxid;
  out.pzxid = s.pzxid;
  out.ctime = s.ctime;
  out.mtime = s.mtime;
  out.version = s.version;
  out.cversion = s.cversion;
  out.aversion = s.aversion;
  out.ephemeral_owner = s.ephemeralOwner;
  out.data_length = s.dataLength;
  out.num_children = s.numChildren;
  return out;
}

std::vector<zk::Acl> ToAcls(const ::ACL_vector& acls) {
  std::vector<zk::Acl> out;
  out.reserve(static_cast<size_t>(acls.count));
  for (int32_t i = 0; i < acls.count; ++i) {
    const ::ACL& a = acls.data[i];
    out.push_back(zk::Acl{a.perms, a.id.scheme != nullptr ? a.id.scheme : "", a.id.id != nullptr ? a.id.id : ""});
  }
  return out;
}

}  // namespace strata::zk::internal
