// ZksWriter: encodes znodes, one at a time and in pre-order, into strata's ZooKeeper
// snapshot stream (.zks, docs/format-zookeeper.md): a plain header, then one zstd frame
// holding the entry records and a trailer (entry count, bytes, CRC-32C).
//
// Memory is bounded by the batch size, the largest entry and zstd's window, never by the
// tree. Compressed bytes go to the sink in chunks of about `chunk_bytes`.
// Thread-compatible: one thread at a time. Not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/bytes.h"
#include "core/result.h"
#include "core/status.h"
#include "format/byte_stream.h"
#include "format/zks_format.h"
#include "format/znode.h"

namespace strata::format {

struct ZksWriterOptions {
  // zstd level. Default 3 (zstd's own default); 1 is faster, higher levels shrink
  // large data further for more CPU.
  int compression_level = 3;
  // The sink receives chunks of this size (the last one may be smaller); at least 64.
  // Larger chunks mean fewer sink calls (e.g. multipart parts); smaller ones less memory.
  size_t chunk_bytes = 1 << 20;
  // Entries are encoded into a batch of about this size before zstd sees them; larger
  // batches save calls into zstd, smaller ones memory.
  size_t batch_bytes = 64 << 10;
};

// What a finished stream holds: the trailer's totals, and the compressed size.
struct ZksSummary {
  ZksTrailer trailer;
  uint64_t compressed_bytes = 0;  // header included
};

class ZksWriter {
 public:
  // Returns a writer that sends its output to `sink`. InvalidArgument for options out of
  // range (chunk_bytes < 64, batch_bytes 0, a level zstd does not accept); Internal if zstd
  // cannot allocate its context. The header goes out at the start of the first chunk.
  static Result<std::unique_ptr<ZksWriter>> Create(ByteSink sink, ZksWriterOptions options = {});
  ~ZksWriter();
  ZksWriter(const ZksWriter&) = delete;
  ZksWriter& operator=(const ZksWriter&) = delete;

  // Appends `node`. Entries must come in pre-order (PreorderChecker: the first entry is
  // the root of the stream, e.g. "/" or a chroot, and every later one lies below it with
  // its parent already written). Returns InvalidArgument (nothing written for this
  // entry) for a bad path, an out-of-order path or a type its source cannot see
  // (CheckZnodeType); the sink's error as is; FailedPrecondition after Finish() or after
  // an earlier sink or zstd error (the stream is then unusable); Internal on zstd errors.
  Status Add(const ZNode& node);

  // Writes the trailer, ends the zstd frame and flushes everything to the sink. Returns
  // the summary, or the errors of Add(). Calling it twice is FailedPrecondition. A stream
  // with no entries is valid.
  Result<ZksSummary> Finish();

  uint64_t entry_count() const { return trailer_.entry_count; }

 private:
  ZksWriter(ByteSink sink, ZksWriterOptions options);
  // Compresses `batch_` (mode: continue or end the frame) and sends full chunks.
  Status CompressBatch(bool end_frame);
  Status Emit(ByteView chunk);
  Status Fail(Status s);

  struct Zstd;
  std::unique_ptr<Zstd> zstd_;
  ByteSink sink_;
  ZksWriterOptions options_;
  PreorderChecker order_;
  Bytes batch_;  // encoded, not yet compressed
  Bytes out_;    // compressed, not yet sent; capacity chunk_bytes
  size_t out_used_ = 0;
  ZksTrailer trailer_;
  uint64_t compressed_bytes_ = 0;
  Status error_;
  bool finished_ = false;
};

}  // namespace strata::format
