// S3Bucket: the object operations S3Store and its writers are built from, on full keys
// of one bucket: single PUT with a CRC-32C checksum and optional create-only
// precondition, whole and ranged GET, HEAD, ListObjectsV2 paging, DELETE, and the
// multipart calls. It owns the behaviour that needs more than one request:
//
//   * Create-only writes. "If-None-Match: *" on PutObject and CompleteMultipartUpload
//     makes the server refuse (412) when the key exists, atomically. Servers that ignore
//     the header would silently replace the object, so support is detected once per
//     bucket (ConditionalCreate::kAuto): a probe object is created twice with the
//     header under the store's prefix, and a one-part multipart upload is completed
//     over it, expecting 412 both times; then the probe is deleted. Where a form is not
//     honoured, the fallback checks with HEAD first; that is NOT atomic (two writers
//     racing can both succeed, the last one wins) and is logged once as a warning.
//     Within one S3Bucket, create-only writes of the same key also take turns (a
//     per-key lock), because versitygw 1.7 checks If-None-Match before writing rather
//     than atomically: threads of one process then still see exactly one winner;
//     across processes the guarantee is the server's.
//   * Lost replies. A retried create-only PUT that meets 412, or a retried Complete
//     that meets NoSuchUpload / 412, may be seeing its own first attempt that landed:
//     the object is checked (size and checksum, or multipart ETag part count) and the
//     call succeeds if it is ours.
//   * Integrity. Every PUT and part carries x-amz-checksum-crc32c, which the server
//     verifies (BadDigest -> DataLoss); a whole-object GET asks for the stored checksum
//     (x-amz-checksum-mode) and verifies the bytes when the server returns a
//     full-object CRC-32C. On a mismatch the ETag is a second witness (the MD5 of a
//     single-PUT object): versitygw stores data and checksum separately, so a GET that
//     races a replacement can pair the new bytes with the old checksum. If neither
//     matches, the object is read again a few times before DataLoss is returned.
//
// Thread-safe: immutable apart from the probe result, which is guarded.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "storage/object_store.h"
#include "storage/s3/s3_client.h"
#include "storage/s3/xml.h"

namespace strata::s3 {

// The Content-Type of every object strata stores.
inline constexpr std::string_view kOctetStream = "application/octet-stream";

// How create-only writes (WriteOptions::if_absent) are done.
enum class ConditionalCreate {
  kAuto,       // probe the server once, use If-None-Match where it works (default)
  kServer,     // trust If-None-Match (AWS S3 and current S3-compatible servers)
  kHeadCheck,  // HEAD, then write: not atomic (for servers known to ignore the header)
};

enum class SseMode { kNone, kS3, kKms };

// Server-side encryption requested on every new object.
struct ServerSideEncryption {
  SseMode mode = SseMode::kNone;          // kS3: AES256 keys managed by S3; kKms: KMS
  std::optional<std::string> kms_key_id;  // kKms only; unset: the account's default key
};

struct S3BucketOptions {
  ServerSideEncryption sse;
  ConditionalCreate conditional_create = ConditionalCreate::kAuto;
  // Where the conditional-create probe object goes (the store's prefix, "" or "p/").
  std::string probe_prefix;
  // Verify whole-object GETs against the server's stored CRC-32C. Default true.
  bool verify_get_checksums = true;
};

class S3Bucket {
 public:
  S3Bucket(std::shared_ptr<S3Client> client, S3BucketOptions options);

  // Each method names its key in errors ("s3://bucket/key") and returns the client's
  // errors (S3Client::Execute) besides those listed.

  // Stores `data` under `key`; with `if_absent`, AlreadyExists if the key exists.
  // Returns size, ETag (unquoted) and now as the modification time. DataLoss if the
  // server's checksum differs from ours. `known_crc32c`: data's CRC-32C if the caller has
  // it (else computed here).
  Result<storage::ObjectInfo> PutObject(const std::string& key, ByteView data, bool if_absent,
                                        const storage::CallOptions& call,
                                        std::optional<uint32_t> known_crc32c = std::nullopt) const;
  // The object, or the part given by `range` with ObjectStore::GetRange semantics (cut
  // at the end; OutOfRange past the size). NotFound if missing; DataLoss if a checksum
  // does not match.
  Result<Bytes> GetObject(const std::string& key, std::optional<storage::ByteRange> range,
                          const storage::CallOptions& call) const;
  // NotFound if missing.
  Result<storage::ObjectInfo> HeadObject(const std::string& key,
                                         const storage::CallOptions& call) const;
  // Up to `max_keys` (1..1000) keys under `prefix` after `start_after`, following
  // continuation tokens until the page is full or the listing ends. Keys are full keys.
  Result<storage::ListPage> List(const std::string& prefix, const std::string& start_after,
                                 int max_keys, const storage::CallOptions& call) const;
  // OK if the key is gone, whether or not it existed.
  Status DeleteObject(const std::string& key, const storage::CallOptions& call) const;

  // Starts a multipart upload (with the CRC-32C checksum algorithm and SSE headers) and
  // returns its upload id.
  Result<std::string> CreateMultipartUpload(const std::string& key,
                                            const storage::CallOptions& call) const;
  // Uploads part `part_number` (1..10000) with its checksum; returns what Complete needs.
  Result<CompletedPart> UploadPart(const std::string& key, const std::string& upload_id,
                                   int part_number, ByteView data,
                                   const storage::CallOptions& call) const;
  // Completes the upload from `parts` (ascending). `total_size` is used to recognise our
  // own object after a lost reply. AlreadyExists with `if_absent` if the key exists.
  Result<storage::ObjectInfo> CompleteMultipartUpload(const std::string& key,
                                                      const std::string& upload_id,
                                                      const std::vector<CompletedPart>& parts,
                                                      bool if_absent, uint64_t total_size,
                                                      const storage::CallOptions& call) const;
  // Discards the upload and its parts. OK if the upload is already gone.
  Status AbortMultipartUpload(const std::string& key, const std::string& upload_id,
                              const storage::CallOptions& call) const;
  // Uploads in progress whose key starts with `prefix` (all pages).
  Result<std::vector<MultipartUpload>> ListMultipartUploads(
      const std::string& prefix, const storage::CallOptions& call) const;

  // A presigned GET URL for `key`, valid for `expires`.
  Result<std::string> PresignGet(const std::string& key, std::chrono::seconds expires,
                                 const storage::CallOptions& call) const;

  const S3Client& client() const { return *client_; }

  // Which create-only forms the server honours (after a probe, for kAuto).
  struct ConditionalSupport {
    bool put = false;       // PutObject with If-None-Match: *
    bool complete = false;  // CompleteMultipartUpload with If-None-Match: *
  };
  // The forms to rely on, probing once under kAuto. Errors of the probe are returned
  // (and the probe is tried again next time).
  Result<ConditionalSupport> Conditional(const storage::CallOptions& call) const;

 private:
  Result<ConditionalSupport> Probe(const storage::CallOptions& call) const;
  void AddSse(HttpRequest& request) const;
  // True if `key` holds exactly `data` (after a lost reply of our own create-only PUT).
  bool HoldsOurBytes(const std::string& key, ByteView data, const storage::CallOptions& call) const;

  // Holds a key for one create-only write at a time (see the header comment).
  class KeyTurn {
   public:
    KeyTurn(const S3Bucket& bucket, const std::string& key) : bucket_(bucket), key_(key) {
      std::unique_lock lock(bucket_.creating_mu_);
      bucket_.creating_cv_.wait(lock, [&] { return !bucket_.creating_.contains(key_); });
      bucket_.creating_.insert(key_);
    }
    ~KeyTurn() {
      std::lock_guard lock(bucket_.creating_mu_);
      bucket_.creating_.erase(key_);
      bucket_.creating_cv_.notify_all();
    }
    KeyTurn(const KeyTurn&) = delete;
    KeyTurn& operator=(const KeyTurn&) = delete;

   private:
    const S3Bucket& bucket_;
    const std::string key_;
  };

  const std::shared_ptr<S3Client> client_;
  const S3BucketOptions options_;
  mutable std::mutex creating_mu_;
  mutable std::condition_variable creating_cv_;
  mutable std::set<std::string> creating_;  // keys with a create-only write under way
  mutable std::mutex probe_mu_;
  mutable std::optional<ConditionalSupport> probed_;  // guarded by probe_mu_
};

}  // namespace strata::s3
