#include "zk/jute.h"

#include <fmt/format.h>

#include <cstring>

namespace strata::zk::jute {

namespace {

constexpr size_t kPasswordBytes = 16;
// Bounds for vector counts read from the wire: each item takes at least this many bytes,
// so a count above remaining()/min is corrupt (and must not size an allocation).
constexpr size_t kMinAclBytes = 4 + 4 + 4;
constexpr size_t kMinStringBytes = 4;

Status Corrupt(std::string_view what) {
  return DataLossError(fmt::format("ZooKeeper reply: malformed {}", what));
}

}  // namespace

void Writer::Int(int32_t v) {
  auto u = static_cast<uint32_t>(v);
  char b[4] = {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8),
               static_cast<char>(u)};
  out_->append(b, sizeof(b));
}

void Writer::Long(int64_t v) {
  auto u = static_cast<uint64_t>(v);
  Int(static_cast<int32_t>(u >> 32));
  Int(static_cast<int32_t>(u & 0xffffffffu));
}

void Writer::Buffer(std::optional<ByteView> v) {
  if (!v) {
    Int(-1);
    return;
  }
  Int(static_cast<int32_t>(v->size()));
  out_->append(v->data(), v->size());
}

void Writer::Begin() {
  frame_start_ = out_->size();
  Int(0);
}

void Writer::End() {
  auto len = static_cast<uint32_t>(out_->size() - frame_start_ - 4);
  char* p = out_->data() + frame_start_;
  p[0] = static_cast<char>(len >> 24);
  p[1] = static_cast<char>(len >> 16);
  p[2] = static_cast<char>(len >> 8);
  p[3] = static_cast<char>(len);
}

bool Reader::Take(size_t n) {
  if (failed_ || in_.size() - pos_ < n) {
    failed_ = true;
    return false;
  }
  return true;
}

int32_t Reader::Int() {
  if (!Take(4)) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(in_.data() + pos_);
  pos_ += 4;
  return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]);
}

int64_t Reader::Long() {
  auto hi = static_cast<uint32_t>(Int());
  auto lo = static_cast<uint32_t>(Int());
  return static_cast<int64_t>((uint64_t{hi} << 32) | lo);
}

bool Reader::Bool() {
  if (!Take(1)) return false;
  return in_[pos_++] != 0;
}

std::optional<ByteView> Reader::Buffer() {
  int32_t len = Int();
  if (failed_) return std::nullopt;
  if (len == -1) return std::nullopt;
  if (len < 0 || !Take(static_cast<size_t>(len))) {
    failed_ = true;
    return std::nullopt;
  }
  ByteView v = in_.substr(pos_, static_cast<size_t>(len));
  pos_ += static_cast<size_t>(len);
  return v;
}

Stat Reader::ReadStat() {
  Stat s;
  s.czxid = Long();
  s.mzxid = Long();
  s.ctime = Long();
  s.mtime = Long();
  s.version = Int();
  s.cversion = Int();
  s.aversion = Int();
  s.ephemeral_owner = Long();
  s.data_length = Int();
  s.num_children = Int();
  s.pzxid = Long();
  return s;
}

Bytes ConnectRequest(int64_t last_zxid_seen, int32_t timeout_ms) {
  Bytes out;
  Writer w(&out);
  w.Begin();
  w.Int(0);  // protocolVersion
  w.Long(last_zxid_seen);
  w.Int(timeout_ms);
  w.Long(0);  // sessionId: a new session
  w.Buffer(ByteView(std::string(kPasswordBytes, '\0')));
  w.Bool(false);  // readOnly: refuse a server that lost its quorum
  w.End();
  return out;
}

Bytes AuthRequest(std::string_view scheme, ByteView credential) {
  Bytes out;
  Writer w(&out);
  w.Begin();
  w.Int(kXidAuth);
  w.Int(kOpAuth);
  w.Int(0);  // AuthPacket.type
  w.Buffer(scheme);
  w.Buffer(credential);
  w.End();
  return out;
}

void AppendHeaderOnly(Bytes* out, int32_t xid, int32_t op) {
  Writer w(out);
  w.Begin();
  w.Int(xid);
  w.Int(op);
  w.End();
}

void AppendPathRequest(Bytes* out, int32_t xid, int32_t op, std::string_view path) {
  Writer w(out);
  w.Begin();
  w.Int(xid);
  w.Int(op);
  w.Buffer(path);
  if (op != kOpGetAcl) w.Bool(false);  // watch
  w.End();
}

Result<ConnectResponse> ParseConnectResponse(ByteView packet) {
  Reader r(packet);
  ConnectResponse c;
  c.protocol_version = r.Int();
  c.timeout_ms = r.Int();
  c.session_id = r.Long();
  auto pw = r.Buffer();
  if (pw) c.password = Bytes(*pw);
  if (r.failed()) return Corrupt("ConnectResponse");
  // Servers since 3.4 append readOnly; older ones do not.
  if (r.remaining() > 0) c.read_only = r.Bool();
  return c;
}

Result<ReplyHeader> ParseReplyHeader(ByteView packet, ByteView* body) {
  Reader r(packet);
  ReplyHeader h;
  h.xid = r.Int();
  h.zxid = r.Long();
  h.err = r.Int();
  if (r.failed()) return Corrupt("ReplyHeader");
  *body = packet.substr(packet.size() - r.remaining());
  return h;
}

Result<DataReply> ParseDataReply(ByteView body) {
  Reader r(body);
  DataReply d;
  auto data = r.Buffer();
  if (data) d.data = Bytes(*data);
  d.stat = r.ReadStat();
  if (r.failed()) return Corrupt("GetDataResponse");
  return d;
}

Result<AclReply> ParseAclReply(ByteView body) {
  Reader r(body);
  AclReply a;
  int32_t count = r.Int();
  if (count < 0 || static_cast<size_t>(count) > r.remaining() / kMinAclBytes) return Corrupt("GetACLResponse");
  a.acl.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    Acl acl;
    acl.perms = r.Int();
    auto scheme = r.Buffer();
    auto id = r.Buffer();
    if (scheme) acl.scheme = std::string(*scheme);
    if (id) acl.id = std::string(*id);
    a.acl.push_back(std::move(acl));
  }
  a.stat = r.ReadStat();
  if (r.failed()) return Corrupt("GetACLResponse");
  return a;
}

Result<ChildrenReply> ParseChildrenReply(ByteView body) {
  Reader r(body);
  ChildrenReply c;
  int32_t count = r.Int();
  if (count < 0 || static_cast<size_t>(count) > r.remaining() / kMinStringBytes) {
    return Corrupt("GetChildren2Response");
  }
  c.names.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    auto name = r.Buffer();
    c.names.emplace_back(name ? *name : ByteView());
  }
  c.stat = r.ReadStat();
  if (r.failed()) return Corrupt("GetChildren2Response");
  return c;
}

}  // namespace strata::zk::jute
