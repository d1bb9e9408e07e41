#include "storage/chunked_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "storage/fault_injecting_store.h"
#include "storage/memory/memory_store.h"

namespace strata::storage {
namespace {

std::string ReadAll(ChunkedReader& r, int* pieces) {
  std::string out;
  for (;;) {
    auto piece = r.Next();
    EXPECT_TRUE(piece.ok()) << piece.status().ToString();
    if (!piece.ok() || piece->empty()) return out;
    ++*pieces;
    out.append(*piece);
  }
}

TEST(ChunkedReaderTest, ReadsWholeObjectInChunks) {
  MemoryStore store("chunked");
  std::string data(10'000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  ASSERT_TRUE(store.Put(ObjectKey("k"), data).ok());
  ChunkedReader r(store, ObjectKey("k"), data.size(), 4096);
  int pieces = 0;
  EXPECT_EQ(ReadAll(r, &pieces), data);
  EXPECT_EQ(pieces, 3);
  EXPECT_EQ(r.offset(), data.size());
  auto end = r.Next();  // stays at the end
  ASSERT_TRUE(end.ok());
  EXPECT_TRUE(end->empty());
}

TEST(ChunkedReaderTest, EmptyObjectMakesNoRequest) {
  FaultInjectingStore store(std::make_unique<MemoryStore>("chunked-empty"));
  ChunkedReader r(store, ObjectKey("missing"), 0, 16);
  auto piece = r.Next();
  ASSERT_TRUE(piece.ok());
  EXPECT_TRUE(piece->empty());
  EXPECT_EQ(store.calls(StoreOp::kAny), 0);
}

TEST(ChunkedReaderTest, ReadsNoBytePastTheGivenSize) {
  MemoryStore store("chunked-grown");
  ASSERT_TRUE(store.Put(ObjectKey("k"), "0123456789").ok());
  ChunkedReader r(store, ObjectKey("k"), 6, 4);  // listed before it grew
  int pieces = 0;
  EXPECT_EQ(ReadAll(r, &pieces), "012345");
  EXPECT_EQ(pieces, 2);
}

TEST(ChunkedReaderTest, ObjectShorterThanListedIsDataLoss) {
  MemoryStore store("chunked-short");
  ASSERT_TRUE(store.Put(ObjectKey("k"), "01234").ok());
  ChunkedReader r(store, ObjectKey("k"), 9, 4);
  ASSERT_TRUE(r.Next().ok());
  ASSERT_TRUE(r.Next().ok());  // "4"
  auto piece = r.Next();
  ASSERT_FALSE(piece.ok());
  EXPECT_EQ(piece.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(piece.status().message().find("mem://chunked-short/k"), std::string::npos) << piece.status().ToString();
}

TEST(ChunkedReaderTest, StoreErrorsComeThrough) {
  FaultInjectingStore store(std::make_unique<MemoryStore>("chunked-fault"));
  ASSERT_TRUE(store.Put(ObjectKey("k"), "0123456789").ok());
  store.FailNth(StoreOp::kGetRange, 2, UnavailableError("injected"));
  ChunkedReader r(store, ObjectKey("k"), 10, 4);
  ASSERT_TRUE(r.Next().ok());
  auto piece = r.Next();
  ASSERT_FALSE(piece.ok());
  EXPECT_EQ(piece.status().code(), StatusCode::kUnavailable);
}

TEST(ChunkedReaderTest, DownloadsAnObjectToAFile) {
  MemoryStore store{"burry-download-test"};
  std::string big(20u << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>(i / 4096);
  ASSERT_TRUE(store.Put(ObjectKey("zk-backup/1483193387"), big).ok());
  auto path = DownloadToTempFile(store, ObjectKey("zk-backup/1483193387"), ::testing::TempDir());
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  std::ifstream in(*path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), big);
  std::remove(path->c_str());
  EXPECT_EQ(DownloadToTempFile(store, ObjectKey("nope"), ::testing::TempDir()).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace strata::storage
