// Conformance cases for List: byte order, prefixes, start_after, max_keys, truncation.
#include <algorithm>
#include <string>
#include <vector>

#include "storage/store_conformance.h"
#include "storage/store_conformance_internal.h"

namespace strata::storage {
namespace conformance_internal {

void LinkListCases() {}

}  // namespace conformance_internal

namespace {

using conformance_internal::HasCode;
using conformance_internal::IsOk;
using conformance_internal::Key;

// Keys whose byte order differs from a naive directory walk: '-' (0x2d) and '.' (0x2e)
// sort before '/' (0x2f), '0' after it; upper case before lower case; UTF-8 (>= 0x80)
// after ASCII. No key is also a "directory" of another, which a file tree cannot hold.
const std::vector<std::string>& OrderKeys() {
  static const auto* keys = new std::vector<std::string>{
      "d/x-1",     "d/x.1",     "d/x/1",      "d/x/2",  "d/x/deeper/z", "d/x0",
      "d/xa",      "d/X",       "d/\xc3\xa9", "d/日本", "d/~tilde",     "d/\xc3\xbc/a",
      "d-sibling", "d.sibling", "e",          "top.txt"};
  return *keys;
}

std::vector<std::string> Sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<std::string> KeysOf(const ListPage& page) {
  std::vector<std::string> out;
  for (const auto& o : page.objects) out.push_back(o.key);
  return out;
}

// What List(prefix, start_after, max_keys) must return, computed from the key set.
ListPage Expected(const std::vector<std::string>& sorted_keys, const std::string& prefix,
                  const std::string& start_after, int max_keys) {
  ListPage page;
  for (const auto& k : sorted_keys) {
    if (!k.starts_with(prefix) || k <= start_after) continue;
    if (page.objects.size() == static_cast<size_t>(max_keys)) {
      page.truncated = true;
      break;
    }
    page.objects.push_back(ObjectInfo{k, 0, "", 0});
  }
  return page;
}

TEST_P(StoreConformanceTest, ListEmptyStore) {
  auto page = store().List("", "");
  ASSERT_TRUE(IsOk(page));
  EXPECT_TRUE(page->objects.empty());
  EXPECT_FALSE(page->truncated);
}

TEST_P(StoreConformanceTest, ListOrdersKeysByByte) {
  for (const auto& k : OrderKeys()) ASSERT_TRUE(IsOk(store().Put(Key(k), k))) << k;
  auto page = store().List("", "");
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ(KeysOf(*page), Sorted(OrderKeys()));
  EXPECT_FALSE(page->truncated);
}

TEST_P(StoreConformanceTest, ListReportsSizes) {
  ASSERT_TRUE(IsOk(store().Put(Key("s/a"), "")));
  ASSERT_TRUE(IsOk(store().Put(Key("s/b"), "12345")));
  auto page = store().List("s/", "");
  ASSERT_TRUE(IsOk(page));
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "s/a");
  EXPECT_EQ(page->objects[0].size, 0u);
  EXPECT_EQ(page->objects[1].key, "s/b");
  EXPECT_EQ(page->objects[1].size, 5u);
}

// Every combination of these prefixes and start_after values against the expected
// answer, with a small page (to check truncation) and a large one.
TEST_P(StoreConformanceTest, ListMatchesReferenceForPrefixesAndStartAfter) {
  for (const auto& k : OrderKeys()) ASSERT_TRUE(IsOk(store().Put(Key(k), k))) << k;
  const auto sorted = Sorted(OrderKeys());
  const std::vector<std::string> prefixes = {
      "", "d", "d/", "d/x", "d/x/", "d/x/d", "d/x/deeper/", "d/\xc3", "d/\xc3\xbc/", "d-",
      "e", "zzz", "d/x-"};
  std::vector<std::string> starts = {"", "a", "d/", "d/x", "d/x/", "d/x/deeper", "d/xz",
                                     "d/y", "zzz"};
  starts.insert(starts.end(), sorted.begin(), sorted.end());
  for (const auto& prefix : prefixes) {
    for (const auto& start : starts) {
      for (int max_keys : {2, 1000}) {
        auto page = store().List(prefix, start, max_keys);
        ASSERT_TRUE(IsOk(page)) << "prefix=" << prefix << " start_after=" << start;
        ListPage want = Expected(sorted, prefix, start, max_keys);
        EXPECT_EQ(KeysOf(*page), KeysOf(want))
            << "prefix=\"" << prefix << "\" start_after=\"" << start << "\" max=" << max_keys;
        EXPECT_EQ(page->truncated, want.truncated)
            << "prefix=\"" << prefix << "\" start_after=\"" << start << "\" max=" << max_keys;
      }
    }
  }
}

TEST_P(StoreConformanceTest, ListPagesThroughAllKeys) {
  std::vector<std::string> keys;
  for (int i = 0; i < 23; ++i) {
    keys.push_back("p/" + std::to_string(i % 4) + "/obj-" + std::to_string(i));
  }
  for (const auto& k : keys) ASSERT_TRUE(IsOk(store().Put(Key(k), "x")));
  for (int max_keys : {1, 3, 5, 23, 100}) {
    std::vector<std::string> seen;
    std::string after;
    int pages = 0;
    while (true) {
      auto page = store().List("p/", after, max_keys);
      ASSERT_TRUE(IsOk(page));
      ASSERT_LE(page->objects.size(), static_cast<size_t>(max_keys));
      ++pages;
      for (const auto& o : page->objects) seen.push_back(o.key);
      if (!page->truncated) break;
      ASSERT_FALSE(page->objects.empty()) << "truncated page without keys";
      after = page->objects.back().key;
      ASSERT_LT(pages, 100) << "paging does not end";
    }
    EXPECT_EQ(seen, Sorted(keys)) << "max_keys=" << max_keys;
    EXPECT_EQ(pages, (23 + max_keys - 1) / max_keys) << "max_keys=" << max_keys;
  }
}

TEST_P(StoreConformanceTest, ListExactlyFullPageIsNotTruncated) {
  for (const char* k : {"f/1", "f/2", "f/3"}) ASSERT_TRUE(IsOk(store().Put(Key(k), "x")));
  auto page = store().List("f/", "", 3);
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ(page->objects.size(), 3u);
  EXPECT_FALSE(page->truncated);
  auto all = ListAll(store(), "f/");
  ASSERT_TRUE(IsOk(all));
  EXPECT_EQ(all->size(), 3u);
}

TEST_P(StoreConformanceTest, ListOmitsDeletedKeys) {
  for (const char* k : {"g/a", "g/b/c", "g/d"}) ASSERT_TRUE(IsOk(store().Put(Key(k), "x")));
  ASSERT_TRUE(IsOk(store().Delete(Key("g/b/c"))));
  auto page = store().List("g/", "");
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ(KeysOf(*page), (std::vector<std::string>{"g/a", "g/d"}));
}

TEST_P(StoreConformanceTest, ListMaxKeysBelowOneIsInvalid) {
  EXPECT_TRUE(HasCode(store().List("", "", 0), StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(store().List("", "", -1), StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace strata::storage
