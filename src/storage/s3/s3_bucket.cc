// S3Bucket: single-object calls and listing. Multipart calls and the conditional-create
// probe are in s3_bucket_multipart.cc.
#include "storage/s3/s3_bucket.h"

#include <charconv>
#include <utility>

#include "core/retry.h"
#include "storage/s3/crc32c.h"
#include "storage/s3/digest.h"
#include "storage/s3/log.h"
#include "storage/s3/s3_bucket_internal.h"

namespace strata::s3 {
namespace {

using internal::NowMillis;
using internal::Unquote;

constexpr int kMaxKeysPerRequest = 1000;
constexpr std::size_t kMd5HexSize = 32;
// Whole-object reads before a checksum mismatch counts as corruption.
constexpr int kMaxChecksumReads = 4;
// Pause before re-reading after a mismatch (times the read number), letting a
// concurrent replacement finish.
constexpr std::chrono::milliseconds kChecksumRereadPause{20};

std::optional<uint64_t> ParseSize(std::optional<std::string_view> text) {
  if (!text.has_value()) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || ptr != text->data() + text->size()) return std::nullopt;
  return v;
}

// The longest prefix of `s` that is valid UTF-8. Object keys are UTF-8 on S3, but a
// listing prefix or start key cut at an arbitrary byte may end inside a character, and
// servers that decode query parameters as text (s3proxy) then sign something else.
std::string ValidUtf8Prefix(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) break;
    bool ok = true;
    for (std::size_t k = 1; k < n; ++k) {
      ok = ok && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (!ok) break;
    i += n;
  }
  return std::string(s.substr(0, i));
}

}  // namespace

S3Bucket::S3Bucket(std::shared_ptr<S3Client> client, S3BucketOptions options)
    : client_(std::move(client)), options_(std::move(options)) {}


void S3Bucket::AddSse(HttpRequest& request) const {
  switch (options_.sse.mode) {
    case SseMode::kNone:
      return;
    case SseMode::kS3:
      request.headers.push_back({"x-amz-server-side-encryption", "AES256"});
      return;
    case SseMode::kKms:
      request.headers.push_back({"x-amz-server-side-encryption", "aws:kms"});
      if (options_.sse.kms_key_id.has_value()) {
        request.headers.push_back(
            {"x-amz-server-side-encryption-aws-kms-key-id", *options_.sse.kms_key_id});
      }
      return;
  }
}

bool S3Bucket::HoldsOurBytes(const std::string& key, ByteView data,
                             const storage::CallOptions& call) const {
  Result<Bytes> stored = GetObject(key, std::nullopt, call);
  return stored.ok() && *stored == data;
}

Result<storage::ObjectInfo> S3Bucket::PutObject(const std::string& key, ByteView data,
                                                bool if_absent,
                                                const storage::CallOptions& call,
                                                std::optional<uint32_t> known_crc32c) const {
  std::optional<KeyTurn> turn;
  if (if_absent) {
    turn.emplace(*this, key);
    STRATA_ASSIGN_OR_RETURN(ConditionalSupport support, Conditional(call));
    if (!support.put) {
      Result<storage::ObjectInfo> existing = HeadObject(key, call);
      if (existing.ok()) {
        return AlreadyExistsError("PUT " + client_->Describe(key) + ": the object exists");
      }
      if (existing.status().code() != StatusCode::kNotFound) return existing.status();
    }
  }
  const std::string checksum = Crc32cHeaderValue(known_crc32c ? *known_crc32c : Crc32c(data));
  PutObjectRequest request;
  request.key = key;
  request.content_type = std::string(kOctetStream);
  request.if_none_match = if_absent;
  request.checksum_crc32c = checksum;
  STRATA_ASSIGN_OR_RETURN(HttpRequest http, client_->builder().PutObject(request));
  AddSse(http);
  S3Operation op{"PUT", key, std::move(http), data, false, {}};
  int attempts = 0;
  Result<HttpResponse> response = client_->Execute(op, call, &attempts);
  if (!response.ok()) {
    if (if_absent && attempts > 1 && response.status().code() == StatusCode::kAlreadyExists &&
        HoldsOurBytes(key, data, call)) {
      Log().info("PUT {}: an earlier attempt had stored the object", client_->Describe(key));
      return storage::ObjectInfo{key, data.size(), "", NowMillis()};
    }
    return response.status();
  }
  if (std::optional<std::string_view> echoed = response->Header("x-amz-checksum-crc32c");
      echoed.has_value() && *echoed != checksum) {
    return DataLossError("PUT " + client_->Describe(key) + ": the server stored CRC-32C " +
                         std::string(*echoed) + " but we sent " + checksum);
  }
  return storage::ObjectInfo{key, data.size(), Unquote(response->Header("etag").value_or("")),
                             NowMillis()};
}

Result<storage::ObjectInfo> S3Bucket::HeadObject(const std::string& key,
                                                 const storage::CallOptions& call) const {
  STRATA_ASSIGN_OR_RETURN(HttpRequest http, client_->builder().HeadObject({key}));
  S3Operation op{"HEAD", key, std::move(http), {}, false, {}};
  STRATA_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(op, call));
  storage::ObjectInfo info;
  info.key = key;
  std::optional<uint64_t> size = ParseSize(response.Header("content-length"));
  if (!size.has_value()) {
    return DataLossError("HEAD " + client_->Describe(key) + ": no valid Content-Length");
  }
  info.size = *size;
  info.etag = Unquote(response.Header("etag").value_or(""));
  if (std::optional<std::string_view> modified = response.Header("last-modified")) {
    info.mtime_unix_ms = ParseHttpDate(*modified).value_or(0);
  }
  return info;
}

Result<Bytes> S3Bucket::GetObject(const std::string& key,
                                  std::optional<storage::ByteRange> range,
                                  const storage::CallOptions& call) const {
  if (range.has_value() && range->length == 0) {
    // S3 has no empty byte range; the size alone answers.
    STRATA_ASSIGN_OR_RETURN(storage::ObjectInfo info, HeadObject(key, call));
    if (range->offset > info.size) {
      return OutOfRangeError("GET " + client_->Describe(key) + ": offset " +
                             std::to_string(range->offset) + " is past the size " +
                             std::to_string(info.size));
    }
    return Bytes();
  }
  GetObjectRequest request;
  request.key = key;
  request.range = range;
  STRATA_ASSIGN_OR_RETURN(HttpRequest http, client_->builder().GetObject(request));
  const bool verify = options_.verify_get_checksums && !range.has_value();
  if (verify) http.headers.push_back({"x-amz-checksum-mode", "ENABLED"});
  const S3Operation op{"GET", key, std::move(http), {}, false, {}};
  Status mismatch;
  for (int read = 1; read <= kMaxChecksumReads; ++read) {
    Result<HttpResponse> response = client_->Execute(op, call);
    if (!response.ok()) {
      if (response.status().code() != StatusCode::kOutOfRange || !range.has_value()) {
        return response.status();
      }
      // 416: the offset is at or past the end. At the end, the answer is empty.
      STRATA_ASSIGN_OR_RETURN(storage::ObjectInfo info, HeadObject(key, call));
      if (range->offset == info.size) return Bytes();
      return response.status();
    }
    Bytes body = std::move(response->body);
    if (range.has_value() && response->status == 200) {
      // The server ignored Range and sent everything: cut the range out ourselves.
      if (range->offset > body.size()) {
        return OutOfRangeError("GET " + client_->Describe(key) + ": offset past the size");
      }
      body = body.substr(range->offset, range->length.value_or(body.size()));
    }
    std::optional<std::string_view> stored = response->Header("x-amz-checksum-crc32c");
    const bool composite = response->Header("x-amz-checksum-type") == "COMPOSITE" ||
                           (stored.has_value() && stored->find('-') != std::string_view::npos);
    if (!verify || !stored.has_value() || composite ||
        Crc32cHeaderValue(Crc32c(body)) == *stored) {
      return body;
    }
    // A second witness: the ETag of a single-PUT object is the MD5 of its bytes.
    const std::string etag = Unquote(response->Header("etag").value_or(""));
    if (etag.size() == kMd5HexSize && Md5Hex(body) == etag) return body;
    // Read again before calling it corruption: a server that replaces data and checksum
    // separately (versitygw) can pair a concurrent replacement's bytes with the old
    // checksum. Real damage fails every read.
    mismatch = DataLossError("GET " + client_->Describe(key) +
                             ": the bytes received do not match the stored CRC-32C " +
                             std::string(*stored) + " (" + std::to_string(read) + " reads)");
    Log().debug("{}", mismatch.ToString());
    if (read < kMaxChecksumReads) SleepUnlessCancelled(kChecksumRereadPause * read, call.cancel);
  }
  return mismatch;
}

Result<storage::ListPage> S3Bucket::List(const std::string& prefix,
                                         const std::string& start_after, int max_keys,
                                         const storage::CallOptions& call) const {
  // One key more than asked for tells whether more follow: some servers (versitygw) set
  // IsTruncated on a page that merely ends exactly at the last key.
  const int target = max_keys + 1;
  storage::ListPage page;
  std::optional<std::string> token;
  // What is sent is valid UTF-8 and selects a superset; the filter below narrows it.
  const std::string sent_prefix = ValidUtf8Prefix(prefix);
  std::string after = ValidUtf8Prefix(start_after);
  bool past_prefix = false;
  while (static_cast<int>(page.objects.size()) < target && !past_prefix) {
    ListObjectsV2Request request;
    if (!sent_prefix.empty()) request.prefix = sent_prefix;
    if (token.has_value()) {
      request.continuation_token = token;
    } else if (!after.empty()) {
      request.start_after = after;
    }
    request.max_keys =
        std::min(target - static_cast<int>(page.objects.size()), kMaxKeysPerRequest);
    STRATA_ASSIGN_OR_RETURN(HttpRequest http, client_->builder().ListObjectsV2(request));
    S3Operation op{"LIST", prefix, std::move(http), {}, false, {}};
    STRATA_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(op, call));
    Result<ListObjectsV2Result> parsed = ParseListObjectsV2(response.body);
    if (!parsed.ok()) return parsed.status().WithContext("LIST " + client_->Describe(prefix));
    for (ListedObject& o : parsed->contents) {
      // Guard against servers that ignore start-after, or repeat keys across pages.
      if (!start_after.empty() && o.key <= start_after) continue;
      if (!page.objects.empty() && o.key <= page.objects.back().key) continue;
      if (!o.key.starts_with(prefix)) {
        past_prefix = o.key > prefix;  // sorted: no later key can match
        if (past_prefix) break;
        continue;
      }
      if (static_cast<int>(page.objects.size()) == target) break;
      page.objects.push_back(storage::ObjectInfo{std::move(o.key), o.size, Unquote(o.etag),
                                                 o.last_modified_unix_ms});
    }
    if (!parsed->is_truncated || past_prefix) break;
    token = parsed->next_continuation_token;
    if (!token.has_value()) {
      // Some servers omit the token: page on after the last key instead.
      if (page.objects.empty()) {
        return DataLossError("LIST " + client_->Describe(prefix) +
                             ": truncated page without keys or continuation token");
      }
      after = page.objects.back().key;
    }
  }
  if (static_cast<int>(page.objects.size()) > max_keys) {
    page.objects.resize(static_cast<std::size_t>(max_keys));
    page.truncated = true;
  }
  return page;
}

Status S3Bucket::DeleteObject(const std::string& key, const storage::CallOptions& call) const {
  STRATA_ASSIGN_OR_RETURN(HttpRequest http, client_->builder().DeleteObject({key}));
  S3Operation op{"DELETE", key, std::move(http), {}, false, {}};
  Result<HttpResponse> response = client_->Execute(op, call);
  if (!response.ok() && response.status().code() != StatusCode::kNotFound) {
    return response.status();
  }
  return OkStatus();
}

Result<std::string> S3Bucket::PresignGet(const std::string& key, std::chrono::seconds expires,
                                         const storage::CallOptions& call) const {
  GetObjectRequest request;
  request.key = key;
  STRATA_ASSIGN_OR_RETURN(HttpRequest http, client_->builder().GetObject(request));
  return client_->Presign(http, expires, call);
}

}  // namespace strata::s3
