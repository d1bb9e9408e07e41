// Consumer: reads Records from partitions the caller assigns (Assign: the caller says
// which partitions and where to start), or that Kafka's consumer group protocol gives it
// (Subscribe: several processes share the partitions, and a listener saves its work
// before a partition moves and says where to start when one arrives); optionally reports
// when it has read a partition to its end, and commits offsets for its group.
// Thread-compatible: use one Consumer from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/deadline.h"
#include "core/result.h"
#include "kafka/client_options.h"
#include "kafka/record.h"

struct rd_kafka_message_s;

namespace strata::kafka {

enum class Isolation { kReadCommitted, kReadUncommitted };

struct ConsumerOptions {
  // read_committed (default) skips records of aborted transactions.
  Isolation isolation = Isolation::kReadCommitted;
  // The group offsets are committed to (CommitOffsets); unset = "strata-reader". The
  // consumer joins it as a member only through Subscribe.
  std::optional<std::string> group_id;
  // Poll also returns a PartitionEnd event each time the consumer reaches the end of an
  // assigned partition. Default false: callers that stream forever do not need it.
  bool report_partition_end = false;
  // librdkafka's local fetch queue (queued.max.messages.kbytes), part of the memory a
  // reader uses.
  int queue_kbytes = 131072;
};

struct PartitionStart {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;  // the first offset to read
};

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
};

// Told by a subscribed consumer when the group moves partitions. Both calls run on the
// thread that calls Poll, inside it, and the group waits for them: OnRevoked runs
// before any other member can read the partitions taken away, so it is the place to
// save the work done on them; OnAssigned says where reading starts. An error from
// either is returned by that Poll (the consumer then reads nothing more).
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual Status OnRevoked(const std::vector<TopicPartition>& partitions) = 0;
  virtual Result<std::vector<PartitionStart>> OnAssigned(const std::vector<TopicPartition>& partitions) = 0;
};

struct Watermarks {
  int64_t low = 0;   // log start offset
  int64_t high = 0;  // next offset to be written (high watermark)
};

// "Everything readable in this partition has been read". `offset` is the next offset to
// read: the high watermark with read_uncommitted; with read_committed the last stable
// offset, the first offset of the oldest transaction still open (the high watermark when
// none is open). Aborted records and transaction markers before it were skipped, so it
// can be larger than the last record's offset + 1.
struct PartitionEnd {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  friend bool operator==(const PartitionEnd&, const PartitionEnd&) = default;
};

// A record as librdkafka delivered it, not copied: the views point into librdkafka's
// fetch buffer and stay valid while the Message lives. Move-only; any one thread at a
// time may read or destroy it (the consumer may be gone by then).
class Message {
 public:
  struct HeaderView {
    std::string_view key;
    std::optional<ByteView> value;  // nullopt = null value
  };

  Message() = default;
  Message(Message&& other) noexcept : m_(std::exchange(other.m_, nullptr)) {}
  Message& operator=(Message&& other) noexcept;
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;
  ~Message();

  std::string_view topic() const;
  int32_t partition() const;
  int64_t offset() const;
  std::optional<ByteView> key() const;
  std::optional<ByteView> value() const;
  int64_t timestamp_ms() const;
  TimestampType timestamp_type() const;
  // Replaces `out` with the headers, in order, duplicates kept.
  void Headers(std::vector<HeaderView>* out) const;
  // An owning copy.
  Record ToRecord() const;

 private:
  friend class Consumer;
  explicit Message(rd_kafka_message_s* m) : m_(m) {}
  rd_kafka_message_s* m_ = nullptr;
};

// What PollMessage returns: Poll's event without copying the record.
struct MessageEvent {
  std::optional<Message> message;
  std::optional<PartitionEnd> end;
  bool empty() const { return !message && !end; }
};

// What Poll returns: a record, an end of partition, or neither (nothing happened before
// the deadline). Never both.
struct PollEvent {
  std::optional<Record> record;
  std::optional<PartitionEnd> end;
  bool empty() const { return !record && !end; }
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> Open(const ClientOptions& client, const ConsumerOptions& options);
  ~Consumer();

  // Replaces the assignment. Each partition's reading starts at its `offset`.
  Status Assign(const std::vector<PartitionStart>& starts);

  // Joins the group of ConsumerOptions::group_id (required) as a member reading
  // `topics`; the group's assignor (eager: every rebalance revokes everything first)
  // decides which partitions this member reads, through `listener`, which must outlive
  // the consumer. Call once, instead of Assign. The member leaves the group (after a
  // last OnRevoked) when the consumer is destroyed.
  Status Subscribe(const std::vector<std::string>& topics, RebalanceListener* listener);

  // The next record or (with report_partition_end) end of partition; an empty event if
  // neither came before the deadline. OutOfRange if an assigned offset is no longer in
  // the log.
  Result<PollEvent> Poll(Deadline deadline);
  // The same, handing over librdkafka's message instead of a copy (the fast path).
  Result<MessageEvent> PollMessage(Deadline deadline);

  // The next offset this consumer reads from an assigned partition: past the last record
  // Poll returned and the transaction markers (and so the aborted records) after it, and
  // at least the offset of the last PartitionEnd; the assigned start offset before
  // anything was read. NotFound if the partition is not assigned; FailedPrecondition if
  // it was assigned at a logical offset and nothing has been read yet.
  Result<int64_t> Position(const std::string& topic, int32_t partition);

  // Commits `offsets` (each `offset` = the next offset the group should read) for the
  // group of ConsumerOptions::group_id, and waits for the broker's answer.
  // FailedPrecondition if no group_id was given, or if the group has active members
  // (Kafka then takes commits only from them); NotFound for an unknown partition.
  Status CommitOffsets(const std::vector<PartitionStart>& offsets, Deadline deadline);

  // Asks the partition leader for the log start offset and high watermark.
  Result<Watermarks> QueryWatermarks(const std::string& topic, int32_t partition, Deadline deadline);

 private:
  struct Impl;
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::kafka
