// PartitionCursor: reads the backed-up records of one partition in offset order, from a
// given source offset on, one segment at a time: a segment read from its first batch is
// fetched whole and checked as a whole (CheckSegmentObject); one entered in the middle is
// fetched from the batch that holds the start offset (a ranged GET found through its
// index) and each batch is checked against its index entry. Used where a simple,
// sequential reader is enough: resuming a restore, comparing a topic with its backup.
// The restore pipeline (pipeline.h) reads the same way, in parallel.
//
// Thread-compatible: one thread uses a cursor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "format/kafka_record.h"
#include "format/segment_index.h"
#include "format/segment_reader.h"
#include "restore/plan.h"
#include "storage/object_store.h"

namespace strata::restore {

class PartitionCursor {
 public:
  // Reads records of `plan` (which must outlive the cursor) with offset >= `from` and,
  // with `until`, timestamp <= *until.
  PartitionCursor(storage::ObjectStore& store, const PartitionPlan& plan, int64_t from,
                  std::optional<int64_t> until);

  // The next record, or nullopt at the end. The view's bytes stay valid until the next
  // call. DataLoss naming the object and the batch's position and offset for damaged
  // data; NotFound naming the key for a missing object.
  Result<std::optional<format::KafkaRecordView>> Next();

 private:
  // Loads the next segment that holds a record >= from_; false when none is left.
  Result<bool> OpenSegment();

  storage::ObjectStore& store_;
  const PartitionPlan& plan_;
  int64_t from_;
  std::optional<int64_t> until_;
  size_t next_segment_ = 0;
  std::string where_;
  Bytes data_;
  std::optional<format::SegmentIndex> index_;
  std::unique_ptr<format::SegmentReader> reader_;
  bool ranged_ = false;
  size_t entry_ = 0;  // index entry of the reader's next batch
  std::span<const format::KafkaRecordView> records_;
  size_t record_ = 0;
};

}  // namespace strata::restore
