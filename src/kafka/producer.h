// Producer: writes Records to Kafka, by default idempotent with acks=all, so a retried
// send never duplicates or reorders records within a partition.
// Send may be called from several threads; Flush waits for all of them.
#pragma once

#include <memory>
#include <string>

#include "core/deadline.h"
#include "core/result.h"
#include "kafka/client_options.h"
#include "kafka/record.h"

namespace strata::kafka {

struct ProducerOptions {
  // enable.idempotence; turning it off allows duplicates on retry.
  bool idempotent = true;
  // acks: "all" (default), "1" or "0". Anything but "all" can lose acknowledged records.
  std::string acks = "all";
};

class Producer {
 public:
  // InvalidArgument on a bad configuration. Connects lazily.
  static Result<std::unique_ptr<Producer>> Open(const ClientOptions& client, const ProducerOptions& options);
  ~Producer();

  // Queues `record` for record.topic / record.partition (-1 = the default partitioner),
  // keeping null and empty keys/values apart, headers in order, and timestamp_ms when
  // >= 0. Blocks while the local queue is full; DeadlineExceeded if it stays full.
  Status Send(const Record& record, Deadline deadline);

  // Waits until every queued record is acknowledged. Returns the first delivery error
  // since the previous Flush (then the caller must assume later records failed too).
  Status Flush(Deadline deadline);

 private:
  struct Impl;
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::kafka
