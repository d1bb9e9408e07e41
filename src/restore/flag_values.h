// Parsers for the values restore and verify flags take: points in time (--at, --until),
// byte rates (--max-bytes-per-sec), partition lists (--partitions) and renames
// (--rename OLD:NEW). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace strata::restore {

// Milliseconds since the Unix epoch for:
//   2026-11-24T23:00:00Z, 2026-11-24T23:00:00.250+01:00, 2026-11-24 23:00 (no zone: UTC),
//   2026-11-24 (midnight UTC), 20261124T230000.250Z (a manifest id's time),
//   1700000000000 (milliseconds since the epoch, 10 or more digits).
// InvalidArgument naming the text otherwise.
Result<int64_t> ParseTime(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS.mmmZ" for `ms` since the epoch.
std::string FormatTime(int64_t ms);

// Bytes per second for "1000", "50MB", "50 MiB/s", "1.5GiB", "800k" (k, M, G = 1000^n;
// Ki, Mi, Gi = 1024^n; a trailing "B" and "/s" are optional). InvalidArgument for
// anything else or a value below 1.
Result<double> ParseByteRate(std::string_view text);

// "0,2,5-7" -> {0, 2, 5, 6, 7}. InvalidArgument for bad syntax, negative numbers or an
// empty list.
Result<std::set<int32_t>> ParsePartitionList(std::string_view text);

// ["a:b", "c:d"] -> {a: b, c: d}. InvalidArgument for a missing ':', an invalid topic
// name on either side, a source named twice or two sources with one target.
Result<std::map<std::string, std::string>> ParseRenames(const std::vector<std::string>& pairs);

// True for a legal Kafka topic name: 1..249 characters of [A-Za-z0-9._-], not "." or "..".
bool IsValidTopicName(std::string_view name);

}  // namespace strata::restore
