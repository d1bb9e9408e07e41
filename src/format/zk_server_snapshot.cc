#include "format/zk_server_snapshot.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>

namespace strata::format {
namespace {

// FileHeader of persistence/FileSnap: "ZKSN" read as a big-endian int, version 2.
constexpr uint32_t kSnapMagic = 0x5a4b534e;
constexpr int32_t kSnapVersion = 2;
// What a compressed snapshot starts with instead (SnapStream, by
// zookeeper.snapshot.compression.method): gzip's member header, snappy-java's stream
// header (0x82 "SNAPPY" 0x00).
constexpr unsigned char kGzipMagic[2] = {0x1f, 0x8b};
constexpr char kSnappyMagic[4] = {'\x82', 'S', 'N', 'A'};
// ReferenceCountedACLCache: the ACL reference -1 stands for OPEN_ACL_UNSAFE, world:anyone
// with every permission, and is not stored in the cache.
constexpr int64_t kOpenAclId = -1;
constexpr int32_t kPermAll = 31;
// Jute itself caps lengths by jute.maxbuffer (1 MiB by default, configurable); this only
// rejects garbage, far above any real value.
constexpr size_t kMaxLength = size_t{1} << 30;
// A seal: the Adler-32 as a long, then the string "/" (int length 1, one byte).
constexpr size_t kSealSize = 8 + 4 + 1;
// The optional last-processed-zxid block: a long and its seal.
constexpr size_t kLastZxidBlock = 8 + kSealSize;
// The digest and last-zxid blocks with their seals take well under this.
constexpr size_t kMaxTail = 4096;
constexpr std::string_view kSystemTree = "/zookeeper";

uint32_t Load32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}
int64_t Load64(const char* p) {
  return static_cast<int64_t>((uint64_t{Load32(p)} << 32) | Load32(p + 4));
}

bool InSystemTree(std::string_view path) {
  return path.substr(0, kSystemTree.size()) == kSystemTree &&
         (path.size() == kSystemTree.size() || path[kSystemTree.size()] == '/');
}

std::string Hex32(uint32_t v) {
  char buf[11];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

}  // namespace

ServerSnapshotReader::ServerSnapshotReader(ByteSource source) : in_(std::move(source)) {}

Status ServerSnapshotReader::Fail(Status s) {
  error_ = Status(s.code(), "ZooKeeper snapshot: " + s.message());
  return error_;
}

std::string ServerSnapshotReader::Where() const {
  std::string w = "after " + std::to_string(info_.nodes) + " nodes";
  if (info_.nodes > 0) w += " (last: " + order_.last() + ")";
  return w;
}

Status ServerSnapshotReader::ReadPreamble() {
  char magic[4];
  STRATA_RETURN_IF_ERROR(in_.ReadBytes(magic, sizeof magic));
  if (std::memcmp(magic, kGzipMagic, sizeof kGzipMagic) == 0) {
    return FailedPreconditionError(
        "the file is gzip-compressed (zookeeper.snapshot.compression.method=gz); strata reads "
        "uncompressed snapshots: gunzip it first, or take it from a server without that setting");
  }
  if (std::memcmp(magic, kSnappyMagic, sizeof kSnappyMagic) == 0) {
    return FailedPreconditionError(
        "the file is snappy-compressed (zookeeper.snapshot.compression.method=snappy); strata "
        "reads uncompressed snapshots: take it from a server without that setting");
  }
  uint32_t m = Load32(magic);
  if (m != kSnapMagic) {
    return FailedPreconditionError("not a ZooKeeper snapshot: magic " + Hex32(m) + ", expected " +
                                   Hex32(kSnapMagic) + " (\"ZKSN\")");
  }
  int32_t version = 0;
  STRATA_RETURN_IF_ERROR(in_.ReadInt(&version));
  if (version != kSnapVersion) {
    return FailedPreconditionError("snapshot file version " + std::to_string(version) +
                                   " is not supported (strata reads version 2, written by "
                                   "ZooKeeper 3.x)");
  }
  STRATA_RETURN_IF_ERROR(in_.ReadLong(&info_.dbid));
  int32_t sessions = 0;
  STRATA_RETURN_IF_ERROR(in_.ReadInt(&sessions));
  if (sessions < 0) return DataLossError("negative session count " + std::to_string(sessions));
  for (int32_t i = 0; i < sessions; ++i) {
    int64_t id = 0;
    int32_t timeout = 0;
    STRATA_RETURN_IF_ERROR(in_.ReadLong(&id));
    STRATA_RETURN_IF_ERROR(in_.ReadInt(&timeout));
  }
  info_.sessions = static_cast<uint64_t>(sessions);
  return ReadAclCache();
}

Status ServerSnapshotReader::ReadAclCache() {
  int32_t entries = 0;
  STRATA_RETURN_IF_ERROR(in_.ReadInt(&entries));
  if (entries < 0) return DataLossError("negative ACL cache size " + std::to_string(entries));
  for (int32_t i = 0; i < entries; ++i) {
    int64_t id = 0;
    int32_t count = 0;
    STRATA_RETURN_IF_ERROR(in_.ReadLong(&id));
    STRATA_RETURN_IF_ERROR(in_.ReadInt(&count));
    if (count < 0) {
      return DataLossError("ACL list " + std::to_string(id) + " has length " +
                           std::to_string(count));
    }
    std::vector<ZnodeAcl> list;
    for (int32_t j = 0; j < count; ++j) {
      ZnodeAcl acl;
      bool null_scheme = false, null_id = false;
      STRATA_RETURN_IF_ERROR(in_.ReadInt(&acl.perms));
      STRATA_RETURN_IF_ERROR(in_.ReadBuffer(kMaxLength, &acl.scheme, &null_scheme));
      STRATA_RETURN_IF_ERROR(in_.ReadBuffer(kMaxLength, &acl.id, &null_id));
      if (null_scheme || null_id) {
        return DataLossError("ACL list " + std::to_string(id) + " holds a null scheme or id");
      }
      list.push_back(std::move(acl));
    }
    if (!acls_.emplace(id, std::move(list)).second) {
      return DataLossError("ACL cache holds id " + std::to_string(id) + " twice");
    }
  }
  info_.acl_lists = static_cast<uint64_t>(entries);
  return OkStatus();
}

Status ServerSnapshotReader::ReadNode(ZNode* node, bool* end) {
  bool null = false;
  STRATA_RETURN_IF_ERROR(in_.ReadBuffer(kMaxLength, &path_, &null));
  if (null) return DataLossError("null path");
  // DataTree writes the root as "" and its children as "/a", "/a/b", ...; the path "/"
  // marks the end.
  *end = path_ == "/";
  if (*end) return OkStatus();

  if (!node->data) node->data.emplace();
  STRATA_RETURN_IF_ERROR(in_.ReadBuffer(kMaxLength, &*node->data, &null));
  if (null) node->data.reset();
  int64_t acl_id = 0;
  STRATA_RETURN_IF_ERROR(in_.ReadLong(&acl_id));
  ZnodeStat& s = node->stat;
  STRATA_RETURN_IF_ERROR(in_.ReadLong(&s.czxid));
  STRATA_RETURN_IF_ERROR(in_.ReadLong(&s.mzxid));
  STRATA_RETURN_IF_ERROR(in_.ReadLong(&s.ctime));
  STRATA_RETURN_IF_ERROR(in_.ReadLong(&s.mtime));
  STRATA_RETURN_IF_ERROR(in_.ReadInt(&s.version));
  STRATA_RETURN_IF_ERROR(in_.ReadInt(&s.cversion));
  STRATA_RETURN_IF_ERROR(in_.ReadInt(&s.aversion));
  STRATA_RETURN_IF_ERROR(in_.ReadLong(&s.ephemeral_owner));
  STRATA_RETURN_IF_ERROR(in_.ReadLong(&s.pzxid));
  s.data_length = node->data ? static_cast<int32_t>(node->data->size()) : 0;
  s.num_children = -1;

  if (info_.nodes == 0) {
    if (!path_.empty()) return DataLossError("the first node is \"" + path_ + "\", not the root");
    node->path.assign("/");
  } else {
    node->path.assign(path_);
  }
  Status order = order_.Add(node->path);
  if (!order.ok()) return DataLossError(order.message());
  info_.nodes++;

  if (acl_id == kOpenAclId) {
    node->acl.resize(1);
    node->acl[0].perms = kPermAll;
    node->acl[0].scheme.assign("world");
    node->acl[0].id.assign("anyone");
  } else {
    auto it = acls_.find(acl_id);
    if (it == acls_.end()) {
      return DataLossError("znode " + node->path + " refers to ACL list " + std::to_string(acl_id) +
                           ", which the ACL cache does not hold");
    }
    node->acl.resize(it->second.size());
    for (size_t i = 0; i < it->second.size(); ++i) {
      node->acl[i].perms = it->second[i].perms;
      node->acl[i].scheme.assign(it->second[i].scheme);
      node->acl[i].id.assign(it->second[i].id);
    }
  }
  node->type_source = TypeSource::kServerSnapshot;
  node->sequential = HasSequentialSuffix(node->path);
  return OkStatus();
}

Status ServerSnapshotReader::CheckSeal(ByteView tail, size_t at, uint32_t base) {
  if (tail.size() - at < kSealSize) return DataLossError("truncated seal at the end of the file");
  uint32_t expect = Adler32Extend(base, tail.substr(0, at));
  int64_t value = Load64(tail.data() + at);
  if (value != int64_t{expect} || Load32(tail.data() + at + 8) != 1 || tail[at + 12] != '/') {
    return DataLossError("seal mismatch after the digest: checksum " + std::to_string(value) +
                         ", computed " + std::to_string(expect));
  }
  return OkStatus();
}

Status ServerSnapshotReader::ParseTail(ByteView tail, uint32_t base) {
  if (tail.empty()) return OkStatus();  // neither digest nor last zxid (e.g. before 3.6)
  size_t pos = 0;
  // A digest block is never this short (it holds at least 16 bytes and its seal), so a
  // tail of this size is the last processed zxid alone (digest disabled).
  if (tail.size() != kLastZxidBlock) {
    if (tail.size() < 12) return DataLossError("truncated digest at the end of the file");
    SnapshotDigest d;
    d.zxid = Load64(tail.data());
    d.version = static_cast<int32_t>(Load32(tail.data() + 8));
    pos = 12;
    if (d.version >= 2) {
      if (tail.size() < pos + 8) return DataLossError("truncated digest at the end of the file");
      d.value = Load64(tail.data() + pos);
      pos += 8;
    } else {
      // Before digest version 2 the value was written as a hex string.
      if (tail.size() < pos + 4) return DataLossError("truncated digest at the end of the file");
      auto len = static_cast<int32_t>(Load32(tail.data() + pos));
      pos += 4;
      if (len > 0) {
        if (tail.size() - pos < static_cast<size_t>(len)) return DataLossError("truncated digest");
        const char* p = tail.data() + pos;
        if (std::from_chars(p, p + len, d.value, 16).ptr != p + len) {
          return DataLossError("digest \"" + std::string(p, static_cast<size_t>(len)) +
                               "\" is not hex");
        }
        pos += static_cast<size_t>(len);
      } else if (len != -1 && len != 0) {
        return DataLossError("invalid digest length " + std::to_string(len));
      }
    }
    STRATA_RETURN_IF_ERROR(CheckSeal(tail, pos, base));
    pos += kSealSize;
    info_.digest = d;
  }
  if (pos == tail.size()) return OkStatus();
  if (tail.size() - pos != kLastZxidBlock) {
    return DataLossError(std::to_string(tail.size() - pos) +
                         " unexpected bytes at the end of the file");
  }
  info_.last_processed_zxid = Load64(tail.data() + pos);
  return CheckSeal(tail, pos + 8, base);
}

Status ServerSnapshotReader::ReadSeals() {
  uint32_t expect = in_.Adler();
  int64_t value = 0;
  bool null = false;
  STRATA_RETURN_IF_ERROR(in_.ReadLong(&value));
  STRATA_RETURN_IF_ERROR(in_.ReadBuffer(kMaxLength, &path_, &null));
  if (null || path_ != "/") return DataLossError("the seal after the nodes lacks its \"/\"");
  if (value != int64_t{expect}) {
    return DataLossError("checksum mismatch: the file says " + std::to_string(value) + ", its " +
                         std::to_string(in_.offset()) + " bytes give " + std::to_string(expect) +
                         " (Adler-32)");
  }
  uint32_t base = in_.Adler();
  std::string tail;
  STRATA_RETURN_IF_ERROR(in_.ReadRest(kMaxTail, &tail));
  return ParseTail(tail, base);
}

Result<bool> ServerSnapshotReader::Next(ZNode* node) {
  if (!error_.ok()) return error_;
  if (done_) return false;
  if (!started_) {
    Status s = ReadPreamble();
    if (!s.ok()) return Fail(s.WithContext("header"));
    started_ = true;
  }
  for (;;) {
    bool end = false;
    Status s = ReadNode(node, &end);
    if (!s.ok()) return Fail(s.WithContext(Where()));
    if (end) {
      s = ReadSeals();
      if (!s.ok()) return Fail(s.WithContext("end of file"));
      done_ = true;
      return false;
    }
    if (InSystemTree(node->path)) {
      info_.skipped++;
      continue;
    }
    auto decoded = DecodeEphemeralOwner(node->stat.ephemeral_owner);
    if (!decoded.ok()) return Fail(decoded.status().WithContext("znode " + node->path));
    node->type = decoded->type;
    node->ttl_ms = decoded->ttl_ms;
    return true;
  }
}

}  // namespace strata::format
