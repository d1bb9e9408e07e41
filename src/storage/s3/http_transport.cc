#include "storage/s3/http_transport.h"

#include <array>
#include <charconv>
#include <chrono>

#include "core/text.h"

namespace strata::s3 {
namespace {

// Headers whose values are credentials or let someone act with them.
bool IsSecretHeader(std::string_view name) {
  constexpr std::array<std::string_view, 6> kSecret = {
      "authorization",        "x-amz-security-token",      "proxy-authorization",
      "x-aws-ec2-metadata-token", "cookie", "x-amz-server-side-encryption-customer-key"};
  for (std::string_view s : kSecret) {
    if (EqualsIgnoreCase(name, s)) return true;
  }
  return false;
}

template <typename Int>
bool ParseInt(std::string_view text, Int& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

}  // namespace

std::optional<std::string_view> HttpResponse::Header(std::string_view name) const {
  for (const HttpHeader& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::string_view UrlWithoutQuery(std::string_view url) {
  return url.substr(0, url.find('?'));
}

std::string RedactedForLog(const HttpRequest& request) {
  std::string out = request.method + " " + std::string(UrlWithoutQuery(request.url));
  if (request.url.find('?') != std::string::npos) out += "?<query>";
  out += " [";
  for (std::size_t i = 0; i < request.headers.size(); ++i) {
    const HttpHeader& h = request.headers[i];
    if (i > 0) out += ", ";
    out += h.name + ": " + (IsSecretHeader(h.name) ? std::string("<redacted>") : h.value);
  }
  out += "]";
  return out;
}

Result<int64_t> ParseHttpDate(std::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 bytes.
  constexpr std::size_t kLength = 29;
  constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr",
                                                        "May", "Jun", "Jul", "Aug",
                                                        "Sep", "Oct", "Nov", "Dec"};
  auto invalid = [&] {
    return InvalidArgumentError("not an HTTP date: \"" + std::string(text.substr(0, 40)) + "\"");
  };
  if (text.size() != kLength || text[3] != ',' || text[4] != ' ' || text[7] != ' ' ||
      text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':' ||
      text.substr(25) != " GMT") {
    return invalid();
  }
  unsigned day = 0;
  int year = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!ParseInt(text.substr(5, 2), day) || !ParseInt(text.substr(12, 4), year) ||
      !ParseInt(text.substr(17, 2), hour) || !ParseInt(text.substr(20, 2), minute) ||
      !ParseInt(text.substr(23, 2), second)) {
    return invalid();
  }
  unsigned month = 0;
  for (unsigned m = 0; m < kMonths.size(); ++m) {
    if (text.substr(8, 3) == kMonths[m]) month = m + 1;
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (month == 0 || !date.ok() || hour > 23 || minute > 59 || second > 60) return invalid();
  const auto at = std::chrono::sys_days(date) + std::chrono::hours(hour) +
                  std::chrono::minutes(minute) + std::chrono::seconds(second);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

}  // namespace strata::s3
