// Jute, the byte encoding of ZooKeeper's client protocol, for the requests and replies
// the read-only WireSession (wire_session.h) exchanges: big-endian ints and longs,
// booleans as one byte, strings and buffers as a 4-byte length (-1 for null) and the
// bytes, vectors as a 4-byte count and the items. Every packet on the connection is
// framed by a 4-byte length. Field orders follow zookeeper.jute of the ZooKeeper
// sources (proto.ConnectRequest, proto.GetDataResponse, data.Stat, data.ACL ...).
//
// Pure functions, no IO; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "zk/session.h"

namespace strata::zk::jute {

// Operation codes (ZooDefs.OpCode) and special xids the walk uses.
inline constexpr int32_t kOpGetData = 4;
inline constexpr int32_t kOpGetAcl = 6;
inline constexpr int32_t kOpGetChildren2 = 12;
inline constexpr int32_t kOpPing = 11;
inline constexpr int32_t kOpAuth = 100;
inline constexpr int32_t kOpCloseSession = -11;
inline constexpr int32_t kXidNotification = -1;
inline constexpr int32_t kXidPing = -2;
inline constexpr int32_t kXidAuth = -4;

// Appends big-endian values to a buffer.
class Writer {
 public:
  explicit Writer(Bytes* out) : out_(out) {}
  void Int(int32_t v);
  void Long(int64_t v);
  void Bool(bool v) { out_->push_back(v ? 1 : 0); }
  // A buffer or ustring; nullopt is written as length -1.
  void Buffer(std::optional<ByteView> v);
  // Starts a length-framed packet; End() fills in its length.
  void Begin();
  void End();

 private:
  Bytes* out_;
  size_t frame_start_ = 0;
};

// Reads big-endian values; a read past the end sets failed() and returns zeros.
class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}
  int32_t Int();
  int64_t Long();
  bool Bool();
  // nullopt for length -1; fails on other negative lengths or lengths past the end.
  std::optional<ByteView> Buffer();
  Stat ReadStat();
  bool failed() const { return failed_; }
  size_t remaining() const { return failed_ ? 0 : in_.size() - pos_; }

 private:
  bool Take(size_t n);
  ByteView in_;
  size_t pos_ = 0;
  bool failed_ = false;
};

struct ConnectResponse {
  int32_t protocol_version = 0;
  int32_t timeout_ms = 0;  // negotiated; 0 when the server refused the session
  int64_t session_id = 0;
  Bytes password;
  bool read_only = false;
};

struct ReplyHeader {
  int32_t xid = 0;
  int64_t zxid = 0;
  int32_t err = 0;
};

struct DataReply {
  std::optional<Bytes> data;  // nullopt: null data
  Stat stat;
};

struct AclReply {
  std::vector<Acl> acl;
  Stat stat;
};

struct ChildrenReply {
  std::vector<std::string> names;
  Stat stat;
};

// A framed ConnectRequest for a new session (protocol version 0, no session id, zero
// password, read-only not allowed).
Bytes ConnectRequest(int64_t last_zxid_seen, int32_t timeout_ms);
// A framed AuthPacket (xid -4).
Bytes AuthRequest(std::string_view scheme, ByteView credential);
// Appends a framed request with only a header (ping, closeSession).
void AppendHeaderOnly(Bytes* out, int32_t xid, int32_t op);
// Appends a framed getData / getChildren2 (watch false) or getACL request for `path`.
void AppendPathRequest(Bytes* out, int32_t xid, int32_t op, std::string_view path);

// Decoders of packet bodies (without the frame length). DataLoss when the bytes do not
// hold the record.
Result<ConnectResponse> ParseConnectResponse(ByteView packet);
// Splits a reply packet into its header and the body after it.
Result<ReplyHeader> ParseReplyHeader(ByteView packet, ByteView* body);
Result<DataReply> ParseDataReply(ByteView body);
Result<AclReply> ParseAclReply(ByteView body);
Result<ChildrenReply> ParseChildrenReply(ByteView body);

}  // namespace strata::zk::jute
