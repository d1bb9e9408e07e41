#include "format/batch_check.h"

#include <algorithm>
#include <string>

namespace strata::format {

Result<CheckedBatch> BatchChecker::Check(ByteView batch) {
  STRATA_ASSIGN_OR_RETURN(BatchHeader h, ReadBatchHeader(batch, 0));
  std::string where = "batch at offset " + std::to_string(h.base_offset);
  if (batch.size() != h.size()) {
    return InvalidArgumentError(where + ": " + std::to_string(batch.size() - h.size()) +
                                " bytes follow the batch");
  }
  if (h.control()) return InvalidArgumentError(where + " is a control batch (a transaction marker)");
  ByteView section = batch.substr(kBatchHeaderSize);
  if (h.compression() != Compression::kNone) {
    STRATA_RETURN_IF_ERROR(
        decompressor_.Decompress(h.compression(), section, max_uncompressed_, &scratch_).WithContext(where));
    section = scratch_.view();
  }
  records_.clear();
  headers_.clear();
  STRATA_RETURN_IF_ERROR(DecodeRecords(h, section, &records_, &headers_).WithContext(where));
  CheckedBatch c;
  c.header = h;
  c.uncompressed_records_bytes = section.size();
  for (size_t i = 0; i < records_.size(); ++i) {
    const KafkaRecordView& r = records_[i];
    if (i == 0) {
      c.min_timestamp = c.max_timestamp = r.timestamp_ms;
      c.first_record_offset = r.offset;
    }
    c.last_record_offset = r.offset;
    c.min_timestamp = std::min(c.min_timestamp, r.timestamp_ms);
    c.max_timestamp = std::max(c.max_timestamp, r.timestamp_ms);
  }
  return c;
}

}  // namespace strata::format
