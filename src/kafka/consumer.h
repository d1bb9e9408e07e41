// Consumer: reads Records from assigned partitions (no group rebalancing: the caller
// says which partitions and where to start). One thread polls.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/deadline.h"
#include "core/result.h"
#include "kafka/client_options.h"
#include "kafka/record.h"

namespace strata::kafka {

enum class Isolation { kReadCommitted, kReadUncommitted };

struct ConsumerOptions {
  // read_committed (default) skips records of aborted transactions.
  Isolation isolation = Isolation::kReadCommitted;
  // Used for committed offsets only; unset = "strata-reader" (never joins a group).
  std::optional<std::string> group_id;
};

struct PartitionStart {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;  // the first offset to read
};

struct Watermarks {
  int64_t low = 0;   // log start offset
  int64_t high = 0;  // next offset to be written (high watermark)
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> Open(const ClientOptions& client, const ConsumerOptions& options);
  ~Consumer();

  // Replaces the assignment.
  Status Assign(const std::vector<PartitionStart>& starts);

  // The next record, or nullopt if none arrived before the deadline. OutOfRange if an
  // assigned offset is no longer in the log.
  Result<std::optional<Record>> Poll(Deadline deadline);

  // Asks the partition leader for the log start offset and high watermark.
  Result<Watermarks> QueryWatermarks(const std::string& topic, int32_t partition, Deadline deadline);

 private:
  struct Impl;
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::kafka
