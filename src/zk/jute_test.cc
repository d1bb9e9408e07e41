// The jute encoders and decoders against byte strings built by hand from the field
// orders of zookeeper.jute.
#include "zk/jute.h"

#include <gtest/gtest.h>

namespace strata::zk::jute {
namespace {

using namespace std::string_literals;

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string Be64(uint64_t v) { return Be32(static_cast<uint32_t>(v >> 32)) + Be32(static_cast<uint32_t>(v)); }
std::string Str(std::string_view s) { return Be32(static_cast<uint32_t>(s.size())) + std::string(s); }

// A Stat with every field distinct, in wire order.
std::string StatBytes() {
  return Be64(0x0102030405060708) /*czxid*/ + Be64(11) /*mzxid*/ + Be64(12) /*ctime*/ + Be64(13) /*mtime*/ +
         Be32(14) /*version*/ + Be32(15) /*cversion*/ + Be32(16) /*aversion*/ + Be64(17) /*ephemeralOwner*/ +
         Be32(18) /*dataLength*/ + Be32(19) /*numChildren*/ + Be64(0xfffffffffffffffe) /*pzxid*/;
}

void ExpectStat(const Stat& s) {
  EXPECT_EQ(s.czxid, 0x0102030405060708);
  EXPECT_EQ(s.mzxid, 11);
  EXPECT_EQ(s.ctime, 12);
  EXPECT_EQ(s.mtime, 13);
  EXPECT_EQ(s.version, 14);
  EXPECT_EQ(s.cversion, 15);
  EXPECT_EQ(s.aversion, 16);
  EXPECT_EQ(s.ephemeral_owner, 17);
  EXPECT_EQ(s.data_length, 18);
  EXPECT_EQ(s.num_children, 19);
  EXPECT_EQ(s.pzxid, -2);
}

TEST(JuteTest, ConnectRequest) {
  std::string body = Be32(0) + Be64(0x55) + Be32(30000) + Be64(0) + Str(std::string(16, '\0')) + "\0"s;
  EXPECT_EQ(ConnectRequest(0x55, 30000), Be32(static_cast<uint32_t>(body.size())) + body);
}

TEST(JuteTest, ConnectResponseWithAndWithoutReadOnly) {
  std::string body = Be32(0) + Be32(20000) + Be64(0x1234) + Str("0123456789abcdef");
  auto old = ParseConnectResponse(body);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->timeout_ms, 20000);
  EXPECT_EQ(old->session_id, 0x1234);
  EXPECT_EQ(old->password, "0123456789abcdef");
  EXPECT_FALSE(old->read_only);
  auto ro = ParseConnectResponse(body + "\1"s);
  ASSERT_TRUE(ro.ok());
  EXPECT_TRUE(ro->read_only);
  EXPECT_EQ(ParseConnectResponse(body.substr(0, 10)).status().code(), StatusCode::kDataLoss);
}

TEST(JuteTest, AuthAndHeaderOnlyRequests) {
  std::string auth = Be32(0xfffffffc) + Be32(100) + Be32(0) + Str("digest") + Str("u:p\0w"s);
  EXPECT_EQ(AuthRequest("digest", "u:p\0w"s), Be32(static_cast<uint32_t>(auth.size())) + auth);
  Bytes out;
  AppendHeaderOnly(&out, kXidPing, kOpPing);
  AppendHeaderOnly(&out, 7, kOpCloseSession);
  EXPECT_EQ(out, Be32(8) + Be32(0xfffffffe) + Be32(11) + Be32(8) + Be32(7) + Be32(0xfffffff5));
}

TEST(JuteTest, PathRequests) {
  Bytes out;
  AppendPathRequest(&out, 1, kOpGetData, "/a");
  AppendPathRequest(&out, 2, kOpGetAcl, "/a");
  AppendPathRequest(&out, 3, kOpGetChildren2, "/\xff");
  std::string get = Be32(1) + Be32(4) + Str("/a") + "\0"s;
  std::string acl = Be32(2) + Be32(6) + Str("/a");
  std::string kids = Be32(3) + Be32(12) + Str("/\xff") + "\0"s;
  EXPECT_EQ(out, Be32(static_cast<uint32_t>(get.size())) + get + Be32(static_cast<uint32_t>(acl.size())) + acl +
                     Be32(static_cast<uint32_t>(kids.size())) + kids);
}

TEST(JuteTest, ReplyHeader) {
  ByteView body;
  std::string packet = Be32(9) + Be64(0x100000002) + Be32(0xffffff9b) + "rest";
  auto h = ParseReplyHeader(packet, &body);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->xid, 9);
  EXPECT_EQ(h->zxid, 0x100000002);
  EXPECT_EQ(h->err, -101);
  EXPECT_EQ(body, "rest");
  EXPECT_EQ(ParseReplyHeader(packet.substr(0, 15), &body).status().code(), StatusCode::kDataLoss);
}

TEST(JuteTest, DataReplyKeepsNullDistinctFromEmpty) {
  auto d = ParseDataReply(Str("\0\1x"s) + StatBytes());
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->data.has_value());
  EXPECT_EQ(*d->data, "\0\1x"s);
  ExpectStat(d->stat);
  auto empty = ParseDataReply(Be32(0) + StatBytes());
  ASSERT_TRUE(empty.ok());
  ASSERT_TRUE(empty->data.has_value());
  EXPECT_TRUE(empty->data->empty());
  auto null = ParseDataReply(Be32(0xffffffff) + StatBytes());
  ASSERT_TRUE(null.ok());
  EXPECT_FALSE(null->data.has_value());
}

TEST(JuteTest, DataReplyTruncatedOrCorrupt) {
  std::string good = Str("abc") + StatBytes();
  EXPECT_EQ(ParseDataReply(good.substr(0, good.size() - 1)).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseDataReply(Be32(1000) + StatBytes()).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseDataReply(Be32(0xfffffffe) + StatBytes()).status().code(), StatusCode::kDataLoss);
}

TEST(JuteTest, AclReply) {
  std::string body = Be32(2) + Be32(31) + Str("world") + Str("anyone") + Be32(1) + Str("digest") +
                     Str("bob:abc=") + StatBytes();
  auto a = ParseAclReply(body);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->acl.size(), 2u);
  EXPECT_EQ(a->acl[0], (Acl{31, "world", "anyone"}));
  EXPECT_EQ(a->acl[1], (Acl{1, "digest", "bob:abc="}));
  ExpectStat(a->stat);
  EXPECT_EQ(ParseAclReply(Be32(0x7fffffff) + StatBytes()).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseAclReply(Be32(0xffffffff)).status().code(), StatusCode::kDataLoss);
}

TEST(JuteTest, ChildrenReply) {
  auto c = ParseChildrenReply(Be32(3) + Str("b") + Str("") + Str("a\0z"s) + StatBytes());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->names, (std::vector<std::string>{"b", "", "a\0z"s}));
  ExpectStat(c->stat);
  auto none = ParseChildrenReply(Be32(0) + StatBytes());
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->names.empty());
  EXPECT_EQ(ParseChildrenReply(Be32(2) + Str("b") + StatBytes()).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace strata::zk::jute
