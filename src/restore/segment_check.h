// Integrity checks of stored Kafka segments, shared by restore and verify: load and
// check a segment's index, check a whole segment object against its manifest entry and
// index (naming the first bad batch by position and offset when a checksum fails), and
// check one batch read by a ranged GET against its index entry.
// Pure functions (LoadIndex reads the store); thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "format/kafka_manifest.h"
#include "format/record_batch.h"
#include "format/segment_builder.h"
#include "format/segment_index.h"
#include "storage/object_store.h"

namespace strata::restore {

// The manifest entry as the summary VerifySegment takes (batch count from the index).
format::SegmentSummary SummaryOf(const format::SegmentRef& ref, const format::SegmentIndex& index);

// Reads and parses the index of `ref`. NotFound if it is missing; DataLoss naming the key
// if it is damaged or does not describe a segment of ref.bytes bytes.
Result<format::SegmentIndex> LoadIndex(storage::ObjectStore& store, const format::SegmentRef& ref);

// Checks a whole segment object: size, CRC-32C and SHA-256 of the manifest entry, every
// batch's CRC and its index entry, record counts, offsets and timestamps. DataLoss
// "<object>: batch at position P (base offset B): ..." for a bad batch, or naming the
// object and what differs.
Status CheckSegmentObject(ByteView data, const format::SegmentRef& ref, const format::SegmentIndex& index,
                          const std::string& where);

// Checks that the batch `header`, read at byte `position`, is the one index entry `e`
// describes. DataLoss naming `where` and the position otherwise.
Status CheckBatchEntry(const format::BatchHeader& header, uint64_t position, const format::IndexEntry& e,
                       const std::string& where);

}  // namespace strata::restore
