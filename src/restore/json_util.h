// Internal to the restore module: JSON helpers shared by the objects a restore writes
// (offset map, restore record, progress checkpoints). nlohmann-json is used without
// exceptions: every accessor checks types first. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "restore/offset_map.h"

namespace strata::restore::internal {

// Parses `bytes` as a JSON object of `format` with a version <= `max_version`.
// DataLoss (naming `where`) for bad JSON or a missing version; FailedPrecondition for
// another format or a newer version.
Result<nlohmann::json> ParseVersioned(ByteView bytes, std::string_view where, std::string_view format,
                                      int max_version);

// Typed field access; DataLoss "<where>: field \"name\" ..." when missing or mistyped.
Result<int64_t> Int(const nlohmann::json& j, const char* name, std::string_view where);
Result<std::string> Str(const nlohmann::json& j, const char* name, std::string_view where);
Result<const nlohmann::json*> Array(const nlohmann::json& j, const char* name, std::string_view where);

// [[source, target, count], ...] and back.
nlohmann::json RunsToJson(const std::vector<OffsetRun>& runs);
Result<std::vector<OffsetRun>> RunsFromJson(const nlohmann::json& j, std::string_view where);

}  // namespace strata::restore::internal
