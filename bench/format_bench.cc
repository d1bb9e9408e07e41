// Throughput of the Kafka segment format on one core: encoding (record batches, zstd
// levels 1 and 3, with and without the segment summary's CRC-32C and SHA-256) and
// decoding (into views, and into owning records), for 1 KiB records. Bytes per second
// count each record's key and value, uncompressed.
#include <benchmark/benchmark.h>
#include <zstd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "format/batch_encoder.h"
#include "format/segment_builder.h"
#include "format/segment_reader.h"

namespace strata::format {
namespace {

constexpr int kRecords = 16384;
constexpr size_t kValueSize = 1024;

// Values that compress about as well as typical JSON events (roughly 2-3x with zstd):
// words drawn from a small vocabulary plus random digits.
std::vector<KafkaRecord> MakeRecords() {
  static const char* const kWords[] = {
      "\"user\":", "\"event\":", "\"click\"", "\"view\"", "\"purchase\"", "\"id\":", "\"ts\":",
      "\"session\":", "{", "}", ",", "\"page\":", "\"/home\"", "\"/cart\"", "\"amount\":",
      "\"currency\":\"EUR\"", "\"agent\":\"Mozilla/5.0\"", "\"ok\":true", "\"ok\":false", " "};
  uint64_t state = 88172645463325252ull;
  auto next = [&state]() {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return state;
  };
  std::vector<KafkaRecord> records(kRecords);
  for (int i = 0; i < kRecords; ++i) {
    KafkaRecord& r = records[i];
    r.offset = i;
    r.timestamp_ms = 1700000000000 + i / 8;
    r.key = "user-" + std::to_string(next() % 100000);
    std::string v;
    while (v.size() < kValueSize) {
      v += kWords[next() % (sizeof(kWords) / sizeof(kWords[0]))];
      v += std::to_string(next() % 100000);
    }
    v.resize(kValueSize);
    r.value = std::move(v);
    r.headers = {{"trace-id", std::to_string(next())}};
  }
  return records;
}

const std::vector<KafkaRecord>& Records() {
  static const std::vector<KafkaRecord> records = MakeRecords();
  return records;
}

// Views of Records(), as the backup job hands them over (borrowing librdkafka's buffers).
struct RecordViews {
  std::vector<std::vector<KafkaHeaderView>> headers;
  std::vector<KafkaRecordView> views;
};
const RecordViews& Views() {
  static const RecordViews views = [] {
    RecordViews v;
    for (const KafkaRecord& r : Records()) {
      auto& h = v.headers.emplace_back();
      for (const auto& header : r.headers) h.push_back({header.key, ByteView(*header.value)});
    }
    for (size_t i = 0; i < Records().size(); ++i) {
      const KafkaRecord& r = Records()[i];
      v.views.push_back({r.offset, r.timestamp_ms, r.timestamp_type, ByteView(*r.key),
                         ByteView(*r.value), v.headers[i]});
    }
    return v;
  }();
  return views;
}

int64_t PayloadBytes() {
  int64_t n = 0;
  for (const auto& r : Records()) n += static_cast<int64_t>(r.key->size() + r.value->size());
  return n;
}

BatchEncoderOptions Options(int level) {
  BatchEncoderOptions o;
  o.compression = level == 0 ? Compression::kNone : Compression::kZstd;
  o.zstd_level = level == 0 ? 3 : level;
  return o;
}

// range(0): zstd level, 0 = uncompressed.
void BM_Encode(benchmark::State& state) {
  BatchEncoder encoder(Options(static_cast<int>(state.range(0))));
  const auto& views = Views().views;
  int64_t offset = 0;
  uint64_t out_bytes = 0;
  for (auto _ : state) {
    for (KafkaRecordView v : views) {
      v.offset = offset++;
      benchmark::DoNotOptimize(encoder.Add(v).ok());
      if (encoder.finished().size() > (8u << 20)) {
        out_bytes += encoder.finished().size();
        encoder.ClearFinished();
      }
    }
  }
  benchmark::DoNotOptimize(encoder.Flush().ok());
  out_bytes += encoder.finished().size();
  state.SetBytesProcessed(state.iterations() * PayloadBytes());
  state.counters["ratio"] = static_cast<double>(state.iterations() * PayloadBytes()) / out_bytes;
}
BENCHMARK(BM_Encode)->Arg(0)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond);

// The ceiling: zstd alone over the same uncompressed records sections (1 MiB batches),
// with one reused context. BM_Encode / BM_ZstdOnly is the encoder's efficiency.
void BM_ZstdOnly(benchmark::State& state) {
  BatchEncoder plain(Options(0));
  for (const KafkaRecord& r : Records()) benchmark::DoNotOptimize(plain.Add(r).ok());
  benchmark::DoNotOptimize(plain.Flush().ok());
  ByteView all = plain.finished();
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, static_cast<int>(state.range(0)));
  std::string out(ZSTD_compressBound(size_t{1} << 20), '\0');
  for (auto _ : state) {
    for (size_t pos = 0; pos < all.size(); pos += size_t{1} << 20) {
      ByteView chunk = all.substr(pos, size_t{1} << 20);
      benchmark::DoNotOptimize(
          ZSTD_compress2(cctx, out.data(), out.size(), chunk.data(), chunk.size()));
    }
  }
  ZSTD_freeCCtx(cctx);
  state.SetBytesProcessed(state.iterations() * PayloadBytes());
}
BENCHMARK(BM_ZstdOnly)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond);

// Full segments: encoding plus index entries, CRC-32C and SHA-256 of the object.
void BM_EncodeSegment(benchmark::State& state) {
  for (auto _ : state) {
    SegmentBuilder builder(Options(static_cast<int>(state.range(0))));
    for (const KafkaRecordView& v : Views().views) {
      benchmark::DoNotOptimize(builder.Add(v).ok());
      if (builder.pending().size() > (8u << 20)) builder.ClearPending();
    }
    auto summary = builder.Finish();
    benchmark::DoNotOptimize(summary.ok());
  }
  state.SetBytesProcessed(state.iterations() * PayloadBytes());
}
BENCHMARK(BM_EncodeSegment)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond);

Bytes EncodedSegment(int level) {
  BatchEncoder encoder(Options(level));
  for (const KafkaRecord& r : Records()) {
    if (!encoder.Add(r).ok()) std::abort();
  }
  if (!encoder.Flush().ok()) std::abort();
  return Bytes(encoder.finished());
}

// Decoding into views: the restore path.
void BM_Decode(benchmark::State& state) {
  Bytes segment = EncodedSegment(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    SegmentReader reader(segment);
    size_t n = 0;
    while (*reader.Next()) n += reader.Records()->size();
    if (n != Records().size()) state.SkipWithError("record count mismatch");
  }
  state.SetBytesProcessed(state.iterations() * PayloadBytes());
}
BENCHMARK(BM_Decode)->Arg(0)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond);

// Decoding into owning records (one allocation per key, value and header).
void BM_DecodeOwned(benchmark::State& state) {
  Bytes segment = EncodedSegment(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto records = DecodeSegment(segment);
    benchmark::DoNotOptimize(records.ok());
  }
  state.SetBytesProcessed(state.iterations() * PayloadBytes());
}
BENCHMARK(BM_DecodeOwned)->Arg(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::format
