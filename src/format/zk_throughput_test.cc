// Throughput of the ZooKeeper formats on 1,000,000 small znodes. Disabled by default
// (they take seconds and measure, not check); run with
//   format_zk_test --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
// on an optimised build. They print entries and MB (uncompressed entry bytes) per CPU
// second.
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>

#include "format/adler32.h"
#include "format/zk_server_snapshot.h"
#include "format/zks_test_util.h"

namespace strata::format {
namespace {

constexpr int kNodes = 1'000'000;
constexpr int kFanout = 1000;

// "/", then kFanout directories with kNodes / kFanout - 1 children each: 1,000,000
// znodes below the root, in pre-order.
template <typename Fn>
void ForEachPath(Fn fn) {
  fn(std::string("/"));
  std::string path;
  for (int d = 0; d < kFanout; ++d) {
    std::string dir = "/dir-" + std::to_string(d);
    fn(dir);
    for (int c = 0; c + 1 < kNodes / kFanout; ++c) fn(dir + "/node-" + std::to_string(c));
  }
}

// CPU seconds of this process since `start` (a std::clock() value): on a shared, busy
// machine wall time would measure the neighbours.
double Seconds(std::clock_t start) {
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

TEST(ZkThroughput, DISABLED_Zks1MEntries) {
  Bytes out;
  out.reserve(64 << 20);
  auto writer = ZksWriter::Create([&](ByteView c) {
    out.append(c);
    return OkStatus();
  });
  ASSERT_TRUE(writer.ok());
  ZNode node = test_util::MakeNode("/", Bytes("{\"version\":1,\"value\":12345}"));
  std::clock_t start = std::clock();
  uint64_t count = 0;
  ForEachPath([&](const std::string& path) {
    node.path = path;
    node.stat.mzxid = static_cast<int64_t>(++count);
    ASSERT_TRUE((*writer)->Add(node).ok());
  });
  auto summary = (*writer)->Finish();
  ASSERT_TRUE(summary.ok());
  double write_s = Seconds(start);
  double mb = static_cast<double>(summary->trailer.entry_bytes) / 1e6;
  std::printf(
      "zks write: %llu entries, %.1f MB raw -> %.1f MB zstd, %.2f s: %.0f entries/s, %.0f MB/s\n",
      static_cast<unsigned long long>(count), mb, static_cast<double>(out.size()) / 1e6, write_s,
      static_cast<double>(count) / write_s, mb / write_s);

  auto reader = ZksReader::Create(test_util::ChunkedSource(out, 1 << 20));
  ASSERT_TRUE(reader.ok());
  start = std::clock();
  uint64_t read = 0;
  for (;;) {
    auto more = (*reader)->Next(&node);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ++read;
  }
  double read_s = Seconds(start);
  EXPECT_EQ(read, count);
  std::printf("zks read:  %.2f s: %.0f entries/s, %.0f MB/s\n", read_s,
              static_cast<double>(read) / read_s, mb / read_s);
}

TEST(ZkThroughput, DISABLED_ServerSnapshot1MNodes) {
  Bytes file("ZKSN\0\0\0\x02\xff\xff\xff\xff\xff\xff\xff\xff\0\0\0\0\0\0\0\0",
             24);  // no sessions, no ACLs
  auto put32 = [&](uint32_t v) {
    for (int i = 3; i >= 0; --i) file.push_back(static_cast<char>(v >> (8 * i)));
  };
  auto put64 = [&](uint64_t v) {
    put32(static_cast<uint32_t>(v >> 32)), put32(static_cast<uint32_t>(v));
  };
  auto str = [&](const std::string& s) { put32(static_cast<uint32_t>(s.size())), file += s; };
  ForEachPath([&](const std::string& path) {
    str(path == "/" ? "" : path);
    str("{\"version\":1,\"value\":12345}");
    put64(~uint64_t{0});  // open ACL
    for (int i = 0; i < 4; ++i) put64(i);
    for (int i = 0; i < 3; ++i) put32(i);
    put64(0), put64(7);
  });
  str("/");
  put64(Adler32(file));
  str("/");
  ServerSnapshotReader reader(test_util::ChunkedSource(file, 1 << 20));
  ZNode node;
  std::clock_t start = std::clock();
  uint64_t read = 0;
  for (;;) {
    auto more = reader.Next(&node);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ++read;
  }
  double s = Seconds(start);
  EXPECT_EQ(read, static_cast<uint64_t>(kNodes) + 1);  // and the root
  std::printf("server snapshot read: %llu nodes, %.1f MB, %.2f s: %.0f nodes/s, %.0f MB/s\n",
              static_cast<unsigned long long>(read), static_cast<double>(file.size()) / 1e6, s,
              static_cast<double>(read) / s, static_cast<double>(file.size()) / 1e6 / s);
}

}  // namespace
}  // namespace strata::format
