// Helpers for the ZooKeeper backup and restore tests: sessions, a repository in memory,
// reading a snapshot back, comparing trees. Thread-compatible.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backup/repository.h"
#include "format/znode.h"
#include "storage/memory/memory_store.h"
#include "zk/session.h"

namespace strata::testing {

// "u:p" as ZooKeeper stores it in a digest ACL: u:base64(sha1("u:p")).
inline constexpr const char* kDigestUp = "u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ=";

// A session on `connect`, optionally authenticated as digest u:p. Fails the test (and
// returns null) if it cannot connect.
std::unique_ptr<zk::Session> ConnectZk(const std::string& connect, bool auth_up = false);

// A repository on a fresh MemoryStore.
struct MemRepo {
  std::unique_ptr<storage::MemoryStore> store;
  std::unique_ptr<backup::Repository> repo;
};
MemRepo NewMemRepo();

// The entries of the .zks object `key`, by path.
std::map<std::string, format::ZNode> ReadSnapshot(const backup::Repository& repo, const std::string& key);

// Every znode under `root` (data, ACL, Stat) by path relative to root, read with
// WalkTree. Fails the test on error.
struct TreeNode {
  std::optional<Bytes> data;
  std::vector<zk::Acl> acl;
  zk::Stat stat;
};
std::map<std::string, TreeNode> ReadTree(zk::Session& session, const std::string& root);

// Deletes `root` and everything below it (children first), pipelined.
void DeleteTree(zk::Session& session, const std::string& root);

}  // namespace strata::testing
