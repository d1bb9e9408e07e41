#include "restore/record_compare.h"

#include <fmt/format.h>

#include <optional>
#include <vector>

namespace strata::restore {
namespace {

std::string Describe(const std::optional<ByteView>& v) {
  return v ? fmt::format("{} bytes", v->size()) : std::string("null");
}

std::optional<ByteView> View(const std::optional<Bytes>& b) {
  return b ? std::optional<ByteView>(ByteView(*b)) : std::nullopt;
}

void PutU64(format::Sha256& sha, uint64_t v) {
  char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  sha.Update(ByteView(b, sizeof(b)));
}

void PutBytes(format::Sha256& sha, const std::optional<ByteView>& v) {
  sha.Update(v ? ByteView("\1", 1) : ByteView("\0", 1));
  if (!v) return;
  PutU64(sha, v->size());
  sha.Update(*v);
}

}  // namespace

format::KafkaRecordView ViewOf(const format::KafkaRecord& r, std::vector<format::KafkaHeaderView>* headers) {
  headers->clear();
  for (const auto& h : r.headers) headers->push_back({h.key, View(h.value)});
  format::KafkaRecordView v;
  v.offset = r.offset;
  v.timestamp_ms = r.timestamp_ms;
  v.timestamp_type = r.timestamp_type;
  v.key = View(r.key);
  v.value = View(r.value);
  v.headers = *headers;
  return v;
}

std::string RecordDifference(const format::KafkaRecordView& backup, const format::KafkaRecord& target,
                             bool compare_timestamp) {
  if (backup.key != View(target.key)) {
    return fmt::format("key differs ({} vs {})", Describe(backup.key), Describe(View(target.key)));
  }
  if (backup.value != View(target.value)) {
    return fmt::format("value differs ({} vs {})", Describe(backup.value), Describe(View(target.value)));
  }
  if (backup.headers.size() != target.headers.size()) {
    return fmt::format("header count differs ({} vs {})", backup.headers.size(), target.headers.size());
  }
  for (size_t i = 0; i < backup.headers.size(); ++i) {
    const auto& a = backup.headers[i];
    const auto& b = target.headers[i];
    if (a.key != b.key || a.value != View(b.value)) {
      return fmt::format("header #{} differs (\"{}\" {} vs \"{}\" {})", i, a.key, Describe(a.value), b.key,
                         Describe(View(b.value)));
    }
  }
  if (compare_timestamp && backup.timestamp_ms != target.timestamp_ms) {
    return fmt::format("timestamp differs ({} vs {})", backup.timestamp_ms, target.timestamp_ms);
  }
  return "";
}

void RecordDigest::Add(const format::KafkaRecordView& r) {
  ++count_;
  PutBytes(sha_, r.key);
  PutBytes(sha_, r.value);
  PutU64(sha_, r.headers.size());
  for (const auto& h : r.headers) {
    PutBytes(sha_, h.key);
    PutBytes(sha_, h.value);
  }
  if (with_timestamp_) PutU64(sha_, static_cast<uint64_t>(r.timestamp_ms));
}

void RecordDigest::Add(const format::KafkaRecord& r) {
  std::vector<format::KafkaHeaderView> headers;
  Add(ViewOf(r, &headers));
}

}  // namespace strata::restore
