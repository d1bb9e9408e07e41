// Conformance cases for streaming writers and for concurrent use of one store.
#include <algorithm>
#include <atomic>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/store_conformance.h"
#include "storage/store_conformance_internal.h"

namespace strata::storage {
namespace conformance_internal {

void LinkWriterCases() {}

}  // namespace conformance_internal

namespace {

using conformance_internal::HasCode;
using conformance_internal::IfAbsent;
using conformance_internal::IsOk;
using conformance_internal::Key;
using conformance_internal::Pattern;

constexpr size_t kMiB = 1024 * 1024;

TEST_P(StoreConformanceTest, WriterIsInvisibleUntilCommit) {
  auto writer = store().NewWriter(Key("w/obj"));
  ASSERT_TRUE(IsOk(writer));
  ASSERT_TRUE(IsOk((*writer)->Append("hello ")));
  ASSERT_TRUE(IsOk((*writer)->Append("world")));
  EXPECT_TRUE(HasCode(store().Get(Key("w/obj")), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().Head(Key("w/obj")), StatusCode::kNotFound));
  auto listed = store().List("", "");
  ASSERT_TRUE(IsOk(listed));
  EXPECT_TRUE(listed->objects.empty());

  auto info = (*writer)->Commit();
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ(info->key, "w/obj");
  EXPECT_EQ(info->size, 11u);
  auto got = store().Get(Key("w/obj"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "hello world");
}

TEST_P(StoreConformanceTest, WriterEmptyObject) {
  auto writer = store().NewWriter(Key("w/empty"));
  ASSERT_TRUE(IsOk(writer));
  ASSERT_TRUE(IsOk((*writer)->Commit()));
  auto got = store().Get(Key("w/empty"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "");
}

TEST_P(StoreConformanceTest, WriterAbortLeavesNothing) {
  auto writer = store().NewWriter(Key("w/aborted"));
  ASSERT_TRUE(IsOk(writer));
  ASSERT_TRUE(IsOk((*writer)->Append(Pattern(100'000, 1))));
  (*writer)->Abort();
  (*writer)->Abort();
  EXPECT_FALSE((*writer)->Commit().ok());
  EXPECT_TRUE(HasCode(store().Get(Key("w/aborted")), StatusCode::kNotFound));
  auto listed = store().List("", "");
  ASSERT_TRUE(IsOk(listed));
  EXPECT_TRUE(listed->objects.empty());
}

TEST_P(StoreConformanceTest, WriterDestroyedWithoutCommitLeavesNothing) {
  {
    auto writer = store().NewWriter(Key("w/dropped"));
    ASSERT_TRUE(IsOk(writer));
    ASSERT_TRUE(IsOk((*writer)->Append("partial")));
  }
  EXPECT_TRUE(HasCode(store().Get(Key("w/dropped")), StatusCode::kNotFound));
  auto listed = store().List("", "");
  ASSERT_TRUE(IsOk(listed));
  EXPECT_TRUE(listed->objects.empty());
}

TEST_P(StoreConformanceTest, WriterReplacesExisting) {
  ASSERT_TRUE(IsOk(store().Put(Key("w/k"), "old contents")));
  auto writer = store().NewWriter(Key("w/k"));
  ASSERT_TRUE(IsOk(writer));
  ASSERT_TRUE(IsOk((*writer)->Append("new")));
  auto during = store().Get(Key("w/k"));
  ASSERT_TRUE(IsOk(during));
  EXPECT_EQ(*during, "old contents");
  ASSERT_TRUE(IsOk((*writer)->Commit()));
  auto got = store().Get(Key("w/k"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "new");
}

TEST_P(StoreConformanceTest, WriterIfAbsentLosesToKeyCreatedMeanwhile) {
  auto writer = store().NewWriter(Key("w/once"), IfAbsent());
  ASSERT_TRUE(IsOk(writer));
  ASSERT_TRUE(IsOk((*writer)->Append("from writer")));
  ASSERT_TRUE(IsOk(store().Put(Key("w/once"), "from put")));
  EXPECT_TRUE(HasCode((*writer)->Commit(), StatusCode::kAlreadyExists));
  auto got = store().Get(Key("w/once"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "from put");
}

TEST_P(StoreConformanceTest, WriterIfAbsentRefusesExistingKey) {
  ASSERT_TRUE(IsOk(store().Put(Key("w/once"), "first")));
  // A backend may refuse at NewWriter or at Commit; either way nothing is replaced.
  auto writer = store().NewWriter(Key("w/once"), IfAbsent());
  if (writer.ok()) {
    ASSERT_TRUE(IsOk((*writer)->Append("second")));
    EXPECT_TRUE(HasCode((*writer)->Commit(), StatusCode::kAlreadyExists));
  } else {
    EXPECT_TRUE(HasCode(writer, StatusCode::kAlreadyExists));
  }
  auto got = store().Get(Key("w/once"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "first");
}

TEST_P(StoreConformanceTest, WriterRefusesAppendAfterCommit) {
  auto writer = store().NewWriter(Key("w/done"));
  ASSERT_TRUE(IsOk(writer));
  ASSERT_TRUE(IsOk((*writer)->Append("x")));
  ASSERT_TRUE(IsOk((*writer)->Commit()));
  EXPECT_FALSE((*writer)->Append("y").ok());
  EXPECT_FALSE((*writer)->Commit().ok());
  auto got = store().Get(Key("w/done"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "x");
}

// 20 MiB in chunk sizes that are not powers of two and that straddle any internal
// buffer or part boundary.
TEST_P(StoreConformanceTest, WriterStreamsLargeObjectInOddChunks) {
  const Bytes data = Pattern(20 * kMiB, 42);
  const size_t chunk_sizes[] = {1, 7, 4093, 65537, kMiB + 3, 3 * kMiB - 1, 5 * kMiB + 11};
  auto writer = store().NewWriter(Key("big/object.bin"));
  ASSERT_TRUE(IsOk(writer));
  size_t offset = 0;
  for (size_t i = 0; offset < data.size(); ++i) {
    const size_t n = std::min(chunk_sizes[i % std::size(chunk_sizes)], data.size() - offset);
    ASSERT_TRUE(IsOk((*writer)->Append(ByteView(data).substr(offset, n)))) << "at " << offset;
    offset += n;
  }
  auto info = (*writer)->Commit();
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ(info->size, data.size());
  auto head = store().Head(Key("big/object.bin"));
  ASSERT_TRUE(IsOk(head));
  EXPECT_EQ(head->size, data.size());
  auto got = store().Get(Key("big/object.bin"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_TRUE(*got == data) << "contents differ (size " << got->size() << ")";
  auto tail = store().GetRange(Key("big/object.bin"), ByteRange{data.size() - 1000, 5000});
  ASSERT_TRUE(IsOk(tail));
  EXPECT_TRUE(*tail == data.substr(data.size() - 1000));
}

// 8 threads put distinct keys and keep replacing one shared key while readers check that
// the shared key always holds one complete value (puts are atomic).
TEST_P(StoreConformanceTest, ConcurrentPutsFromEightThreads) {
  constexpr int kThreads = 8;
  constexpr int kKeysPerThread = 25;
  constexpr size_t kValueSize = 10'000;
  std::set<Bytes> shared_values;
  for (int t = 0; t < kThreads; ++t) shared_values.insert(Pattern(kValueSize, 1000 + t));
  ASSERT_TRUE(IsOk(store().Put(Key("c/shared"), Pattern(kValueSize, 1000))));

  std::atomic<bool> writers_done{false};
  std::atomic<int> torn_reads{0};
  std::thread reader([&] {
    while (!writers_done.load()) {
      auto got = store().Get(Key("c/shared"));
      if (!got.ok() || shared_values.count(*got) == 0) ++torn_reads;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kKeysPerThread; ++i) {
        const std::string key = "c/t" + std::to_string(t) + "/k" + std::to_string(i);
        Status s = store().Put(Key(key), "value of " + key);
        if (!s.ok()) ADD_FAILURE() << key << ": " << s.ToString();
        s = store().Put(Key("c/shared"), Pattern(kValueSize, 1000 + t));
        if (!s.ok()) ADD_FAILURE() << "shared: " << s.ToString();
      }
    });
  }
  for (auto& w : writers) w.join();
  writers_done = true;
  reader.join();
  EXPECT_EQ(torn_reads.load(), 0);

  auto all = ListAll(store(), "c/");
  ASSERT_TRUE(IsOk(all));
  EXPECT_EQ(all->size(), static_cast<size_t>(kThreads * kKeysPerThread + 1));
  for (const auto& info : *all) {
    if (info.key == "c/shared") continue;
    auto got = store().Get(Key(info.key));
    ASSERT_TRUE(IsOk(got)) << info.key;
    EXPECT_EQ(*got, "value of " + info.key);
  }
}

}  // namespace
}  // namespace strata::storage
