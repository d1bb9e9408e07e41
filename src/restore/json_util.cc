#include "restore/json_util.h"

#include <fmt/format.h>

namespace strata::restore::internal {

Result<nlohmann::json> ParseVersioned(ByteView bytes, std::string_view where, std::string_view format,
                                      int max_version) {
  nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return DataLossError(fmt::format("{}: not a valid JSON object (truncated or damaged)", where));
  }
  auto f = j.find("format");
  if (f == j.end() || !f->is_string() || f->get<std::string>() != format) {
    return FailedPreconditionError(fmt::format("{}: not a {} object", where, format));
  }
  auto v = j.find("version");
  if (v == j.end() || !v->is_number_integer()) return DataLossError(fmt::format("{}: no version number", where));
  int version = v->get<int>();
  if (version < 1 || version > max_version) {
    return FailedPreconditionError(fmt::format("{}: {} version {} is not supported by this strata (it reads {}); "
                                               "upgrade strata",
                                               where, format, version, max_version));
  }
  return j;
}

Result<int64_t> Int(const nlohmann::json& j, const char* name, std::string_view where) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) {
    return DataLossError(fmt::format("{}: field \"{}\" is missing or not an integer", where, name));
  }
  return it->get<int64_t>();
}

Result<std::string> Str(const nlohmann::json& j, const char* name, std::string_view where) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) {
    return DataLossError(fmt::format("{}: field \"{}\" is missing or not a string", where, name));
  }
  return it->get<std::string>();
}

Result<const nlohmann::json*> Array(const nlohmann::json& j, const char* name, std::string_view where) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_array()) {
    return DataLossError(fmt::format("{}: field \"{}\" is missing or not an array", where, name));
  }
  return &*it;
}

nlohmann::json RunsToJson(const std::vector<OffsetRun>& runs) {
  nlohmann::json a = nlohmann::json::array();
  for (const OffsetRun& r : runs) a.push_back({r.source, r.target, r.count});
  return a;
}

Result<std::vector<OffsetRun>> RunsFromJson(const nlohmann::json& j, std::string_view where) {
  if (!j.is_array()) return DataLossError(fmt::format("{}: runs are not an array", where));
  std::vector<OffsetRun> runs;
  runs.reserve(j.size());
  for (const auto& r : j) {
    if (!r.is_array() || r.size() != 3 || !r[0].is_number_integer() || !r[1].is_number_integer() ||
        !r[2].is_number_integer()) {
      return DataLossError(fmt::format("{}: a run is not [source, target, count]", where));
    }
    runs.push_back({r[0].get<int64_t>(), r[1].get<int64_t>(), r[2].get<int64_t>()});
  }
  return runs;
}

}  // namespace strata::restore::internal
