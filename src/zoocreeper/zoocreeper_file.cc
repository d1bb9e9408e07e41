#include "zoocreeper/zoocreeper_file.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <istream>
#include <nlohmann/json.hpp>
#include <streambuf>
#include <utility>

namespace strata::zoocreeper {
namespace {

using Json = nlohmann::json;

constexpr size_t kReadBuffer = 1 << 16;

// A std::streambuf over zlib's gz reader: gzip files are inflated, others read as they are.
class GzBuf final : public std::streambuf {
 public:
  explicit GzBuf(gzFile file) : file_(file) {}
  bool failed() const { return failed_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    int n = gzread(file_, buf_.data(), static_cast<unsigned>(buf_.size()));
    if (n < 0) failed_ = true;
    if (n <= 0) return traits_type::eof();
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  gzFile file_;
  bool failed_ = false;
  std::array<char, kReadBuffer> buf_{};
};

struct GzCloser {
  void operator()(gzFile f) const {
    if (f != nullptr) gzclose(f);
  }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

// Opens `path` for reading; NotFound / FailedPrecondition naming `name`.
Result<GzHandle> Open(const std::string& path, const std::string& name) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFoundError(fmt::format("{}: no such file", name));
    return FailedPreconditionError(fmt::format("{}: {}", name, std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return FailedPreconditionError(fmt::format("{}: not a regular file", name));
  GzHandle f(gzopen(path.c_str(), "rb"));
  if (f == nullptr) return FailedPreconditionError(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
  gzbuffer(f.get(), kReadBuffer);
  return f;
}

// An absolute znode path as ZooKeeper accepts it (no empty, "." or ".." component, no
// trailing '/', no NUL).
bool ValidPath(std::string_view p) {
  if (p.empty() || p.front() != '/' || p.find('\0') != std::string_view::npos) return false;
  if (p == "/") return true;
  if (p.back() == '/') return false;
  size_t at = 1;
  while (at <= p.size()) {
    size_t end = p.find('/', at);
    if (end == std::string_view::npos) end = p.size();
    std::string_view part = p.substr(at, end - at);
    if (part.empty() || part == "." || part == "..") return false;
    at = end + 1;
  }
  return true;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// The SAX handler: a state machine over ZooCreeper's three levels (the top object, one
// object per znode, the "acls" array of objects).
class Handler final : public nlohmann::json_sax<Json> {
 public:
  Handler(const std::string& name, const Visitor& visit, ReadStats& stats)
      : name_(name), visit_(visit), stats_(stats) {}

  const Status& status() const { return status_; }

  bool null() override { return Scalar(Value{Kind::kNull}); }
  bool boolean(bool) override { return Scalar(Value{Kind::kOther}); }
  bool number_integer(number_integer_t v) override { return Scalar(Value{Kind::kInt, v}); }
  bool number_unsigned(number_unsigned_t v) override {
    if (v > static_cast<number_unsigned_t>(INT64_MAX)) return Scalar(Value{Kind::kOther});
    return Scalar(Value{Kind::kInt, static_cast<int64_t>(v)});
  }
  bool number_float(number_float_t, const string_t&) override { return Scalar(Value{Kind::kOther}); }
  bool string(string_t& s) override { return Scalar(Value{Kind::kString, 0, &s}); }
  bool binary(binary_t&) override { return Scalar(Value{Kind::kOther}); }

  bool key(string_t& k) override {
    if (skip_ > 0) return true;
    if (depth_ == 1) {
      node_ = BackupZnode{};
      node_.path = std::move(k);
    } else {
      field_ = std::move(k);
    }
    return true;
  }

  bool start_object(std::size_t) override {
    if (skip_ > 0 || (depth_ == 2 && !Known(field_)) || (depth_ == 4 && !KnownAcl(field_))) return Skip();
    if (depth_ == 0 || depth_ == 3) {
      ++depth_;
      if (depth_ == 4) acl_ = AclFields{};
      return true;
    }
    if (depth_ == 1) {
      if (!ValidPath(node_.path)) return Fail(fmt::format("key \"{}\" is not an absolute znode path", node_.path));
      seen_ = Seen{};
      ++depth_;
      return true;
    }
    return Fail(fmt::format("znode {}: \"{}\" should not be an object", node_.path, field_));
  }

  bool end_object() override {
    if (skip_ > 0) return Unskip();
    --depth_;
    if (depth_ == 3) return EndAcl();
    if (depth_ == 1) return EndZnode();
    return true;
  }

  bool start_array(std::size_t) override {
    if (skip_ > 0 || (depth_ == 2 && !Known(field_)) || (depth_ == 4 && !KnownAcl(field_))) return Skip();
    if (depth_ == 2 && field_ == "acls") {
      seen_.acls = true;
      ++depth_;
      return true;
    }
    return Fail(depth_ <= 1 ? std::string("the backup is not one JSON object of znodes")
                            : fmt::format("znode {}: \"{}\" should not be an array", node_.path, field_));
  }

  bool end_array() override {
    if (skip_ > 0) return Unskip();
    --depth_;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    if (status_.ok()) {
      std::string what = e.what();
      // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> the part after the id.
      if (size_t close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
      status_ = DataLossError(fmt::format("{}: not ZooCreeper's JSON (at byte {}{}): {}", name_, position,
                                          stats_.znodes > 0 ? fmt::format(", after znode {}", last_path_) : "",
                                          what));
    }
    return false;
  }

 private:
  enum class Kind { kNull, kInt, kString, kOther };
  struct Value {
    Kind kind;
    int64_t i = 0;
    std::string* s = nullptr;
  };
  struct Seen {
    bool data = false, acls = false;
  };
  struct AclFields {
    std::optional<int64_t> perms;
    std::optional<std::string> scheme, id;
  };

  static bool Known(const std::string& f) { return f == "acls"; }
  static bool KnownAcl(const std::string&) { return false; }

  bool Skip() {
    if (skip_++ == 0) ++stats_.ignored_fields;
    return true;
  }
  bool Unskip() {
    --skip_;
    return true;
  }

  bool Fail(std::string message) {
    status_ = DataLossError(fmt::format("{}: {}", name_, message));
    return false;
  }

  bool Scalar(const Value& v) {
    if (skip_ > 0) return true;
    if (depth_ == 2) return ZnodeField(v);
    if (depth_ == 4) return AclField(v);
    if (depth_ == 1) return Fail(fmt::format("znode {}: not an object", node_.path));
    if (depth_ == 3) return Fail(fmt::format("znode {}: an ACL entry is not an object", node_.path));
    return Fail("the backup is not one JSON object of znodes");
  }

  bool Int(const Value& v, int64_t* out) {
    if (v.kind != Kind::kInt) return Fail(fmt::format("znode {}: \"{}\" is not an integer", node_.path, field_));
    *out = v.i;
    return true;
  }
  bool Int32(const Value& v, int32_t* out) {
    int64_t wide = 0;
    if (!Int(v, &wide)) return false;
    if (wide < INT32_MIN || wide > INT32_MAX) {
      return Fail(fmt::format("znode {}: \"{}\" is out of range ({})", node_.path, field_, wide));
    }
    *out = static_cast<int32_t>(wide);
    return true;
  }

  bool ZnodeField(const Value& v) {
    format::ZnodeStat& st = node_.stat;
    if (field_ == "data") {
      seen_.data = true;
      if (v.kind == Kind::kNull) {
        node_.data.reset();
        return true;
      }
      if (v.kind != Kind::kString) return Fail(fmt::format("znode {}: \"data\" is not a string", node_.path));
      node_.data = Base64Decode(*v.s);
      if (!node_.data) return Fail(fmt::format("znode {}: \"data\" is not base64", node_.path));
      return true;
    }
    if (field_ == "aversion") return Int32(v, &st.aversion);
    if (field_ == "cversion") return Int32(v, &st.cversion);
    if (field_ == "version") return Int32(v, &st.version);
    if (field_ == "ctime") return Int(v, &st.ctime);
    if (field_ == "mtime") return Int(v, &st.mtime);
    if (field_ == "czxid") return Int(v, &st.czxid);
    if (field_ == "mzxid") return Int(v, &st.mzxid);
    if (field_ == "pzxid") return Int(v, &st.pzxid);
    if (field_ == "ephemeralOwner") return Int(v, &st.ephemeral_owner);
    if (field_ == "acls") return Fail(fmt::format("znode {}: \"acls\" is not an array", node_.path));
    ++stats_.ignored_fields;
    return true;
  }

  bool AclField(const Value& v) {
    if (field_ == "perms") {
      if (v.kind != Kind::kInt || v.i < 0 || v.i > 31) {
        return Fail(fmt::format("znode {}: an ACL's \"perms\" is not a permission set (0-31)", node_.path));
      }
      acl_.perms = v.i;
    } else if (field_ == "scheme" || field_ == "id") {
      if (v.kind != Kind::kString) return Fail(fmt::format("znode {}: an ACL's \"{}\" is not a string", node_.path, field_));
      (field_ == "scheme" ? acl_.scheme : acl_.id) = *v.s;
    } else {
      ++stats_.ignored_fields;
    }
    return true;
  }

  bool EndAcl() {
    if (!acl_.perms || !acl_.scheme || !acl_.id) {
      return Fail(fmt::format("znode {}: an ACL entry lacks \"scheme\", \"id\" or \"perms\"", node_.path));
    }
    node_.acl.push_back(format::ZnodeAcl{static_cast<int32_t>(*acl_.perms), *acl_.scheme, *acl_.id});
    return true;
  }

  bool EndZnode() {
    if (!seen_.data || !seen_.acls) {
      return Fail(fmt::format("znode {}: no \"{}\" field", node_.path, seen_.data ? "acls" : "data"));
    }
    node_.stat.data_length = node_.data ? static_cast<int32_t>(node_.data->size()) : 0;
    node_.stat.num_children = -1;
    Status s = visit_(node_);
    if (!s.ok()) {
      status_ = std::move(s);
      return false;
    }
    ++stats_.znodes;
    last_path_ = node_.path;
    return true;
  }

  const std::string& name_;
  const Visitor& visit_;
  ReadStats& stats_;
  Status status_;
  int depth_ = 0;  // 1: in the top object, 2: in a znode, 3: in its acls, 4: in one ACL
  int skip_ = 0;   // > 0 while inside a value of a field that is not read
  std::string field_;
  BackupZnode node_;
  Seen seen_;
  AclFields acl_;
  std::string last_path_;
};

}  // namespace

std::optional<Bytes> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after '='
      v[k] = Base64Value(c);
      if (v[k] < 0) return std::nullopt;
    }
    uint32_t n = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

Result<ReadStats> ReadBackup(const std::string& path, const std::string& name, const Visitor& visit) {
  STRATA_ASSIGN_OR_RETURN(GzHandle file, Open(path, name));
  ReadStats stats;
  GzBuf buf(file.get());
  std::istream in(&buf);
  Handler handler(name, visit, stats);
  bool parsed = Json::sax_parse(in, &handler);
  stats.compressed = gzdirect(file.get()) == 0;
  int zerr = Z_OK;
  const char* zmessage = gzerror(file.get(), &zerr);
  // A damaged gzip stream shows first as JSON cut short: name the real cause.
  if (buf.failed() || (zerr != Z_OK && zerr != Z_STREAM_END)) {
    return DataLossError(fmt::format("{}: the gzip stream is damaged or cut short ({})", name, zmessage));
  }
  if (!handler.status().ok()) return handler.status();
  if (!parsed) return DataLossError(fmt::format("{}: not ZooCreeper's JSON", name));
  return stats;
}

bool LooksLikeBackup(const std::string& path) {
  auto file = Open(path, path);
  if (!file.ok()) return false;
  std::array<char, 64> head{};
  int n = gzread(file->get(), head.data(), static_cast<unsigned>(head.size()));
  if (n <= 0) return false;
  std::string_view s(head.data(), static_cast<size_t>(n));
  size_t brace = s.find_first_not_of(" \t\r\n");
  if (brace == std::string_view::npos || s[brace] != '{') return false;
  size_t next = s.find_first_not_of(" \t\r\n", brace + 1);
  // "{}" too: ZooCreeper writes an empty object when its root path did not exist.
  return next != std::string_view::npos && (s.substr(next).starts_with("\"/") || s[next] == '}');
}

}  // namespace strata::zoocreeper
