// VerifySegment: proves that a segment object is exactly the one its manifest summary
// and its index describe, without restoring it. Record batches leave their first 12
// header bytes after the length (base offset, partition leader epoch) outside their
// CRC, as Kafka does; the whole-object CRC-32C and SHA-256 of the summary, and the
// index's per-batch offsets, close that gap.
//
// Pure function; thread-safe.
#pragma once

#include "core/bytes.h"
#include "core/status.h"
#include "format/segment_builder.h"
#include "format/segment_index.h"
#include "format/segment_reader.h"

namespace strata::format {

// Checks `data` against `summary` (size, CRC-32C, SHA-256 unless empty, offsets, record
// and batch counts, timestamps) and `index` (one entry per batch with matching offsets,
// position and max timestamp), and decodes every batch. Returns OK, or DataLoss naming
// the first difference, or what SegmentReader returns for a bad batch.
Status VerifySegment(ByteView data, const SegmentSummary& summary, const SegmentIndex& index,
                     const DecoderOptions& options = {});

}  // namespace strata::format
