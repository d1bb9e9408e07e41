#include "restore/flag_values.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>

namespace strata::restore {
namespace {

constexpr int64_t kMsPerSecond = 1000;
constexpr int64_t kMsPerDay = 86'400'000;
constexpr size_t kMaxTopicName = 249;
// Plain numbers with at least this many digits are epoch milliseconds (10 digits reach
// back to 1970-04-26), so a year like "2026" is never mistaken for one.
constexpr size_t kMinEpochDigits = 10;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return i_ == s_.size(); }
  bool Eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  char Peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  // Exactly `n` digits.
  bool Digits(size_t n, int64_t* out) {
    if (i_ + n > s_.size()) return false;
    int64_t v = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s_[i_ + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    i_ += n;
    *out = v;
    return true;
  }
  // 1..9 fraction digits as milliseconds (extra precision is dropped).
  bool Fraction(int64_t* ms) {
    size_t start = i_;
    int64_t v = 0;
    size_t n = 0;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      if (n < 3) v = v * 10 + (s_[i_] - '0');
      ++n;
      ++i_;
    }
    if (i_ == start || n > 9) return false;
    for (; n < 3; ++n) v *= 10;
    *ms = v;
    return true;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

Result<int64_t> ParseTime(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError(fmt::format(
        "\"{}\" is not a time: use 2026-11-24T23:00:00Z (ISO 8601, UTC unless an offset is given) or "
        "milliseconds since the epoch",
        text));
  };
  bool all_digits = !text.empty();
  for (char c : text) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  if (all_digits) {
    if (text.size() < kMinEpochDigits) return bad();
    int64_t ms = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc() || p != text.data() + text.size()) return bad();
    return ms;
  }
  Scanner s(text);
  int64_t y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  bool compact = text.size() > 8 && text[4] != '-';
  if (!s.Digits(4, &y)) return bad();
  if (!compact && !s.Eat('-')) return bad();
  if (!s.Digits(2, &mo)) return bad();
  if (!compact && !s.Eat('-')) return bad();
  if (!s.Digits(2, &d)) return bad();
  if (!s.done()) {
    if (!s.Eat('T') && !s.Eat(' ')) return bad();
    if (!s.Digits(2, &h)) return bad();
    if (!compact && !s.Eat(':')) return bad();
    if (!s.Digits(2, &mi)) return bad();
    if (compact || s.Peek() == ':') {
      if (!compact) s.Eat(':');
      if (!s.Digits(2, &sec)) return bad();
      if (s.Eat('.') && !s.Fraction(&ms)) return bad();
    }
  }
  int64_t offset_minutes = 0;
  if (s.Eat('Z') || s.Eat('z')) {
  } else if (s.Peek() == '+' || s.Peek() == '-') {
    int sign = s.Eat('-') ? -1 : (s.Eat('+'), 1);
    int64_t oh, om = 0;
    if (!s.Digits(2, &oh)) return bad();
    s.Eat(':');
    if (!s.done() && !s.Digits(2, &om)) return bad();
    offset_minutes = sign * (oh * 60 + om);
  }
  if (!s.done()) return bad();
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return bad();
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return days * kMsPerDay + ((h * 60 + mi - offset_minutes) * 60 + sec) * kMsPerSecond + ms;
}

std::string FormatTime(int64_t ms) {
  int64_t secs = ms >= 0 ? ms / kMsPerSecond : (ms - (kMsPerSecond - 1)) / kMsPerSecond;
  auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms - secs * kMsPerSecond);
}

Result<double> ParseByteRate(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError(
        fmt::format("\"{}\" is not a byte rate: use e.g. 50MB, 50MiB/s or a number of bytes per second", text));
  };
  std::string t;
  for (char c : text) {
    if (c != ' ') t += c;
  }
  if (t.size() > 2 && t.compare(t.size() - 2, 2, "/s") == 0) t.resize(t.size() - 2);
  size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
  if (i == 0) return bad();
  double value = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + i, value);
  if (ec != std::errc() || p != t.data() + i) return bad();
  std::string unit = t.substr(i);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
  double scale = 1;
  if (!unit.empty()) {
    bool binary = unit.size() == 2 && (unit[1] == 'i' || unit[1] == 'I');
    if (unit.size() > (binary ? 2u : 1u)) return bad();
    int power = 0;
    switch (std::tolower(static_cast<unsigned char>(unit[0]))) {
      case 'k': power = 1; break;
      case 'm': power = 2; break;
      case 'g': power = 3; break;
      default: return bad();
    }
    scale = std::pow(binary ? 1024.0 : 1000.0, power);
  }
  double rate = value * scale;
  if (!(rate >= 1)) return bad();
  return rate;
}

Result<std::set<int32_t>> ParsePartitionList(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError(fmt::format("\"{}\" is not a partition list: use e.g. 0,2,5-7", text));
  };
  std::set<int32_t> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    size_t dash = item.find('-');
    int32_t lo = 0, hi = 0;
    std::string_view a = item.substr(0, dash);
    std::string_view b = dash == std::string_view::npos ? a : item.substr(dash + 1);
    auto r1 = std::from_chars(a.data(), a.data() + a.size(), lo);
    auto r2 = std::from_chars(b.data(), b.data() + b.size(), hi);
    if (a.empty() || b.empty() || r1.ec != std::errc() || r1.ptr != a.data() + a.size() || r2.ec != std::errc() ||
        r2.ptr != b.data() + b.size() || lo < 0 || hi < lo) {
      return bad();
    }
    for (int32_t p = lo; p <= hi; ++p) out.insert(p);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (out.empty()) return bad();
  return out;
}

bool IsValidTopicName(std::string_view name) {
  if (name.empty() || name.size() > kMaxTopicName || name == "." || name == "..") return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

Result<std::map<std::string, std::string>> ParseRenames(const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> out;
  std::map<std::string, std::string> by_target;
  for (const auto& pair : pairs) {
    size_t colon = pair.find(':');
    if (colon == std::string::npos) {
      return InvalidArgumentError(fmt::format("--rename \"{}\": expected OLD:NEW", pair));
    }
    std::string from = pair.substr(0, colon), to = pair.substr(colon + 1);
    if (!IsValidTopicName(from) || !IsValidTopicName(to)) {
      return InvalidArgumentError(fmt::format("--rename \"{}\": not a valid topic name (1-249 of A-Z a-z 0-9 . _ -)", pair));
    }
    if (!out.emplace(from, to).second) {
      return InvalidArgumentError(fmt::format("--rename: topic \"{}\" is renamed twice", from));
    }
    if (auto [it, fresh] = by_target.emplace(to, from); !fresh) {
      return InvalidArgumentError(fmt::format("--rename: \"{}\" and \"{}\" both become \"{}\"", it->second, from, to));
    }
  }
  return out;
}

}  // namespace strata::restore
