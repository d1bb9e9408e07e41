// Record comparison for restores and verify: whether a record in a target topic is the
// one restored from the backup (key, value, headers in order, and timestamp unless the
// target topic stamps its own), and a digest over a sequence of records to compare a
// whole partition at once. Null and empty stay distinct in both.
// Pure functions; RecordDigest is thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "format/kafka_record.h"
#include "format/sha256.h"

namespace strata::restore {

// "" if `backup` and `target` agree, else what differs first, e.g.
// "value differs (null vs 5 bytes)" or "timestamp differs (1700000000000 vs 1700000000001)".
std::string RecordDifference(const format::KafkaRecordView& backup, const format::KafkaRecord& target,
                             bool compare_timestamp);

// SHA-256 over a canonical encoding of each record's key, value, headers and (optionally)
// timestamp; offsets are not part of it, so a restored partition digests like its backup.
class RecordDigest {
 public:
  explicit RecordDigest(bool with_timestamp) : with_timestamp_(with_timestamp) {}
  void Add(const format::KafkaRecordView& r);
  void Add(const format::KafkaRecord& r);
  int64_t count() const { return count_; }
  // The digest as 64 hex digits (once; the digest then starts over).
  std::string FinishHex() { return sha_.FinishHex(); }

 private:
  bool with_timestamp_;
  int64_t count_ = 0;
  format::Sha256 sha_;
};

// A borrowed view of an owned record.
format::KafkaRecordView ViewOf(const format::KafkaRecord& r, std::vector<format::KafkaHeaderView>* headers);

}  // namespace strata::restore
