// S3Bucket: multipart calls and the conditional-create probe (see s3_bucket.h).
#include <openssl/rand.h>

#include <utility>

#include "storage/s3/crc32c.h"
#include "storage/s3/digest.h"
#include "storage/s3/log.h"
#include "storage/s3/s3_bucket.h"
#include "storage/s3/s3_bucket_internal.h"

namespace strata::s3 {
namespace {

using internal::NowMillis;
using internal::Unquote;

constexpr std::size_t kProbeNameBytes = 8;

std::string RandomHex() {
  unsigned char bytes[kProbeNameBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return std::to_string(now);
  }
  return HexEncode(ByteView(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace

Result<std::string> S3Bucket::CreateMultipartUpload(const std::string& key,
                                                    const storage::CallOptions& call) const {
  CreateMultipartUploadRequest request;
  request.key = key;
  request.content_type = std::string(kOctetStream);
  request.checksum_algorithm = ChecksumAlgorithm::kCrc32c;
  STRATA_ASSIGN_OR_RETURN(HttpRequest http, client_->builder().CreateMultipartUpload(request));
  AddSse(http);
  S3Operation op{"CreateMultipartUpload", key, std::move(http), {}, false, {}};
  STRATA_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(op, call));
  Result<InitiateMultipartUploadResult> parsed = ParseInitiateMultipartUpload(response.body);
  if (!parsed.ok()) {
    return parsed.status().WithContext("CreateMultipartUpload " + client_->Describe(key));
  }
  return parsed->upload_id;
}

Result<CompletedPart> S3Bucket::UploadPart(const std::string& key, const std::string& upload_id,
                                           int part_number, ByteView data,
                                           const storage::CallOptions& call) const {
  UploadPartRequest request;
  request.key = key;
  request.upload_id = upload_id;
  request.part_number = part_number;
  request.checksum_crc32c = Crc32cHeaderValue(Crc32c(data));
  STRATA_ASSIGN_OR_RETURN(HttpRequest http, client_->builder().UploadPart(request));
  http.headers.push_back({"Content-Type", std::string(kOctetStream)});
  S3Operation op{"UploadPart " + std::to_string(part_number), key, std::move(http), data, false,
                 {}};
  STRATA_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(op, call));
  std::optional<std::string_view> etag = response.Header("etag");
  if (!etag.has_value() || etag->empty()) {
    return DataLossError("UploadPart " + std::to_string(part_number) + " " +
                         client_->Describe(key) + ": no ETag in the answer");
  }
  if (std::optional<std::string_view> echoed = response.Header("x-amz-checksum-crc32c");
      echoed.has_value() && *echoed != *request.checksum_crc32c) {
    return DataLossError("UploadPart " + std::to_string(part_number) + " " +
                         client_->Describe(key) + ": the server stored a different CRC-32C");
  }
  return CompletedPart{part_number, std::string(*etag), request.checksum_crc32c, std::nullopt};
}

Result<storage::ObjectInfo> S3Bucket::CompleteMultipartUpload(
    const std::string& key, const std::string& upload_id,
    const std::vector<CompletedPart>& parts, bool if_absent, uint64_t total_size,
    const storage::CallOptions& call) const {
  bool condition_header = if_absent;
  std::optional<KeyTurn> turn;
  if (if_absent) {
    turn.emplace(*this, key);
    STRATA_ASSIGN_OR_RETURN(ConditionalSupport support, Conditional(call));
    if (!support.complete) {
      condition_header = support.put;  // harmless where ignored
      Result<storage::ObjectInfo> existing = HeadObject(key, call);
      if (existing.ok()) {
        return AlreadyExistsError("CompleteMultipartUpload " + client_->Describe(key) +
                                  ": the object exists");
      }
      if (existing.status().code() != StatusCode::kNotFound) return existing.status();
    }
  }
  CompleteMultipartUploadRequest request{key, upload_id, parts, condition_header};
  STRATA_ASSIGN_OR_RETURN(HttpRequest http, client_->builder().CompleteMultipartUpload(request));
  S3Operation op{"CompleteMultipartUpload", key, std::move(http), {}, true, {}};
  int attempts = 0;
  Result<HttpResponse> response = client_->Execute(op, call, &attempts);
  if (!response.ok()) {
    const StatusCode code = response.status().code();
    if (attempts > 1 && (code == StatusCode::kNotFound || code == StatusCode::kAlreadyExists)) {
      // A lost reply: did an earlier attempt complete this very upload? A multipart ETag
      // ends in "-<part count>", and the size must match.
      Result<storage::ObjectInfo> head = HeadObject(key, call);
      const std::string suffix = "-" + std::to_string(parts.size());
      if (head.ok() && head->size == total_size && head->etag.ends_with(suffix)) {
        Log().info("CompleteMultipartUpload {}: an earlier attempt had completed it",
                   client_->Describe(key));
        return storage::ObjectInfo{key, total_size, head->etag, NowMillis()};
      }
    }
    return response.status();
  }
  Result<CompleteMultipartUploadResult> parsed = ParseCompleteMultipartUpload(response->body);
  if (!parsed.ok()) {
    return parsed.status().WithContext("CompleteMultipartUpload " + client_->Describe(key));
  }
  return storage::ObjectInfo{key, total_size, Unquote(parsed->etag), NowMillis()};
}

Status S3Bucket::AbortMultipartUpload(const std::string& key, const std::string& upload_id,
                                      const storage::CallOptions& call) const {
  STRATA_ASSIGN_OR_RETURN(HttpRequest http,
                          client_->builder().AbortMultipartUpload({key, upload_id}));
  S3Operation op{"AbortMultipartUpload", key, std::move(http), {}, false, {}};
  Result<HttpResponse> response = client_->Execute(op, call);
  if (!response.ok() && response.status().code() != StatusCode::kNotFound) {
    return response.status();
  }
  return OkStatus();
}

Result<std::vector<MultipartUpload>> S3Bucket::ListMultipartUploads(
    const std::string& prefix, const storage::CallOptions& call) const {
  std::vector<MultipartUpload> uploads;
  ListMultipartUploadsRequest request;
  if (!prefix.empty()) request.prefix = prefix;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(HttpRequest http, client_->builder().ListMultipartUploads(request));
    S3Operation op{"ListMultipartUploads", prefix, std::move(http), {}, false, {}};
    STRATA_ASSIGN_OR_RETURN(HttpResponse response, client_->Execute(op, call));
    STRATA_ASSIGN_OR_RETURN(ListMultipartUploadsResult page,
                            ParseListMultipartUploads(response.body));
    for (MultipartUpload& u : page.uploads) uploads.push_back(std::move(u));
    if (!page.is_truncated || !page.next_key_marker.has_value()) return uploads;
    request.key_marker = page.next_key_marker;
    request.upload_id_marker = page.next_upload_id_marker;
  }
}

Result<S3Bucket::ConditionalSupport> S3Bucket::Conditional(
    const storage::CallOptions& call) const {
  switch (options_.conditional_create) {
    case ConditionalCreate::kServer:
      return ConditionalSupport{true, true};
    case ConditionalCreate::kHeadCheck:
      return ConditionalSupport{false, false};
    case ConditionalCreate::kAuto:
      break;
  }
  std::lock_guard lock(probe_mu_);
  if (probed_.has_value()) return *probed_;
  Result<ConditionalSupport> support = Probe(call);
  if (!support.ok()) {
    return support.status().WithContext("checking whether the server honours If-None-Match");
  }
  if (!support->put || !support->complete) {
    Log().warn("{} ignores If-None-Match on {}: create-only writes fall back to HEAD before "
               "writing, which is not atomic",
               client_->Describe(options_.probe_prefix),
               support->put ? "CompleteMultipartUpload" : "PUT");
  }
  probed_ = *support;
  return *support;
}

// Creates a probe object with If-None-Match twice (the second must be refused), then
// completes a one-part upload over it with the header (must be refused too), and
// removes the probe whatever happened.
Result<S3Bucket::ConditionalSupport> S3Bucket::Probe(const storage::CallOptions& call) const {
  const std::string key = options_.probe_prefix + ".strata-probe-" + RandomHex();
  S3Bucket raw(client_, S3BucketOptions{options_.sse, ConditionalCreate::kServer, "", false});
  ConditionalSupport support;
  Result<storage::ObjectInfo> first = raw.PutObject(key, "probe", true, call);
  if (!first.ok()) return first.status();
  Result<storage::ObjectInfo> second = raw.PutObject(key, "probe 2", true, call);
  if (!second.ok() && second.status().code() != StatusCode::kAlreadyExists) {
    raw.DeleteObject(key, {}).IgnoreError();
    return second.status();
  }
  support.put = !second.ok();

  Status status = OkStatus();
  Result<std::string> upload = raw.CreateMultipartUpload(key, call);
  if (upload.ok()) {
    Result<CompletedPart> part = raw.UploadPart(key, *upload, 1, "x", call);
    if (part.ok()) {
      Result<storage::ObjectInfo> done =
          raw.CompleteMultipartUpload(key, *upload, {*part}, true, 1, call);
      support.complete = done.status().code() == StatusCode::kAlreadyExists;
      if (!done.ok() && !support.complete) status = done.status();
    } else {
      status = part.status();
    }
    // A refused completion leaves the upload open; a completed one is gone (and this is
    // then a no-op).
    raw.AbortMultipartUpload(key, *upload, {}).IgnoreError();
  } else {
    status = upload.status();
  }
  raw.DeleteObject(key, {}).IgnoreError();
  if (!status.ok()) return status;
  return support;
}

}  // namespace strata::s3
