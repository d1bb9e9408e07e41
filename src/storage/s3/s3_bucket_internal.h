// Helpers shared by the two files of S3Bucket (s3_bucket.cc, s3_bucket_multipart.cc).
// Not part of the module's interface. Pure; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata::s3::internal {

// Now, in milliseconds since the Unix epoch: the mtime of an object just written.
inline int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An ETag without the double quotes S3 puts around it.
inline std::string Unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

}  // namespace strata::s3::internal
