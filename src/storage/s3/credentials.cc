#include "storage/s3/credentials.h"

#include <ctime>

namespace strata::s3 {
namespace {

// How many trailing characters of the access key id stay visible.
constexpr std::size_t kVisibleKeySuffix = 4;

std::string MaskAccessKeyId(const std::string& id) {
  if (id.empty()) return "<none>";
  // Short ids are masked whole: showing four of six characters would reveal most of one.
  if (id.size() <= 2 * kVisibleKeySuffix) return std::string(id.size(), '*');
  return std::string(id.size() - kVisibleKeySuffix, '*') + id.substr(id.size() - kVisibleKeySuffix);
}

std::string FormatUtc(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  if (gmtime_r(&secs, &tm) == nullptr) return "<invalid time>";
  char buf[sizeof "YYYY-MM-DDTHH:MM:SSZ" + 8];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return "<invalid time>";
  return buf;
}

}  // namespace

std::string Credentials::Redacted() const {
  std::string out = "Credentials{access_key_id=" + MaskAccessKeyId(access_key_id);
  out += ", secret_access_key=";
  out += secret_access_key.empty() ? "<none>" : "<redacted>";
  out += ", session_token=";
  out += session_token.has_value() ? "<redacted>" : "<none>";
  out += ", expiration=";
  out += expiration.has_value() ? FormatUtc(*expiration) : "<none>";
  out += "}";
  return out;
}

std::ostream& operator<<(std::ostream& os, const Credentials& credentials) {
  return os << credentials.Redacted();
}

}  // namespace strata::s3
