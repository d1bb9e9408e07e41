// Producer: writes Records to Kafka, by default idempotent with acks=all, so a retried
// send never duplicates or reorders records within a partition. With a transactional id
// it writes transactions: records that readers with read_committed see all or none of.
// Send may be called from several threads; Flush waits for all of them. The transaction
// calls must come from one thread, not concurrently with Send.
#pragma once

#include <memory>
#include <optional>
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
  // transactional.id: makes the producer transactional (and idempotent, whatever
  // `idempotent` says). Unset (default): no transactions. Kafka fences an older producer
  // with the same id, so each concurrent writer needs its own.
  std::optional<std::string> transactional_id;
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

  // Transactions. REQUIRES: ProducerOptions::transactional_id, else FailedPrecondition.
  // Call InitTransactions once, then for each transaction BeginTransaction, Send...,
  // CommitTransaction or AbortTransaction. Errors: Unavailable or DeadlineExceeded: call
  // the same method again. Aborted: the transaction cannot commit: call AbortTransaction
  // and start over; if that fails too (the producer was fenced by another with the same
  // id, or hit a fatal error), open a new Producer.

  // Registers the transactional id with its coordinator, ending any transaction a
  // previous producer with the same id left open.
  Status InitTransactions(Deadline deadline);
  // Starts a transaction: records sent until the commit or abort belong to it.
  Status BeginTransaction();
  // Flushes the transaction's records and commits them.
  Status CommitTransaction(Deadline deadline);
  // Aborts the transaction: its records stay in the log, marked aborted, and
  // read_committed readers skip them.
  Status AbortTransaction(Deadline deadline);

 private:
  struct Impl;
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::kafka
