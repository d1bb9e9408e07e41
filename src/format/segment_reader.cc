#include "format/segment_reader.h"

#include <string>
#include <utility>

#include "core/check.h"

namespace strata::format {

SegmentReader::SegmentReader(ByteView data, uint64_t position, DecoderOptions options)
    : data_(data), base_position_(position), options_(options) {}

Result<bool> SegmentReader::Next() {
  if (!error_.ok()) return error_;
  decoded_ = false;
  decode_error_ = OkStatus();
  records_.clear();
  headers_.clear();
  if (next_ == data_.size()) return false;

  uint64_t position = base_position_ + next_;
  Result<BatchHeader> header = ReadBatchHeader(data_.substr(next_), position);
  if (!header.ok()) {
    error_ = header.status();
    return error_;
  }
  if (header->base_offset <= previous_last_offset_) {
    error_ = DataLossError("batch at position " + std::to_string(position) + " starts at offset " +
                           std::to_string(header->base_offset) +
                           ", not after the previous batch's last offset " +
                           std::to_string(previous_last_offset_));
    return error_;
  }
  header_ = *header;
  batch_position_ = position;
  batch_ = data_.substr(next_, header_.size());
  next_ += header_.size();
  previous_last_offset_ = header_.last_offset();
  return true;
}

Result<std::span<const KafkaRecordView>> SegmentReader::Records() {
  STRATA_CHECK(!batch_.empty(), "SegmentReader::Records() without a current batch");
  if (!decode_error_.ok()) return decode_error_;
  if (decoded_) return std::span<const KafkaRecordView>(records_);

  ByteView section = batch_.substr(kBatchHeaderSize);
  Status s;
  if (header_.record_count > 0 && header_.compression() != Compression::kNone) {
    s = decompressor_.Decompress(header_.compression(), section,
                                 options_.max_uncompressed_batch_bytes, &plain_);
    section = plain_.view();
  }
  if (s.ok()) s = DecodeRecords(header_, section, &records_, &headers_);
  if (!s.ok()) {
    decode_error_ = Status(s.code(), "batch at position " + std::to_string(batch_position_) +
                                         " (base offset " + std::to_string(header_.base_offset) +
                                         "): " + s.message());
    return decode_error_;
  }
  decoded_ = true;
  return std::span<const KafkaRecordView>(records_);
}

Result<std::vector<KafkaRecord>> DecodeSegment(ByteView data, const DecoderOptions& options) {
  SegmentReader reader(data, 0, options);
  std::vector<KafkaRecord> out;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, reader.Next());
    if (!more) break;
    STRATA_ASSIGN_OR_RETURN(std::span<const KafkaRecordView> records, reader.Records());
    for (const KafkaRecordView& r : records) out.push_back(ToRecord(r));
  }
  return out;
}

}  // namespace strata::format
