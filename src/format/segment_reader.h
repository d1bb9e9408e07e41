// SegmentReader: iterates the record batches of a strata segment (or of any byte range
// of one that starts at a batch boundary, e.g. a ranged GET found through the segment
// index), verifying each batch's lengths and CRC-32C and decoding its records.
// Format: docs/format-kafka-segments.md.
//
// The reader never reads outside the bytes it was given, whatever they hold. Decoded
// records are views into the input or into the reader's own reused buffers: no
// allocation per record once the buffers have grown. Thread-compatible: use one reader
// per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/status.h"
#include "format/codec.h"
#include "format/kafka_record.h"
#include "format/record_batch.h"

namespace strata::format {

struct DecoderOptions {
  // Largest size a batch's records section may decompress to. Default 256 MiB. It bounds
  // the memory a corrupt or hostile batch can claim; raise it only for a topic whose
  // batches are larger (Kafka's message.max.bytes).
  size_t max_uncompressed_batch_bytes = size_t{256} << 20;
};

class SegmentReader {
 public:
  // `data` must stay live while the reader and the views it returns are used.
  // `position` is the byte position of data[0] within its segment (non-zero for a ranged
  // read); batch positions and error messages count from it.
  explicit SegmentReader(ByteView data, uint64_t position = 0, DecoderOptions options = {});

  // Moves to the next batch and verifies it. Returns true if there is one, false at the
  // end of the data. Errors (and every later call returns the same one):
  //   DataLoss "truncated batch at position N" if the data ends inside a batch;
  //   DataLoss naming base offset and position for a bad length or CRC, or a batch whose
  //     offsets do not follow the previous batch's;
  //   FailedPrecondition if the record format magic is not 2.
  Result<bool> Next();

  // The current batch. REQUIRES: the last Next() returned true.
  const BatchHeader& header() const { return header_; }
  uint64_t batch_position() const { return batch_position_; }
  ByteView batch_bytes() const { return batch_; }

  // The records of the current batch, decompressed and decoded, with absolute offsets
  // and timestamps and the batch's timestamp type. The views stay valid until the next
  // call of Next(). Errors (naming the batch's base offset and position):
  //   DataLoss if the records section is malformed (bad compressed stream, records that
  //     do not add up to the header's count and length);
  //   Unimplemented for gzip or snappy batches; FailedPrecondition for an unknown codec
  //     or a batch larger than max_uncompressed_batch_bytes.
  // REQUIRES: the last Next() returned true.
  Result<std::span<const KafkaRecordView>> Records();

 private:
  ByteView data_;
  uint64_t base_position_;
  DecoderOptions options_;
  size_t next_ = 0;  // index in data_ of the next batch
  Status error_;
  int64_t previous_last_offset_ = -1;

  BatchHeader header_;
  uint64_t batch_position_ = 0;
  ByteView batch_;
  bool decoded_ = false;
  Status decode_error_;

  Decompressor decompressor_;
  ScratchBuffer plain_;
  std::vector<KafkaRecordView> records_;
  std::vector<KafkaHeaderView> headers_;
};

// Decodes every record of `data` (a whole segment, or a slice that starts at a batch
// boundary), in order, as owning copies. Errors as SegmentReader::Next and Records.
Result<std::vector<KafkaRecord>> DecodeSegment(ByteView data, const DecoderOptions& options = {});

}  // namespace strata::format
