// WireSession, the walk's own protocol client, against the stack's real ZooKeeper (data,
// null vs empty, binary names, ACLs, a 1 MB znode, chroot, authentication failure, a
// znode without READ, the server closing the connection) and against a silent fake
// server on loopback (no hang). Also WalkTree through it and through the C client agree.
#include "zk/wire_session.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "tests/integration/stack_env.h"
#include "tests/integration/zk_test_util.h"
#include "zk/jute.h"
#include "zk/tree_walker.h"

namespace strata::zk {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using strata::testing::ConnectZk;
using strata::testing::kDigestUp;
using strata::testing::StackEnv;
using strata::testing::UniqueName;

constexpr int32_t kNoNode = -101;  // ZooKeeper's NONODE error code

std::string ZkServer() { return StackEnv::Get().Require("ZK_CONNECT"); }

// What one getData + getACL + getChildren2 of a path returned.
struct Read {
  int data_err = 0, acl_err = 0, kids_err = 0;
  jute::DataReply data;
  jute::AclReply acl;
  jute::ChildrenReply kids;
};

Result<Read> ReadOne(WireSession& s, const std::string& path) {
  Read r;
  s.GetData(path, &r.data_err);
  s.GetAcl(path, &r.acl_err);
  s.GetChildren2(path, &r.kids_err);
  WireSession* one[] = {&s};
  Deadline deadline = Deadline::After(20s);
  auto handler = [&](WireSession&, const WireReply& reply) -> Status {
    *static_cast<int*>(reply.tag) = reply.err;
    if (reply.err != 0) return OkStatus();
    if (reply.op == jute::kOpGetData) {
      STRATA_ASSIGN_OR_RETURN(r.data, jute::ParseDataReply(reply.body));
    } else if (reply.op == jute::kOpGetAcl) {
      STRATA_ASSIGN_OR_RETURN(r.acl, jute::ParseAclReply(reply.body));
    } else {
      STRATA_ASSIGN_OR_RETURN(r.kids, jute::ParseChildrenReply(reply.body));
    }
    return OkStatus();
  };
  while (s.in_flight() > 0) {
    if (deadline.Expired()) return DeadlineExceededError("no replies");
    STRATA_RETURN_IF_ERROR(WireSession::Pump(one, handler, deadline));
  }
  return r;
}

std::unique_ptr<WireSession> Wire(std::vector<std::pair<std::string, std::string>> auth = {},
                                  std::string chroot = "") {
  WireOptions o;
  o.server = ZkServer();
  o.chroot = std::move(chroot);
  o.session_timeout_ms = 10000;
  o.auth = std::move(auth);
  auto s = WireSession::Connect(o, Deadline::After(20s));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

TEST(ZkWireTest, ReadsWhatTheCClientWrote) {
  auto zk = ConnectZk(ZkServer(), /*auth_up=*/true);
  ASSERT_NE(zk, nullptr);
  std::string root = "/" + UniqueName("wire");
  const std::vector<Acl> acl = {Acl{31, "digest", kDigestUp}, Acl{1, "world", "anyone"}};
  ASSERT_TRUE(zk->Create(root, Bytes("r\0ot"s), acl, CreateMode::kPersistent).ok());
  ASSERT_TRUE(zk->Create(root + "/null", std::nullopt, OpenAcl(), CreateMode::kPersistent).ok());
  ASSERT_TRUE(zk->Create(root + "/empty", Bytes(), OpenAcl(), CreateMode::kPersistent).ok());
  std::string binary = root + "/b\xc3\xa9 x\xe2\x82\xac";
  ASSERT_TRUE(zk->Create(binary, Bytes("\xff\x00"s), OpenAcl(), CreateMode::kPersistent).ok());
  Bytes big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  ASSERT_TRUE(zk->Create(root + "/big", big, OpenAcl(), CreateMode::kPersistent).ok());

  auto wire = Wire({{"digest", "u:p"}});
  ASSERT_NE(wire, nullptr);
  auto r = ReadOne(*wire, root);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->data_err, 0);
  ASSERT_TRUE(r->data.data.has_value());
  EXPECT_EQ(*r->data.data, "r\0ot"s);
  EXPECT_EQ(r->acl.acl, acl);
  std::sort(r->kids.names.begin(), r->kids.names.end());
  EXPECT_EQ(r->kids.names, (std::vector<std::string>{"big", "b\xc3\xa9 x\xe2\x82\xac", "empty", "null"}));
  auto st = zk->Exists(root);
  ASSERT_TRUE(st.ok() && st->has_value());
  EXPECT_EQ(r->data.stat.mzxid, (*st)->mzxid);
  EXPECT_EQ(r->data.stat.czxid, (*st)->czxid);
  EXPECT_EQ(r->data.stat.num_children, 4);
  EXPECT_EQ(r->data.stat.data_length, 4);
  EXPECT_EQ(r->acl.stat.aversion, (*st)->aversion);
  EXPECT_EQ(r->kids.stat.pzxid, (*st)->pzxid);

  auto null = ReadOne(*wire, root + "/null");
  ASSERT_TRUE(null.ok());
  EXPECT_FALSE(null->data.data.has_value());
  auto empty = ReadOne(*wire, root + "/empty");
  ASSERT_TRUE(empty.ok());
  ASSERT_TRUE(empty->data.data.has_value());
  EXPECT_TRUE(empty->data.data->empty());
  auto bin = ReadOne(*wire, binary);
  ASSERT_TRUE(bin.ok());
  EXPECT_EQ(bin->data.data, Bytes("\xff\x00"s));
  auto large = ReadOne(*wire, root + "/big");
  ASSERT_TRUE(large.ok());
  EXPECT_EQ(large->data.data, big);
  EXPECT_EQ(large->data.stat.data_length, 1 << 20);
  auto missing = ReadOne(*wire, root + "/missing");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->data_err, kNoNode);

  // The same under a chroot.
  auto chrooted = Wire({}, root);
  ASSERT_NE(chrooted, nullptr);
  auto under = ReadOne(*chrooted, "/");
  ASSERT_TRUE(under.ok());
  EXPECT_EQ(under->data.data, Bytes("r\0ot"s));
  auto kid = ReadOne(*chrooted, "/empty");
  ASSERT_TRUE(kid.ok());
  EXPECT_EQ(kid->data.data, Bytes());

  // WalkTree through the wire and through the C client see the same tree.
  std::map<std::string, std::pair<std::optional<Bytes>, std::vector<Acl>>> seen[2];
  for (int i = 0; i < 2; ++i) {
    WalkOptions wo;
    wo.root = root;
    wo.client = i == 0 ? WalkClient::kWire : WalkClient::kCClient;
    auto stats = WalkTree(*zk, wo, [&](WalkedNode& n) {
      seen[i][n.path] = {n.data, n.acl};
      return OkStatus();
    });
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->nodes, 5u);
  }
  EXPECT_EQ(seen[0], seen[1]);
}

TEST(ZkWireTest, UnknownAuthSchemeIsUnauthenticated) {
  WireOptions o;
  o.server = ZkServer();
  o.auth = {{"nosuchscheme", "x"}};
  auto s = WireSession::Connect(o, Deadline::After(20s));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnauthenticated) << s.status().ToString();
  EXPECT_EQ(s.status().message().find("x\""), std::string::npos);
}

TEST(ZkWireTest, ZnodeWithoutReadFailsTheWalkWithItsPath) {
  auto zk = ConnectZk(ZkServer(), /*auth_up=*/true);
  ASSERT_NE(zk, nullptr);
  std::string root = "/" + UniqueName("wire-noread");
  ASSERT_TRUE(zk->Create(root, Bytes("x"), OpenAcl(), CreateMode::kPersistent).ok());
  ASSERT_TRUE(zk->Create(root + "/secret", Bytes("s"), {Acl{31, "digest", kDigestUp}}, CreateMode::kPersistent).ok());
  auto anonymous = ConnectZk(ZkServer());
  ASSERT_NE(anonymous, nullptr);
  WalkOptions wo;
  wo.root = root;
  auto stats = WalkTree(*anonymous, wo, [](WalkedNode&) { return OkStatus(); });
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(stats.status().message().find(root + "/secret"), std::string::npos) << stats.status().ToString();
  // Authenticated as u:p the walk reads it.
  auto all = WalkTree(*zk, wo, [](WalkedNode&) { return OkStatus(); });
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->nodes, 2u);
}

TEST(ZkWireTest, ConnectionClosedByTheServerIsUnavailable) {
  auto wire = Wire();
  ASSERT_NE(wire, nullptr);
  // A request larger than the server's jute.maxbuffer (4 MiB on the stack): the server
  // drops the connection.
  std::string huge = "/" + std::string(6 << 20, 'x');
  wire->GetData(huge, nullptr);
  WireSession* one[] = {wire.get()};
  Status s;
  Deadline deadline = Deadline::After(30s);
  while (s.ok() && !deadline.Expired()) {
    s = WireSession::Pump(one, [](WireSession&, const WireReply&) { return OkStatus(); }, Deadline::After(1s));
  }
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
}

// A fake server that opens sessions and then never answers.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), len), 0);
    EXPECT_EQ(listen(fd_, 4), 0);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      recv(c, buf, sizeof(buf), 0);  // the ConnectRequest
      Bytes reply;
      jute::Writer w(&reply);
      w.Begin();
      w.Int(0);
      w.Int(1000);  // session timeout
      w.Long(42);
      w.Buffer(ByteView(std::string(16, '\0')));
      w.Bool(false);
      w.End();
      send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      while (recv(c, buf, sizeof(buf), 0) > 0) {
      }
      close(c);
    });
  }
  ~SilentServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(ZkWireTest, SilentServerIsUnavailableAfterTheSessionTimeout) {
  SilentServer server;
  WireOptions o;
  o.server = server.address();
  auto s = WireSession::Connect(o, Deadline::After(10s));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->negotiated_timeout_ms(), 1000);
  (*s)->GetData("/a", nullptr);
  WireSession* one[] = {s->get()};
  auto start = std::chrono::steady_clock::now();
  Status st;
  while (st.ok() && std::chrono::steady_clock::now() - start < 20s) {
    st = WireSession::Pump(one, [](WireSession&, const WireReply&) { return OkStatus(); }, Deadline::After(200ms));
  }
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  s->reset();  // closeSession to a silent server must not hang either
}

}  // namespace
}  // namespace strata::zk
