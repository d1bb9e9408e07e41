// ZksReader: decodes strata's ZooKeeper snapshot stream (.zks, docs/format-zookeeper.md)
// from compressed bytes pulled, chunk by chunk, from a source, and yields the znodes one
// at a time in the order they were written (pre-order). At the end it verifies the
// trailer (entry count, bytes, CRC-32C), zstd's frame checksum, and that nothing follows.
//
// Memory is bounded by the largest entry plus zstd's window and output buffer, never by
// the tree. Thread-compatible: one thread at a time. Not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "core/status.h"
#include "format/byte_stream.h"
#include "format/zks_format.h"
#include "format/zks_writer.h"
#include "format/znode.h"

namespace strata::format {

class ZksReader {
 public:
  // Returns a reader that pulls from `source` (nothing is read before the first Next()).
  // Internal if zstd cannot allocate its context.
  static Result<std::unique_ptr<ZksReader>> Create(ByteSource source);
  ~ZksReader();
  ZksReader(const ZksReader&) = delete;
  ZksReader& operator=(const ZksReader&) = delete;

  // Reads the next entry into `node`, reusing its buffers. Returns true with an entry;
  // false once the trailer has been read and the whole stream verified. Errors:
  //   FailedPrecondition: not a .zks stream (bad magic), or a version or header flags this
  //     code does not read;
  //   DataLoss: corruption or truncation (malformed entry, entries out of pre-order,
  //     trailer mismatch, zstd error or checksum mismatch, no trailer before the end,
  //     bytes after the end), with the entry index and the last good path;
  //   the source's own error, unchanged.
  // After an error every further call returns the same error.
  Result<bool> Next(ZNode* node);

  // The verified trailer and the compressed size. REQUIRES: Next() returned false.
  const ZksSummary& summary() const { return summary_; }
  // Entries returned so far.
  uint64_t entries_read() const { return entries_; }

 private:
  explicit ZksReader(ByteSource source);
  Status ReadHeader();
  Status ReadRecord(ZNode* node, bool* got_entry);
  Status ReadTrailer();
  // Makes at least `n` decoded bytes available at buf_[rpos_]; DataLoss if the stream
  // ends first.
  Status Ensure(size_t n);
  // Decodes more bytes into buf_; sets *progress. OK with no progress only at the end of
  // the input.
  Status Decompress(bool* progress);
  Status PullSource();
  Status VerifyEnd();
  Status Fail(Status s);
  std::string Where() const;

  struct Zstd;
  std::unique_ptr<Zstd> zstd_;
  ByteSource source_;
  ByteView in_;
  size_t in_pos_ = 0;
  bool source_done_ = false;
  bool frame_done_ = false;
  Bytes buf_;  // decoded bytes: [rpos_, wpos_) not yet parsed
  size_t rpos_ = 0, wpos_ = 0;
  bool header_read_ = false;
  bool done_ = false;
  Status error_;
  PreorderChecker order_;
  uint64_t entries_ = 0;
  ZksTrailer seen_;  // totals computed while reading
  ZksSummary summary_;
};

}  // namespace strata::format
