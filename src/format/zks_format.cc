#include "format/zks_format.h"

#include <cstring>
#include <string>

namespace strata::format {
namespace {

constexpr uint8_t kFlagSequential = 0x01;
constexpr int32_t kNullLength = -1;
// type, type source, flags, ttl, 5 longs, 3 ints, ephemeral owner, 2 ints (the Stat).
constexpr size_t kFixedBodySize = 3 + 8 + 5 * 8 + 3 * 4 + 8 + 2 * 4;
// perms, scheme length, id length.
constexpr size_t kMinAclSize = 4 + 4 + 4;

// Big-endian stores into memory the caller has sized.
class Put {
 public:
  explicit Put(char* p) : p_(p) {}
  void U8(uint8_t v) { *p_++ = static_cast<char>(v); }
  void U32(uint32_t v) {
    for (int i = 3; i >= 0; --i, v >>= 8) p_[i] = static_cast<char>(v);
    p_ += 4;
  }
  void U64(uint64_t v) {
    for (int i = 7; i >= 0; --i, v >>= 8) p_[i] = static_cast<char>(v);
    p_ += 8;
  }
  void I32(int32_t v) { U32(static_cast<uint32_t>(v)); }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void Raw(ByteView b) {
    if (!b.empty()) std::memcpy(p_, b.data(), b.size());
    p_ += b.size();
  }
  void Str(ByteView b) { U32(static_cast<uint32_t>(b.size())), Raw(b); }

 private:
  char* p_;
};

// Bounds-checked big-endian loads; every method returns false at the end of the view.
class Get {
 public:
  explicit Get(ByteView b) : b_(b) {}
  size_t remaining() const { return b_.size() - pos_; }
  bool U8(uint8_t* v) {
    if (remaining() < 1) return false;
    *v = static_cast<uint8_t>(b_[pos_++]);
    return true;
  }
  bool U32(uint32_t* v) {
    if (remaining() < 4) return false;
    const auto* u = reinterpret_cast<const unsigned char*>(b_.data() + pos_);
    *v = (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
    pos_ += 4;
    return true;
  }
  bool U64(uint64_t* v) {
    uint32_t hi = 0, lo = 0;
    if (remaining() < 8) return false;
    U32(&hi), U32(&lo);
    *v = (uint64_t{hi} << 32) | lo;
    return true;
  }
  bool I32(int32_t* v) {
    uint32_t u = 0;
    if (!U32(&u)) return false;
    *v = static_cast<int32_t>(u);
    return true;
  }
  bool I64(int64_t* v) {
    uint64_t u = 0;
    if (!U64(&u)) return false;
    *v = static_cast<int64_t>(u);
    return true;
  }
  bool Raw(size_t n, ByteView* v) {
    if (remaining() < n) return false;
    *v = b_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool Str(ByteView* v) {
    uint32_t n = 0;
    return U32(&n) && Raw(n, v);
  }

 private:
  ByteView b_;
  size_t pos_ = 0;
};

bool TypeVisibleTo(NodeType type, TypeSource source) {
  if (source == TypeSource::kClientWalk) {
    return type == NodeType::kPersistentOrExtended || type == NodeType::kEphemeral;
  }
  return type != NodeType::kPersistentOrExtended;
}

bool KnownType(uint8_t v) { return v <= static_cast<uint8_t>(NodeType::kTtl); }
bool KnownSource(uint8_t v) {
  return v == static_cast<uint8_t>(TypeSource::kClientWalk) ||
         v == static_cast<uint8_t>(TypeSource::kServerSnapshot);
}

}  // namespace

void AppendZksHeader(Bytes* out) {
  size_t at = out->size();
  out->resize(at + kZksHeaderSize);
  Put put(out->data() + at);
  put.Raw(ByteView(kZksMagic, kZksMagicSize));
  put.U32(uint32_t{kZksVersion} << 16);  // version, then flags 0
}

Status CheckZksHeader(ByteView header) {
  if (header.size() < kZksHeaderSize ||
      header.substr(0, kZksMagicSize) != ByteView(kZksMagic, kZksMagicSize)) {
    return FailedPreconditionError("not a strata ZooKeeper snapshot stream (.zks): bad magic");
  }
  Get get(header.substr(kZksMagicSize));
  uint32_t version_flags = 0;
  get.U32(&version_flags);
  uint32_t version = version_flags >> 16, flags = version_flags & 0xFFFF;
  if (version != kZksVersion) {
    return FailedPreconditionError(".zks format version " + std::to_string(version) +
                                   " is not supported (this strata reads version " +
                                   std::to_string(kZksVersion) + "); use a newer strata");
  }
  if (flags != 0) {
    return FailedPreconditionError(".zks header flags " + std::to_string(flags) +
                                   " are unknown to this strata (version 1 defines none)");
  }
  return OkStatus();
}

Status CheckZnodeType(const ZNode& node) {
  auto bad = [&](std::string why) {
    return InvalidArgumentError("znode " + node.path + ": type " +
                                std::string(NodeTypeName(node.type)) + " from " +
                                std::string(TypeSourceName(node.type_source)) + ": " + why);
  };
  if (!KnownSource(static_cast<uint8_t>(node.type_source))) return bad("unknown type source");
  if (!KnownType(static_cast<uint8_t>(node.type))) return bad("unknown type");
  if (!TypeVisibleTo(node.type, node.type_source)) return bad("that source cannot see this type");
  if ((node.type == NodeType::kTtl) != (node.ttl_ms > 0)) {
    return bad("ttl_ms " + std::to_string(node.ttl_ms) +
               " must be > 0 for TTL znodes, 0 otherwise");
  }
  if (node.type_source == TypeSource::kClientWalk) {
    if ((node.type == NodeType::kEphemeral) != (node.stat.ephemeral_owner != 0)) {
      return bad("disagrees with ephemeralOwner " + std::to_string(node.stat.ephemeral_owner));
    }
    return OkStatus();
  }
  auto decoded = DecodeEphemeralOwner(node.stat.ephemeral_owner);
  if (!decoded.ok()) return bad(decoded.status().message());
  if (decoded->type != node.type || decoded->ttl_ms != node.ttl_ms) {
    return bad("disagrees with ephemeralOwner " + std::to_string(node.stat.ephemeral_owner));
  }
  return OkStatus();
}

Status AppendZksEntry(const ZNode& node, Bytes* out) {
  size_t body = kFixedBodySize + 4 + node.path.size() + 4 + (node.data ? node.data->size() : 0) + 4;
  for (const ZnodeAcl& a : node.acl) body += kMinAclSize + a.scheme.size() + a.id.size();
  if (body > kZksMaxEntryBody) {
    return InvalidArgumentError("znode " + node.path + " needs " + std::to_string(body) +
                                " bytes, over the .zks entry limit of " +
                                std::to_string(kZksMaxEntryBody));
  }
  size_t at = out->size();
  out->resize(at + kZksEntryPrefixSize + body);
  Put put(out->data() + at);
  put.U8(kZksRecordEntry);
  put.U32(static_cast<uint32_t>(body));
  put.U8(static_cast<uint8_t>(node.type));
  put.U8(static_cast<uint8_t>(node.type_source));
  put.U8(HasSequentialSuffix(node.path) ? kFlagSequential : 0);
  put.I64(node.ttl_ms);
  const ZnodeStat& s = node.stat;
  put.I64(s.czxid), put.I64(s.mzxid), put.I64(s.ctime), put.I64(s.mtime);
  put.I32(s.version), put.I32(s.cversion), put.I32(s.aversion);
  put.I64(s.ephemeral_owner);
  put.I32(s.data_length), put.I32(s.num_children);
  put.I64(s.pzxid);
  put.Str(node.path);
  if (node.data) {
    put.Str(*node.data);
  } else {
    put.I32(kNullLength);
  }
  put.U32(static_cast<uint32_t>(node.acl.size()));
  for (const ZnodeAcl& a : node.acl) {
    put.I32(a.perms);
    put.Str(a.scheme);
    put.Str(a.id);
  }
  return OkStatus();
}

Status DecodeZksEntryBody(ByteView body, ZNode* node) {
  Get get(body);
  uint8_t type = 0, source = 0, flags = 0;
  if (body.size() < kFixedBodySize) return DataLossError("entry shorter than its fixed fields");
  get.U8(&type), get.U8(&source), get.U8(&flags);
  if (!KnownType(type)) return DataLossError("unknown node type " + std::to_string(type));
  if (!KnownSource(source)) return DataLossError("unknown type source " + std::to_string(source));
  if ((flags & ~kFlagSequential) != 0)
    return DataLossError("unknown entry flags " + std::to_string(flags));
  node->type = static_cast<NodeType>(type);
  node->type_source = static_cast<TypeSource>(source);
  node->sequential = (flags & kFlagSequential) != 0;
  ZnodeStat& s = node->stat;
  get.I64(&node->ttl_ms);
  get.I64(&s.czxid), get.I64(&s.mzxid), get.I64(&s.ctime), get.I64(&s.mtime);
  get.I32(&s.version), get.I32(&s.cversion), get.I32(&s.aversion);
  get.I64(&s.ephemeral_owner);
  get.I32(&s.data_length), get.I32(&s.num_children);
  get.I64(&s.pzxid);

  ByteView path;
  if (!get.Str(&path)) return DataLossError("path runs past the end of the entry");
  node->path.assign(path);
  Status valid = ValidateZnodePath(path);
  if (!valid.ok()) return DataLossError(valid.message());
  if (node->sequential != HasSequentialSuffix(path)) {
    return DataLossError("sequential flag disagrees with the name " + node->path);
  }
  int32_t data_len = 0;
  if (!get.I32(&data_len)) return DataLossError("data length runs past the end of the entry");
  if (data_len == kNullLength) {
    node->data.reset();
  } else {
    ByteView data;
    if (data_len < 0 || !get.Raw(static_cast<size_t>(data_len), &data)) {
      return DataLossError("data length " + std::to_string(data_len) + " is invalid");
    }
    if (node->data) {
      node->data->assign(data);
    } else {
      node->data.emplace(data);
    }
  }
  uint32_t acl_count = 0;
  if (!get.U32(&acl_count) || acl_count > get.remaining() / kMinAclSize) {
    return DataLossError("ACL count runs past the end of the entry");
  }
  node->acl.resize(acl_count);
  for (ZnodeAcl& a : node->acl) {
    ByteView scheme, id;
    if (!get.I32(&a.perms) || !get.Str(&scheme) || !get.Str(&id)) {
      return DataLossError("ACL runs past the end of the entry");
    }
    a.scheme.assign(scheme);
    a.id.assign(id);
  }
  if (get.remaining() != 0) {
    return DataLossError(std::to_string(get.remaining()) +
                         " unexpected bytes at the end of the entry");
  }
  Status type_ok = CheckZnodeType(*node);
  if (!type_ok.ok()) return DataLossError(type_ok.message());
  return OkStatus();
}

void AppendZksTrailer(const ZksTrailer& trailer, Bytes* out) {
  size_t at = out->size();
  out->resize(at + kZksTrailerSize);
  Put put(out->data() + at);
  put.U8(kZksRecordTrailer);
  put.U64(trailer.entry_count);
  put.U64(trailer.entry_bytes);
  put.U64(trailer.data_bytes);
  put.U32(trailer.crc32c);
}

ZksTrailer DecodeZksTrailer(ByteView fields) {
  ZksTrailer t;
  Get get(fields);
  get.U64(&t.entry_count), get.U64(&t.entry_bytes), get.U64(&t.data_bytes), get.U32(&t.crc32c);
  return t;
}

}  // namespace strata::format
