#include "format/spredfast_reader.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace strata::format::spredfast {
namespace {

constexpr int kGzipOnlyWindowBits = 15 + 16;  // 32 KiB window, gzip header and trailer
constexpr size_t kInflateBufferBytes = 256 << 10;

}  // namespace

const char* KeyModeName(KeyMode mode) { return mode == KeyMode::kWithKeys ? "with keys" : "without keys"; }

RecordDecoder::RecordDecoder(KeyMode mode, bool keep_bytes)
    : first_field_(mode == KeyMode::kWithKeys ? Field::kKeyLength : Field::kValueLength),
      keep_bytes_(keep_bytes),
      field_(first_field_) {}

Status RecordDecoder::Feed(ByteView data, const RecordFn& on_record) {
  while (!data.empty()) {
    if (field_ == Field::kKeyLength || field_ == Field::kValueLength) {
      size_t n = std::min<size_t>(4 - static_cast<size_t>(have_), data.size());
      std::memcpy(length_bytes_ + have_, data.data(), n);
      have_ += static_cast<int64_t>(n);
      data.remove_prefix(n);
      if (have_ < 4) return OkStatus();
      // Java's ByteBuffer.putInt: signed 32-bit big-endian.
      auto length = static_cast<int32_t>(uint32_t{length_bytes_[0]} << 24 | uint32_t{length_bytes_[1]} << 16 |
                                         uint32_t{length_bytes_[2]} << 8 | uint32_t{length_bytes_[3]});
      const char* what = field_ == Field::kKeyLength ? "key" : "value";
      if (length < 0 || length > kMaxFieldBytes) {
        return DataLossError(fmt::format("record {}: {} length {} is impossible", records_, what, length));
      }
      need_ = length;
      have_ = 0;
      field_ = field_ == Field::kKeyLength ? Field::kKey : Field::kValue;
      if (keep_bytes_) (field_ == Field::kKey ? key_ : value_).clear();
    } else {
      size_t n = static_cast<size_t>(std::min<int64_t>(need_ - have_, static_cast<int64_t>(data.size())));
      if (keep_bytes_) (field_ == Field::kKey ? key_ : value_).append(data.substr(0, n));
      have_ += static_cast<int64_t>(n);
      data.remove_prefix(n);
    }
    if ((field_ != Field::kKey && field_ != Field::kValue) || have_ < need_) continue;
    have_ = 0;
    if (field_ == Field::kKey) {
      field_ = Field::kValueLength;
      continue;
    }
    if (on_record) {
      STRATA_RETURN_IF_ERROR(on_record(first_field_ == Field::kKeyLength ? ByteView(key_) : ByteView(), value_));
    }
    ++records_;
    field_ = first_field_;
  }
  return OkStatus();
}

struct DataObjectReader::Zlib {
  z_stream stream{};
  bool initialized = false;
  ~Zlib() {
    if (initialized) inflateEnd(&stream);
  }
};

DataObjectReader::DataObjectReader(std::string where, KeyMode mode, std::optional<std::vector<ChunkDescriptor>> index,
                                   RecordFn on_record)
    : z_(std::make_unique<Zlib>()),
      where_(std::move(where)),
      mode_(mode),
      index_(std::move(index)),
      on_record_(std::move(on_record)),
      decoder_(mode, static_cast<bool>(on_record_)) {
  out_.resize(kInflateBufferBytes);
  if (inflateInit2(&z_->stream, kGzipOnlyWindowBits) == Z_OK) {
    z_->initialized = true;
  } else {
    failed_ = InternalError(fmt::format("{}: zlib inflateInit2 failed", where_));
  }
}

DataObjectReader::~DataObjectReader() = default;

Status DataObjectReader::Fail(Status status) {
  failed_ = std::move(status);
  return failed_;
}

Status DataObjectReader::Inflated(ByteView data) {
  member_uncompressed_ += data.size();
  const int64_t member = stats_.members;
  if (index_ && member < static_cast<int64_t>(index_->size()) &&
      member_uncompressed_ > static_cast<uint64_t>((*index_)[member].byte_length_uncompressed)) {
    return DataLossError(fmt::format("{}: gzip member {} inflates to more than the {} bytes its index gives",
                                     where_, member, (*index_)[member].byte_length_uncompressed));
  }
  Status s = decoder_.Feed(data, on_record_ ? RecordDecoder::RecordFn([this](ByteView key, ByteView value) {
    return on_record_(decoder_.records(), key, value);
  })
                                            : RecordDecoder::RecordFn());
  if (!s.ok() && s.code() == StatusCode::kDataLoss) {
    return DataLossError(fmt::format("{}: gzip member {}: {}", where_, member, s.message()));
  }
  return s;
}

Status DataObjectReader::MemberEnded(uint64_t compressed, uint64_t uncompressed) {
  const int64_t member = stats_.members;
  const int64_t records = decoder_.records() - member_records_base_;
  if (!decoder_.at_record_boundary()) {
    return DataLossError(fmt::format("{}: gzip member {} ends inside a record (wrong key mode, or a corrupt object)",
                                     where_, member));
  }
  if (index_) {
    if (member >= static_cast<int64_t>(index_->size())) {
      return DataLossError(
          fmt::format("{}: more gzip members than the {} chunks of its index", where_, index_->size()));
    }
    const ChunkDescriptor& c = (*index_)[member];
    if (static_cast<uint64_t>(c.byte_offset) != stats_.compressed_bytes ||
        static_cast<uint64_t>(c.byte_length) != compressed ||
        static_cast<uint64_t>(c.byte_length_uncompressed) != uncompressed || c.num_records != records) {
      return DataLossError(fmt::format(
          "{}: gzip member {} does not match its index: read bytes {}+{} ({} inflated) holding {} records "
          "{}, the index says {}+{} ({} inflated) holding {}",
          where_, member, stats_.compressed_bytes, compressed, uncompressed, records, KeyModeName(mode_),
          c.byte_offset, c.byte_length, c.byte_length_uncompressed, c.num_records));
    }
  }
  ++stats_.members;
  stats_.records += records;
  stats_.compressed_bytes += compressed;
  stats_.uncompressed_bytes += uncompressed;
  member_records_base_ = decoder_.records();
  member_uncompressed_ = 0;
  return OkStatus();
}

Status DataObjectReader::Feed(ByteView compressed) {
  if (!failed_.ok()) return failed_;
  z_stream& z = z_->stream;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  bool output_full = false;
  while (z.avail_in > 0 || output_full) {
    in_member_ = true;
    z.next_out = reinterpret_cast<Bytef*>(out_.data());
    z.avail_out = static_cast<uInt>(out_.size());
    int rc = inflate(&z, Z_NO_FLUSH);
    size_t produced = out_.size() - z.avail_out;
    output_full = z.avail_out == 0;
    if (produced > 0) {
      Status s = Inflated(ByteView(out_.data(), produced));
      if (!s.ok()) return Fail(std::move(s));
    }
    if (rc == Z_STREAM_END) {
      Status s = MemberEnded(z.total_in, z.total_out);
      if (!s.ok()) return Fail(std::move(s));
      // The next member, if any, starts with a gzip header of its own.
      inflateReset(&z);
      in_member_ = false;
      output_full = false;
    } else if (rc == Z_BUF_ERROR && z.avail_in == 0) {
      break;  // needs more input
    } else if (rc != Z_OK) {
      return Fail(DataLossError(fmt::format("{}: gzip member {} at byte {} is corrupt: {}", where_, stats_.members,
                                            stats_.compressed_bytes, z.msg != nullptr ? z.msg : "inflate failed")));
    }
  }
  return OkStatus();
}

Result<ObjectStats> DataObjectReader::Finish() {
  if (!failed_.ok()) return failed_;
  if (in_member_) {
    return Fail(DataLossError(fmt::format("{}: truncated: gzip member {} (from byte {}) has no end", where_,
                                          stats_.members, stats_.compressed_bytes)));
  }
  if (index_ && stats_.members != static_cast<int64_t>(index_->size())) {
    return Fail(DataLossError(fmt::format("{}: {} gzip members but its index lists {} chunks", where_, stats_.members,
                                          index_->size())));
  }
  return stats_;
}

}  // namespace strata::format::spredfast
