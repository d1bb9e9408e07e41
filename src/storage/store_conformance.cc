// Conformance cases for single-object calls: Put, Get, GetRange, Head, Delete.
// Listing lives in store_conformance_list.cc, writers and concurrency in
// store_conformance_writer.cc.
#include "storage/store_conformance.h"

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "storage/store_conformance_internal.h"

namespace strata::storage {

namespace conformance_internal {

Bytes Pattern(size_t size, uint64_t seed) {
  Bytes out(size, '\0');
  uint64_t x = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  for (size_t i = 0; i < size; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    out[i] = static_cast<char>(x >> 56);
  }
  return out;
}

::testing::AssertionResult HasCode(const Status& status, StatusCode want) {
  if (status.code() == want) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "want " << StatusCodeName(want) << ", got " << status.ToString();
}

}  // namespace conformance_internal

StoreConformanceParam::StoreConformanceParam(std::string name, StoreFactory factory)
    : name_(std::move(name)), factory_(std::move(factory)) {}

std::string StoreConformanceParamName(
    const ::testing::TestParamInfo<StoreConformanceParam>& info) {
  return info.param.name();
}

void PrintTo(const StoreConformanceParam& param, std::ostream* os) { *os << param.name(); }

void StoreConformanceTest::SetUp() {
  conformance_internal::LinkListCases();
  conformance_internal::LinkWriterCases();
  store_ = GetParam().factory()();
  ASSERT_NE(store_, nullptr) << "store factory returned null";
}

namespace {

using conformance_internal::HasCode;
using conformance_internal::IfAbsent;
using conformance_internal::IsOk;
using conformance_internal::Key;
using conformance_internal::Pattern;

TEST_P(StoreConformanceTest, PutThenGetRoundTrips) {
  ASSERT_TRUE(IsOk(store().Put(Key("a/b/c.txt"), "hello")));
  auto got = store().Get(Key("a/b/c.txt"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "hello");
}

TEST_P(StoreConformanceTest, EmptyObject) {
  ASSERT_TRUE(IsOk(store().Put(Key("empty"), "")));
  auto got = store().Get(Key("empty"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "");
  auto info = store().Head(Key("empty"));
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ(info->size, 0u);
}

TEST_P(StoreConformanceTest, BinaryBytesIncludingNul) {
  Bytes data;
  for (int round = 0; round < 4; ++round) {
    for (int b = 0; b < 256; ++b) data.push_back(static_cast<char>(b));
  }
  data += Bytes(3, '\0');
  ASSERT_TRUE(IsOk(store().Put(Key("bin"), data)));
  auto got = store().Get(Key("bin"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, data);
}

TEST_P(StoreConformanceTest, PutReplacesExisting) {
  ASSERT_TRUE(IsOk(store().Put(Key("k"), "first version, longer")));
  ASSERT_TRUE(IsOk(store().Put(Key("k"), "second")));
  auto got = store().Get(Key("k"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "second");
}

TEST_P(StoreConformanceTest, IfAbsentCreatesMissingKey) {
  ASSERT_TRUE(IsOk(store().Put(Key("once"), "v1", IfAbsent())));
  auto got = store().Get(Key("once"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "v1");
}

TEST_P(StoreConformanceTest, IfAbsentRefusesExistingKeyAndKeepsIt) {
  ASSERT_TRUE(IsOk(store().Put(Key("once"), "v1")));
  EXPECT_TRUE(HasCode(store().Put(Key("once"), "v2", IfAbsent()),
                      StatusCode::kAlreadyExists));
  auto got = store().Get(Key("once"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "v1");
}

TEST_P(StoreConformanceTest, IfAbsentRaceHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      Status s = store().Put(Key("race/lock"), "owner " + std::to_string(t),
                             IfAbsent());
      if (s.ok()) {
        ++created;
      } else if (s.code() == StatusCode::kAlreadyExists) {
        ++refused;
      } else {
        ADD_FAILURE() << s.ToString();
      }
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
}

TEST_P(StoreConformanceTest, MissingObjectIsNotFound) {
  EXPECT_TRUE(HasCode(store().Get(Key("nope")), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().GetRange(Key("nope"), ByteRange{0, 1}), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().Head(Key("nope")), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().Get(Key("no/such/dir/x")), StatusCode::kNotFound));
}

TEST_P(StoreConformanceTest, GetRangeReturnsRequestedBytes) {
  ASSERT_TRUE(IsOk(store().Put(Key("r"), "0123456789")));
  auto middle = store().GetRange(Key("r"), ByteRange{2, 3});
  ASSERT_TRUE(IsOk(middle));
  EXPECT_EQ(*middle, "234");
  auto to_end = store().GetRange(Key("r"), ByteRange{7, std::nullopt});
  ASSERT_TRUE(IsOk(to_end));
  EXPECT_EQ(*to_end, "789");
  auto whole = store().GetRange(Key("r"), ByteRange{0, 10});
  ASSERT_TRUE(IsOk(whole));
  EXPECT_EQ(*whole, "0123456789");
}

TEST_P(StoreConformanceTest, GetRangePastEndIsCut) {
  ASSERT_TRUE(IsOk(store().Put(Key("r"), "0123456789")));
  auto cut = store().GetRange(Key("r"), ByteRange{8, 100});
  ASSERT_TRUE(IsOk(cut));
  EXPECT_EQ(*cut, "89");
}

TEST_P(StoreConformanceTest, GetRangeAtSizeIsEmpty) {
  ASSERT_TRUE(IsOk(store().Put(Key("r"), "0123456789")));
  auto at_end = store().GetRange(Key("r"), ByteRange{10, 5});
  ASSERT_TRUE(IsOk(at_end));
  EXPECT_EQ(*at_end, "");
  auto zero = store().GetRange(Key("r"), ByteRange{3, 0});
  ASSERT_TRUE(IsOk(zero));
  EXPECT_EQ(*zero, "");
}

TEST_P(StoreConformanceTest, GetRangePastSizeIsOutOfRange) {
  ASSERT_TRUE(IsOk(store().Put(Key("r"), "0123456789")));
  EXPECT_TRUE(HasCode(store().GetRange(Key("r"), ByteRange{11, 1}), StatusCode::kOutOfRange));
  EXPECT_TRUE(HasCode(store().GetRange(Key("r"), ByteRange{1000, std::nullopt}),
                      StatusCode::kOutOfRange));
}

TEST_P(StoreConformanceTest, GetRangeOfEmptyObject) {
  ASSERT_TRUE(IsOk(store().Put(Key("e"), "")));
  auto got = store().GetRange(Key("e"), ByteRange{0, std::nullopt});
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "");
  EXPECT_TRUE(HasCode(store().GetRange(Key("e"), ByteRange{1, 1}), StatusCode::kOutOfRange));
}

TEST_P(StoreConformanceTest, HeadReportsKeyAndSize) {
  const Bytes data = Pattern(12345, 7);
  ASSERT_TRUE(IsOk(store().Put(Key("dir/obj.bin"), data)));
  auto info = store().Head(Key("dir/obj.bin"));
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ(info->key, "dir/obj.bin");
  EXPECT_EQ(info->size, data.size());
  EXPECT_GT(info->mtime_unix_ms, 0);
}

TEST_P(StoreConformanceTest, DeleteRemovesObject) {
  ASSERT_TRUE(IsOk(store().Put(Key("d/x"), "x")));
  ASSERT_TRUE(IsOk(store().Delete(Key("d/x"))));
  EXPECT_TRUE(HasCode(store().Get(Key("d/x")), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().Head(Key("d/x")), StatusCode::kNotFound));
}

TEST_P(StoreConformanceTest, DeleteIsIdempotent) {
  EXPECT_TRUE(IsOk(store().Delete(Key("never/existed"))));
  ASSERT_TRUE(IsOk(store().Put(Key("twice"), "x")));
  EXPECT_TRUE(IsOk(store().Delete(Key("twice"))));
  EXPECT_TRUE(IsOk(store().Delete(Key("twice"))));
}

TEST_P(StoreConformanceTest, DeleteThenPutAgain) {
  ASSERT_TRUE(IsOk(store().Put(Key("p/q/r"), "1")));
  ASSERT_TRUE(IsOk(store().Delete(Key("p/q/r"))));
  ASSERT_TRUE(IsOk(store().Put(Key("p/q/r"), "2")));
  auto got = store().Get(Key("p/q/r"));
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "2");
}

TEST_P(StoreConformanceTest, CancelledCallDoesNothing) {
  CallOptions cancelled;
  cancelled.cancel.Cancel();
  EXPECT_TRUE(HasCode(store().Put(Key("c"), "x", {}, cancelled), StatusCode::kCancelled));
  EXPECT_TRUE(HasCode(store().Get(Key("c")), StatusCode::kNotFound));
  ASSERT_TRUE(IsOk(store().Put(Key("c"), "x")));
  EXPECT_TRUE(HasCode(store().Get(Key("c"), cancelled), StatusCode::kCancelled));
  EXPECT_TRUE(HasCode(store().List("", "", 10, cancelled), StatusCode::kCancelled));
  EXPECT_TRUE(HasCode(store().Delete(Key("c"), cancelled), StatusCode::kCancelled));
  EXPECT_TRUE(IsOk(store().Get(Key("c"))));
}

TEST_P(StoreConformanceTest, DescribeNamesTheKey) {
  const std::string where = store().Describe(Key("kafka/c1/x.json"));
  EXPECT_NE(where.find("kafka/c1/x.json"), std::string::npos) << where;
  EXPECT_NE(where.find("://"), std::string::npos) << where;
}

}  // namespace
}  // namespace strata::storage
