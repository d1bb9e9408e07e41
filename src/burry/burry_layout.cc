#include "burry/burry_layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "format/znode.h"

namespace strata::burry {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

EntryRole ClassifyEntry(std::string_view name) {
  if (name == kMetaFile) return {EntryKind::kMeta, {}};
  if (name == kContentFile) return {EntryKind::kData, {}};
  if (name.empty()) return {EntryKind::kDirectory, {}};  // the top directory itself
  if (name.back() == '/') return {EntryKind::kDirectory, name.substr(0, name.size() - 1)};
  std::string suffix = "/" + std::string(kContentFile);
  if (EndsWith(name, suffix)) return {EntryKind::kData, name.substr(0, name.size() - suffix.size())};
  return {EntryKind::kOther, name};
}

void TopDirDetector::Add(std::string_view name) {
  size_t slash = name.find('/');
  if (!started_) {
    started_ = true;
    if (slash == std::string_view::npos) {
      shared_ = false;
      return;
    }
    candidate_ = std::string(name.substr(0, slash));
  }
  if (!shared_) return;
  if (slash == std::string_view::npos || name.substr(0, slash) != candidate_) {
    shared_ = false;
    return;
  }
  std::string_view rest = name.substr(slash + 1);
  if (rest == kMetaFile) marked_ = true;
}

std::string TopDirDetector::Result() const {
  if (!started_ || !shared_) return "";
  return AllDigits(candidate_) || marked_ ? candidate_ : "";
}

Result<std::string> ZnodePath(std::string_view escaped) {
  std::string path = "/";
  for (size_t i = 0; i < escaped.size();) {
    if (escaped.compare(i, kColonEscape.size(), kColonEscape) == 0) {
      path += ':';
      i += kColonEscape.size();
    } else {
      path += escaped[i++];
    }
  }
  STRATA_RETURN_IF_ERROR(format::ValidateZnodePath(path));
  return path;
}

int ComparePaths(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] == b[i]) continue;
    if (a[i] == '/') return -1;
    if (b[i] == '/') return 1;
    return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]) ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

Result<BurryMeta> ParseBurryMeta(ByteView json) {
  auto doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return DataLossError(".burrymeta is not a JSON object");
  BurryMeta m;
  const std::pair<const char*, std::string*> fields[] = {{"snapshot-date", &m.snapshot_date},
                                                         {"svc", &m.svc},
                                                         {"svc-endpoint", &m.svc_endpoint},
                                                         {"target", &m.target},
                                                         {"target-endpoint", &m.target_endpoint}};
  for (const auto& [name, out] : fields) {
    auto it = doc.find(name);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_string()) return DataLossError(fmt::format(".burrymeta: \"{}\" is not a string", name));
    *out = it->get<std::string>();
  }
  return m;
}

namespace {

// Reads `width` digits at `*pos`; -1 if they are not all digits.
int Digits(std::string_view s, size_t* pos, size_t width) {
  if (*pos + width > s.size() || !AllDigits(s.substr(*pos, width))) return -1;
  int v = 0;
  for (size_t i = 0; i < width; ++i) v = v * 10 + (s[*pos + i] - '0');
  *pos += width;
  return v;
}

bool Expect(std::string_view s, size_t* pos, std::string_view chars) {
  if (*pos >= s.size() || chars.find(s[*pos]) == std::string_view::npos) return false;
  ++*pos;
  return true;
}

}  // namespace

Result<int64_t> Rfc3339ToUnixMillis(std::string_view s) {
  auto bad = [&] { return InvalidArgumentError(fmt::format("\"{}\" is not an RFC 3339 time", s)); };
  size_t p = 0;
  std::tm tm{};
  int year = Digits(s, &p, 4);
  if (year < 0 || !Expect(s, &p, "-")) return bad();
  int month = Digits(s, &p, 2);
  if (month < 1 || month > 12 || !Expect(s, &p, "-")) return bad();
  int day = Digits(s, &p, 2);
  if (day < 1 || day > 31 || !Expect(s, &p, "Tt ")) return bad();
  int hour = Digits(s, &p, 2);
  if (hour < 0 || hour > 23 || !Expect(s, &p, ":")) return bad();
  int minute = Digits(s, &p, 2);
  if (minute < 0 || minute > 59 || !Expect(s, &p, ":")) return bad();
  int second = Digits(s, &p, 2);
  if (second < 0 || second > 60) return bad();
  int ms = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    size_t start = p;
    int scale = 100;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      ms += (s[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
    if (p == start) return bad();
  }
  long offset = 0;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p++] == '-' ? -1 : 1;
    int oh = Digits(s, &p, 2);
    if (oh < 0 || !Expect(s, &p, ":")) return bad();
    int om = Digits(s, &p, 2);
    if (om < 0) return bad();
    offset = sign * (oh * 3600L + om * 60L);
  } else {
    return bad();
  }
  if (p != s.size()) return bad();
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offset;
  return seconds * 1000 + ms;
}

}  // namespace strata::burry
