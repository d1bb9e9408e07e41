// Test helper: writes a ZIP file with given entries through libzip, the way Burry's
// archives look (deflated; a name ending in "/" is a directory entry). For unit tests of
// burry/ and backup/burry_import; not part of the program.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace strata::burry::testing {

using ZipEntries = std::vector<std::pair<std::string, std::string>>;  // name, data

inline std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/burry_" + std::to_string(::getpid()) + "_" + name;
}

// Writes `entries` in the given order to TempPath(name) and returns the path.
inline std::string WriteZip(const std::string& name, const ZipEntries& entries) {
  std::string path = TempPath(name);
  std::remove(path.c_str());
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_NE(z, nullptr);
  for (const auto& [n, data] : entries) {
    if (!n.empty() && n.back() == '/') {
      EXPECT_GE(zip_dir_add(z, n.substr(0, n.size() - 1).c_str(), ZIP_FL_ENC_UTF_8), 0) << n;
      continue;
    }
    // libzip reads the buffer at zip_close: `entries` outlives it.
    zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
    EXPECT_GE(zip_file_add(z, n.c_str(), src, ZIP_FL_ENC_UTF_8), 0) << n;
  }
  EXPECT_EQ(zip_close(z), 0);
  return path;
}

}  // namespace strata::burry::testing
