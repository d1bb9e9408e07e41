// zk_bench: the ZooKeeper side of the benchmark (bench/zk_bench.sh runs it).
//
//   zk_bench generate    CONNECT ROOT COUNT   builds a tree of about COUNT znodes, depth 5,
//                                             mixed data sizes (pipelined, multi batches)
//   zk_bench walk-sync   CONNECT ROOT SECONDS the baseline: a synchronous walk, one call at
//                                             a time (getData, getACL, getChildren), with the
//                                             same C client; stops after SECONDS
//   zk_bench create-sync CONNECT ROOT SECONDS the baseline: a synchronous create loop of the
//                                             same tree shape; stops after SECONDS
//
// Each prints one line of key=value pairs (znodes, bytes, seconds, rate) for the script.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "zk/session.h"
#include "zk/tree_writer.h"

namespace strata {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Data size of the i-th znode: 80% 16-100 bytes, 18% 100-1000 bytes, 2% 1-8 KiB.
size_t DataSize(uint64_t i) {
  uint64_t h = (i * 0x9E3779B97F4A7C15ull) >> 33;
  uint64_t bucket = h % 100;
  if (bucket < 80) return 16 + h % 85;
  if (bucket < 98) return 100 + h % 901;
  return 1024 + h % 7169;
}

Bytes Data(uint64_t i) {
  Bytes d(DataSize(i), '\0');
  for (size_t k = 0; k < d.size(); ++k) d[k] = static_cast<char>('a' + (i + k) % 26);
  return d;
}

// Fan-out per level for about `count` znodes at depth 5: 10 x 10 x 10 x 10 x rest.
std::vector<int> Fanout(uint64_t count) {
  int leaves = static_cast<int>(std::max<uint64_t>(1, count / 10'000));
  return {10, 10, 10, 10, leaves};
}

// Calls `visit(path, index)` for every znode of the tree in pre-order; stops early when
// it returns false.
void ForEachNode(const std::string& root, uint64_t count, const std::function<bool(const std::string&, uint64_t)>& visit) {
  std::vector<int> fan = Fanout(count);
  uint64_t index = 0;
  std::function<bool(const std::string&, size_t)> rec = [&](const std::string& path, size_t level) {
    if (!visit(path, index++)) return false;
    if (level == fan.size()) return true;
    for (int c = 0; c < fan[level]; ++c) {
      if (!rec(fmt::format("{}/{}{:03}", path, level == fan.size() - 1 ? "leaf-" : "dir-", c), level + 1)) return false;
    }
    return true;
  };
  rec(root, 0);
}

std::unique_ptr<zk::Session> Connect(const std::string& connect) {
  auto s = zk::Session::Connect({connect, 30000, {}}, Deadline::After(std::chrono::seconds(30)));
  if (!s.ok()) {
    std::fprintf(stderr, "zk_bench: %s\n", s.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(s).value();
}

int Generate(const std::string& connect, const std::string& root, uint64_t count) {
  auto zk = Connect(connect);
  uint64_t failed = 0, nodes = 0, bytes = 0;
  zk::TreeWriter writer(*zk, zk::WriterOptions{}, [&](const zk::WriteOp& op, const Status& s) {
    if (!s.ok() && failed++ < 5) std::fprintf(stderr, "zk_bench: %s: %s\n", op.path.c_str(), s.ToString().c_str());
  });
  auto start = Clock::now();
  ForEachNode(root, count, [&](const std::string& path, uint64_t i) {
    zk::WriteOp op;
    op.path = path;
    op.data = Data(i);
    op.acl = zk::OpenAcl();
    bytes += op.data->size();
    nodes++;
    return writer.Submit(std::move(op)).ok();
  });
  Status s = writer.Flush();
  double secs = Since(start);
  std::printf("znodes=%llu bytes=%llu seconds=%.2f rate=%.0f failed=%llu\n", static_cast<unsigned long long>(nodes),
              static_cast<unsigned long long>(bytes), secs, nodes / secs, static_cast<unsigned long long>(failed));
  return s.ok() && failed == 0 ? 0 : 1;
}

int WalkSync(const std::string& connect, const std::string& root, double limit) {
  auto zk = Connect(connect);
  uint64_t nodes = 0, bytes = 0;
  auto start = Clock::now();
  std::vector<std::string> stack{root};
  while (!stack.empty() && Since(start) < limit) {
    std::string path = std::move(stack.back());
    stack.pop_back();
    auto node = zk->Get(path);
    auto acl = zk->GetAcl(path);
    if (!node.ok() || !acl.ok()) {
      std::fprintf(stderr, "zk_bench: %s\n", (node.ok() ? acl.status() : node.status()).ToString().c_str());
      return 1;
    }
    nodes++;
    bytes += node->data ? node->data->size() : 0;
    if (node->stat.num_children > 0) {
      auto kids = zk->Children(path);
      if (!kids.ok()) return 1;
      std::sort(kids->rbegin(), kids->rend());
      for (auto& k : *kids) stack.push_back(path + "/" + k);
    }
  }
  double secs = Since(start);
  std::printf("znodes=%llu bytes=%llu seconds=%.2f rate=%.0f\n", static_cast<unsigned long long>(nodes),
              static_cast<unsigned long long>(bytes), secs, nodes / secs);
  return 0;
}

int CreateSync(const std::string& connect, const std::string& root, double limit) {
  auto zk = Connect(connect);
  uint64_t nodes = 0, bytes = 0;
  auto start = Clock::now();
  Status error;
  ForEachNode(root, 1'000'000, [&](const std::string& path, uint64_t i) {
    if (Since(start) >= limit) return false;
    Bytes data = Data(i);
    auto r = zk->Create(path, data, zk::OpenAcl(), zk::CreateMode::kPersistent);
    if (!r.ok()) {
      error = r.status();
      return false;
    }
    nodes++;
    bytes += data.size();
    return true;
  });
  double secs = Since(start);
  if (!error.ok()) std::fprintf(stderr, "zk_bench: %s\n", error.ToString().c_str());
  std::printf("znodes=%llu bytes=%llu seconds=%.2f rate=%.0f\n", static_cast<unsigned long long>(nodes),
              static_cast<unsigned long long>(bytes), secs, nodes / secs);
  return error.ok() ? 0 : 1;
}

}  // namespace
}  // namespace strata

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: zk_bench generate|walk-sync|create-sync CONNECT ROOT COUNT|SECONDS\n");
    return 2;
  }
  std::string mode = argv[1];
  if (mode == "generate") return strata::Generate(argv[2], argv[3], std::strtoull(argv[4], nullptr, 10));
  if (mode == "walk-sync") return strata::WalkSync(argv[2], argv[3], std::strtod(argv[4], nullptr));
  if (mode == "create-sync") return strata::CreateSync(argv[2], argv[3], std::strtod(argv[4], nullptr));
  std::fprintf(stderr, "zk_bench: unknown mode %s\n", mode.c_str());
  return 2;
}
