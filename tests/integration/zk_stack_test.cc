// The ZooKeeper of the local stack is real and reachable through strata's zk module, and
// the ZooKeeper-mode Kafka broker has registered in it.
#include <gtest/gtest.h>

#include <chrono>

#include "tests/integration/stack_env.h"
#include "zk/session.h"

namespace strata::zk {
namespace {

using namespace std::chrono_literals;
using testing::StackEnv;
using testing::UniqueName;

std::unique_ptr<Session> ConnectOrFail(const std::string& connect) {
  auto s = Session::Connect({connect, 10000, {}}, Deadline::After(20s));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

TEST(ZkStackTest, CreateReadDeleteZnode) {
  auto zk = ConnectOrFail(StackEnv::Get().Require("ZK_CONNECT"));
  ASSERT_NE(zk, nullptr);
  std::string path = "/" + UniqueName("stack-probe");
  Bytes data("bin\0ary\xff", 8);
  auto created = zk->Create(path, data, OpenAcl(), CreateMode::kPersistent);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(*created, path);
  EXPECT_EQ(zk->Create(path, data, OpenAcl(), CreateMode::kPersistent).status().code(), StatusCode::kAlreadyExists);

  auto node = zk->Get(path);
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  ASSERT_TRUE(node->data.has_value());
  EXPECT_EQ(*node->data, data);
  EXPECT_EQ(node->stat.ephemeral_owner, 0);

  // Null and empty data stay apart.
  ASSERT_TRUE(zk->Create(path + "/null", std::nullopt, OpenAcl(), CreateMode::kPersistent).ok());
  ASSERT_TRUE(zk->Create(path + "/empty", Bytes(), OpenAcl(), CreateMode::kPersistent).ok());
  EXPECT_FALSE(zk->Get(path + "/null")->data.has_value());
  ASSERT_TRUE(zk->Get(path + "/empty")->data.has_value());
  EXPECT_EQ(zk->Get(path + "/empty")->data->size(), 0u);

  auto children = zk->Children(path);
  ASSERT_TRUE(children.ok());
  EXPECT_EQ(children->size(), 2u);
  EXPECT_EQ(zk->Delete(path).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(zk->Delete(path + "/null").ok());
  ASSERT_TRUE(zk->Delete(path + "/empty").ok());
  ASSERT_TRUE(zk->Delete(path).ok());
  EXPECT_EQ(zk->Get(path).status().code(), StatusCode::kNotFound);
}

TEST(ZkStackTest, ZooKeeperModeBrokerIsRegistered) {
  // KAFKA39_ZK_CONNECT carries the broker's chroot; its registration is ephemeral.
  auto zk = ConnectOrFail(StackEnv::Get().Require("KAFKA39_ZK_CONNECT"));
  ASSERT_NE(zk, nullptr);
  auto ids = zk->Children("/brokers/ids");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  ASSERT_EQ(ids->size(), 1u);
  auto broker = zk->Get("/brokers/ids/" + ids->front());
  ASSERT_TRUE(broker.ok());
  EXPECT_NE(broker->stat.ephemeral_owner, 0);
}

}  // namespace
}  // namespace strata::zk
