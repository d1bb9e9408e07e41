#include "storage/s3/s3_store.h"

#include <utility>

#include "storage/s3/s3_writer.h"
#include "storage/store_checks.h"

namespace strata::s3 {
namespace {

using storage::CallOptions;
using storage::ObjectKey;

std::string NormalisePrefix(std::string prefix) {
  if (!prefix.empty() && !prefix.ends_with('/')) prefix += '/';
  return prefix;
}

Status CheckKeyAndCall(const ObjectKey& key, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(storage::CheckCall(call));
  return storage::ValidateKey(key.str());
}

}  // namespace

Result<std::unique_ptr<S3Store>> S3Store::Create(std::shared_ptr<S3Client> client,
                                                 S3StoreOptions options) {
  if (options.part_size < kMinPartSize || options.part_size > kMaxPartSize) {
    return InvalidArgumentError("S3 part size must be between 5 MiB and 5 GiB, not " +
                                std::to_string(options.part_size) + " bytes");
  }
  if (options.parallel_parts < 1 || options.parallel_parts > kMaxParallelParts) {
    return InvalidArgumentError("S3 parallel parts must be 1..64, not " +
                                std::to_string(options.parallel_parts));
  }
  if (options.sse.kms_key_id.has_value() && options.sse.mode != SseMode::kKms) {
    return InvalidArgumentError("a KMS key id needs SSE-KMS encryption");
  }
  std::string prefix = options.prefix;
  while (prefix.ends_with('/')) prefix.pop_back();
  if (!prefix.empty()) {
    Status s = storage::ValidateKey(prefix);
    if (!s.ok()) return s.WithContext("S3 key prefix");
  }
  options.prefix = NormalisePrefix(std::move(prefix));
  return std::unique_ptr<S3Store>(new S3Store(std::move(client), std::move(options)));
}

S3Store::S3Store(std::shared_ptr<S3Client> client, S3StoreOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      bucket_(std::make_shared<const S3Bucket>(
          client_, S3BucketOptions{options_.sse, options_.conditional_create, options_.prefix,
                                   options_.verify_get_checksums})) {}

Status S3Store::Put(const ObjectKey& key, ByteView data, const storage::WriteOptions& options,
                    const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(CheckKeyAndCall(key, call));
  return bucket_->PutObject(Full(key), data, options.if_absent, call, options.crc32c).status();
}

Result<Bytes> S3Store::Get(const ObjectKey& key, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(CheckKeyAndCall(key, call));
  return bucket_->GetObject(Full(key), std::nullopt, call);
}

Result<Bytes> S3Store::GetRange(const ObjectKey& key, storage::ByteRange range,
                                const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(CheckKeyAndCall(key, call));
  return bucket_->GetObject(Full(key), range, call);
}

Result<storage::ObjectInfo> S3Store::Head(const ObjectKey& key, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(CheckKeyAndCall(key, call));
  STRATA_ASSIGN_OR_RETURN(storage::ObjectInfo info, bucket_->HeadObject(Full(key), call));
  info.key = key.str();
  return info;
}

Result<storage::ListPage> S3Store::List(std::string_view prefix, std::string_view start_after,
                                        int max_keys, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(storage::CheckCall(call));
  STRATA_RETURN_IF_ERROR(storage::ValidateMaxKeys(max_keys));
  const std::string full_prefix = options_.prefix + std::string(prefix);
  // Without a start key the prefix alone bounds the listing.
  const std::string full_start =
      start_after.empty() ? std::string() : options_.prefix + std::string(start_after);
  STRATA_ASSIGN_OR_RETURN(storage::ListPage page,
                          bucket_->List(full_prefix, full_start, max_keys, call));
  for (storage::ObjectInfo& o : page.objects) o.key.erase(0, options_.prefix.size());
  return page;
}

Status S3Store::Delete(const ObjectKey& key, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(CheckKeyAndCall(key, call));
  return bucket_->DeleteObject(Full(key), call);
}

Result<std::unique_ptr<storage::ObjectWriter>> S3Store::NewWriter(
    const ObjectKey& key, const storage::WriteOptions& options, const CallOptions& call) {
  STRATA_RETURN_IF_ERROR(CheckKeyAndCall(key, call));
  S3WriterOptions writer{options_.part_size, options_.parallel_parts, options.if_absent};
  return std::unique_ptr<storage::ObjectWriter>(
      std::make_unique<S3Writer>(bucket_, Full(key), key.str(), writer, call));
}

std::string S3Store::Describe(const ObjectKey& key) const { return client_->Describe(Full(key)); }

Result<std::string> S3Store::PresignGet(const ObjectKey& key, std::chrono::seconds expires,
                                        const CallOptions& call) const {
  STRATA_RETURN_IF_ERROR(CheckKeyAndCall(key, call));
  return bucket_->PresignGet(Full(key), expires, call);
}

Result<std::vector<MultipartUpload>> S3Store::ListUploads(const CallOptions& call) const {
  STRATA_ASSIGN_OR_RETURN(std::vector<MultipartUpload> uploads,
                          bucket_->ListMultipartUploads(options_.prefix, call));
  for (MultipartUpload& u : uploads) u.key.erase(0, options_.prefix.size());
  return uploads;
}

Status S3Store::AbortUpload(const MultipartUpload& upload, const CallOptions& call) const {
  return bucket_->AbortMultipartUpload(options_.prefix + upload.key, upload.upload_id, call);
}

Status S3Store::CheckAccess(const CallOptions& call) const {
  Result<storage::ListPage> page = bucket_->List(options_.prefix, "", 1, call);
  if (page.ok()) return OkStatus();
  const Status& s = page.status();
  if (s.message().find("NoSuchBucket") != std::string::npos) {
    const std::string endpoint = client_->options().hints.endpoint.value_or("the endpoint");
    return FailedPreconditionError("bucket \"" + client_->builder().bucket() +
                                   "\" does not exist at " + endpoint + " (" + s.message() +
                                   ")");
  }
  return s;
}

}  // namespace strata::s3
