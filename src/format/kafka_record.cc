#include "format/kafka_record.h"

namespace strata::format {

std::string CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kSnappy: return "snappy";
    case Compression::kLz4: return "lz4";
    case Compression::kZstd: return "zstd";
  }
  return "unknown(" + std::to_string(static_cast<int>(compression)) + ")";
}

KafkaRecord ToRecord(const KafkaRecordView& view) {
  KafkaRecord r;
  r.offset = view.offset;
  r.timestamp_ms = view.timestamp_ms;
  r.timestamp_type = view.timestamp_type;
  if (view.key) r.key.emplace(*view.key);
  if (view.value) r.value.emplace(*view.value);
  r.headers.reserve(view.headers.size());
  for (const KafkaHeaderView& h : view.headers) {
    KafkaHeader& out = r.headers.emplace_back();
    out.key.assign(h.key);
    if (h.value) out.value.emplace(*h.value);
  }
  return r;
}

}  // namespace strata::format
