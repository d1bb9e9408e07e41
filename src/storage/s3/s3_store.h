// S3Store: the ObjectStore of an S3 bucket (AWS S3 or any S3-compatible server) under an
// optional key prefix: repository key "k" is object "<prefix>k". Open one from an
// s3:// URL with OpenS3Store (s3_opener.h); this class takes an assembled S3Client.
//
//   Put       one PUT with x-amz-checksum-crc32c (the server checks it); create-only
//             with If-None-Match: * (see s3_bucket.h for servers that ignore it)
//   Get       one GET, verified against the stored CRC-32C when the server has one
//   GetRange  GET with a Range header (416 -> OutOfRange past the end)
//   Head      HEAD; List: ListObjectsV2 (start-after, continuation tokens); Delete:
//             DELETE (a missing key is fine)
//   NewWriter S3Writer: parallel multipart upload with bounded memory, a single PUT
//             for objects smaller than one part
//
// Every request is retried on transient failures by S3Client. Keys must be portable
// (storage/store_checks.h).
//
// Thread-safe. Writers share the client and may outlive the store.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/object_store.h"
#include "storage/s3/s3_bucket.h"
#include "storage/s3/s3_client.h"

namespace strata::s3 {

// S3's smallest part (every part but the last) and largest part.
inline constexpr std::size_t kMinPartSize = std::size_t{5} << 20;
inline constexpr std::size_t kMaxPartSize = std::size_t{5} << 30;
inline constexpr int kMaxParallelParts = 64;

struct S3StoreOptions {
  // Key prefix inside the bucket ("", "team-a", "backups/prod"; a '/' is added).
  std::string prefix;
  // Multipart part size. Default 8 MiB; 5 MiB .. 5 GiB. Larger parts mean fewer
  // requests (and objects up to 10000 x part size) but more memory per writer.
  std::size_t part_size = std::size_t{8} << 20;
  // Parts uploaded at once per writer. Default 4; 1..64. A writer holds at most
  // part_size x parallel_parts bytes (32 MiB by default). More parallelism helps on
  // high-latency links, up to the bandwidth.
  int parallel_parts = 4;
  ServerSideEncryption sse;
  ConditionalCreate conditional_create = ConditionalCreate::kAuto;
  // Verify whole-object GETs against the server's CRC-32C. Default true.
  bool verify_get_checksums = true;
};

class S3Store final : public storage::ObjectStore {
 public:
  // InvalidArgument if the part size or parallelism is out of range, the prefix is not a
  // portable key, or a KMS key id is given without SSE-KMS.
  static Result<std::unique_ptr<S3Store>> Create(std::shared_ptr<S3Client> client,
                                                 S3StoreOptions options);

  // ObjectStore semantics (storage/object_store.h) plus the errors of S3Client::Execute;
  // invalid keys are InvalidArgument, a cancelled or expired call Cancelled /
  // DeadlineExceeded before any request.
  Status Put(const storage::ObjectKey& key, ByteView data,
             const storage::WriteOptions& options = {},
             const storage::CallOptions& call = {}) override;
  Result<Bytes> Get(const storage::ObjectKey& key, const storage::CallOptions& call = {}) override;
  Result<Bytes> GetRange(const storage::ObjectKey& key, storage::ByteRange range,
                         const storage::CallOptions& call = {}) override;
  Result<storage::ObjectInfo> Head(const storage::ObjectKey& key,
                                   const storage::CallOptions& call = {}) override;
  Result<storage::ListPage> List(std::string_view prefix, std::string_view start_after,
                                 int max_keys = 1000,
                                 const storage::CallOptions& call = {}) override;
  Status Delete(const storage::ObjectKey& key, const storage::CallOptions& call = {}) override;
  Result<std::unique_ptr<storage::ObjectWriter>> NewWriter(
      const storage::ObjectKey& key, const storage::WriteOptions& options = {},
      const storage::CallOptions& call = {}) override;
  // "s3://bucket/prefix/key".
  std::string Describe(const storage::ObjectKey& key) const override;

  // A presigned GET URL for `key`, valid for `expires` (1 s .. 7 days), for handing to
  // a tool without credentials. It grants read access until it expires: treat it as a
  // secret. InvalidArgument for a bad key or expiry.
  Result<std::string> PresignGet(const storage::ObjectKey& key, std::chrono::seconds expires,
                                 const storage::CallOptions& call = {}) const;

  // Multipart uploads in progress under the prefix (keys relative to it), e.g. left by a
  // crashed process. To remove one: AbortUpload.
  Result<std::vector<MultipartUpload>> ListUploads(const storage::CallOptions& call = {}) const;
  Status AbortUpload(const MultipartUpload& upload, const storage::CallOptions& call = {}) const;

  // Checks that the bucket exists and the credentials may list it (one ListObjectsV2 of
  // at most one key). FailedPrecondition "bucket X does not exist at ENDPOINT";
  // Unauthenticated / PermissionDenied naming the credential source.
  Status CheckAccess(const storage::CallOptions& call = {}) const;

  const S3Client& client() const { return *client_; }
  const std::string& prefix() const { return options_.prefix; }

 private:
  S3Store(std::shared_ptr<S3Client> client, S3StoreOptions options);
  std::string Full(const storage::ObjectKey& key) const { return options_.prefix + key.str(); }

  const std::shared_ptr<S3Client> client_;
  const S3StoreOptions options_;  // prefix normalised to "" or ending in '/'
  // shared_ptr: writers keep using the bucket after the store is gone.
  const std::shared_ptr<const S3Bucket> bucket_;
};

}  // namespace strata::s3
