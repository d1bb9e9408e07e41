// Credentials: the AWS access key pair (plus optional session token and expiry) used to
// sign S3 requests. A value type; thread-compatible.
//
// The secret access key and the session token are secrets: nothing that prints or
// formats a Credentials (Redacted(), operator<<, fmt/spdlog, GoogleTest failure output)
// ever shows them. Do not log the fields one by one.
#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <string>

#include <fmt/format.h>

namespace strata::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  // Set for temporary credentials (STS, SSO, instance roles).
  std::optional<std::string> session_token;
  // When temporary credentials stop working; unset for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;

  // True if both the access key id and the secret are set.
  bool complete() const { return !access_key_id.empty() && !secret_access_key.empty(); }

  // True if `expiration` is set and `now + margin` is at or past it.
  bool ExpiresBefore(std::chrono::system_clock::time_point now,
                     std::chrono::seconds margin = std::chrono::seconds(0)) const {
    return expiration.has_value() && now + margin >= *expiration;
  }

  // A description safe for logs and error messages, e.g.
  // `Credentials{access_key_id=****************MPLE, secret_access_key=<redacted>,
  //  session_token=<none>, expiration=<none>}`. Only the last four characters of the
  // access key id are shown (as `aws configure list` does); secrets never appear.
  std::string Redacted() const;

  friend bool operator==(const Credentials&, const Credentials&) = default;
};

// Prints Redacted(). Also used by GoogleTest to print values in failed assertions.
std::ostream& operator<<(std::ostream& os, const Credentials& credentials);

}  // namespace strata::s3

// Lets fmt and spdlog format Credentials; prints Redacted().
template <>
struct fmt::formatter<strata::s3::Credentials> : fmt::formatter<std::string> {
  template <typename FormatContext>
  auto format(const strata::s3::Credentials& c, FormatContext& ctx) const {
    return fmt::formatter<std::string>::format(c.Redacted(), ctx);
  }
};
