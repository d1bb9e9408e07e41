// BatchChecker: checks a record batch that strata keeps as the source wrote it (the raw
// Kafka reader, docs/kafka-backup.md) before it goes into a segment: lengths, CRC-32C,
// header consistency, a codec restore can read (none, lz4, zstd), not a control batch, and
// every record decodable; and finds what the segment summary needs that the header does
// not say exactly (the smallest record timestamp).
//
// Thread-compatible: one checker per thread (it reuses its buffers).
#pragma once

#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "format/codec.h"
#include "format/kafka_record.h"
#include "format/record_batch.h"

namespace strata::format {

struct CheckedBatch {
  BatchHeader header;
  // Over the batch's records, as Kafka reads them (LogAppendTime: the header's max
  // timestamp for every record). -1 if the batch has no records.
  int64_t min_timestamp = -1;
  // Offsets of the first and last record: compaction can leave a batch whose records no
  // longer reach its base and last offsets. -1 if the batch has no records.
  int64_t first_record_offset = -1;
  int64_t last_record_offset = -1;
  int64_t max_timestamp = -1;
  uint64_t uncompressed_records_bytes = 0;
};

class BatchChecker {
 public:
  // `max_uncompressed` caps the decompressed records section of one batch.
  explicit BatchChecker(size_t max_uncompressed = size_t{256} << 20) : max_uncompressed_(max_uncompressed) {}

  // Checks `batch`, which must be exactly one whole batch. Returns:
  //   DataLoss for a truncated batch, a CRC mismatch, an inconsistent header or a
  //     malformed record (the message names the base offset);
  //   FailedPrecondition for magic other than 2;
  //   Unimplemented for gzip and snappy batches (segments hold none, lz4 and zstd only);
  //   InvalidArgument for a control batch or bytes after the batch.
  Result<CheckedBatch> Check(ByteView batch);

 private:
  size_t max_uncompressed_;
  Decompressor decompressor_;
  ScratchBuffer scratch_;
  std::vector<KafkaRecordView> records_;
  std::vector<KafkaHeaderView> headers_;
};

}  // namespace strata::format
