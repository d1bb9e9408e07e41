#include "format/spredfast_layout.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

namespace strata::format::spredfast {
namespace {

constexpr std::string_view kDataSuffix = ".gz";
constexpr std::string_view kIndexSuffix = ".index.json";
constexpr size_t kPartitionDigits = 5;

bool AllDigits(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; }

}  // namespace

std::optional<DataKey> ParseDataKey(std::string_view key) {
  if (!key.ends_with(kDataSuffix)) return std::nullopt;
  size_t slash = key.rfind('/');
  std::string_view directory = slash == std::string_view::npos ? std::string_view() : key.substr(0, slash);
  std::string_view name = key.substr(slash == std::string_view::npos ? 0 : slash + 1);
  name.remove_suffix(kDataSuffix.size());
  size_t offset_dash = name.rfind('-');
  if (offset_dash == std::string_view::npos || offset_dash < kPartitionDigits + 2) return std::nullopt;
  std::string_view offset = name.substr(offset_dash + 1);
  std::string_view partition = name.substr(offset_dash - kPartitionDigits, kPartitionDigits);
  if (name[offset_dash - kPartitionDigits - 1] != '-' || !AllDigits(offset) || !AllDigits(partition)) {
    return std::nullopt;
  }
  DataKey k;
  k.topic = std::string(name.substr(0, offset_dash - kPartitionDigits - 1));
  k.directory = std::string(directory);
  auto [pp, pe] = std::from_chars(partition.begin(), partition.end(), k.partition);
  auto [op, oe] = std::from_chars(offset.begin(), offset.end(), k.start_offset);
  if (pe != std::errc() || oe != std::errc() || op != offset.end()) return std::nullopt;
  return k;
}

std::string IndexKeyFor(std::string_view data_key) {
  std::string key(data_key.substr(0, data_key.size() - kDataSuffix.size()));
  return key.append(kIndexSuffix);
}

Result<std::vector<ChunkDescriptor>> ParseIndex(ByteView json, int64_t start_offset, std::string_view where) {
  auto doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& what) { return DataLossError(fmt::format("{}: {}", where, what)); };
  if (doc.is_discarded() || !doc.is_object()) return bad("not valid JSON (truncated or corrupt?)");
  auto chunks = doc.find("chunks");
  if (chunks == doc.end() || !chunks->is_array()) return bad("no \"chunks\" array");
  std::vector<ChunkDescriptor> out;
  int64_t next_byte = 0;
  int64_t next_offset = start_offset;
  for (const auto& c : *chunks) {
    ChunkDescriptor d;
    const std::pair<const char*, int64_t*> fields[] = {{"byte_offset", &d.byte_offset},
                                                        {"byte_length", &d.byte_length},
                                                        {"byte_length_uncompressed", &d.byte_length_uncompressed},
                                                        {"num_records", &d.num_records},
                                                        {"first_record_offset", &d.first_record_offset}};
    for (const auto& [name, field] : fields) {
      auto it = c.is_object() ? c.find(name) : c.end();
      if (!c.is_object() || it == c.end() || !it->is_number_integer() || it->get<int64_t>() < 0) {
        return bad(fmt::format("chunk {}: \"{}\" missing or not a non-negative integer", out.size(), name));
      }
      *field = it->get<int64_t>();
    }
    if (d.byte_offset != next_byte || d.first_record_offset != next_offset) {
      return bad(fmt::format("chunk {} starts at byte {} and offset {}, the chunks before it end at byte {} and "
                             "offset {}",
                             out.size(), d.byte_offset, d.first_record_offset, next_byte, next_offset));
    }
    next_byte = d.byte_offset + d.byte_length;
    next_offset = d.first_record_offset + d.num_records;
    out.push_back(d);
  }
  return out;
}

}  // namespace strata::format::spredfast
