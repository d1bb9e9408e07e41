#include "storage/s3/credentials.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>

namespace strata::s3 {
namespace {

using std::chrono::sys_days;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kToken = "FwoGZXIvYXdzEXAMPLETOKEN";

Credentials Temporary() {
  return Credentials{"AKIAIOSFODNN7EXAMPLE", std::string(kSecret), std::string(kToken),
                     sys_days(std::chrono::year(2030) / 1 / 2)};
}

TEST(CredentialsTest, RedactedHidesSecretAndToken) {
  const std::string text = Temporary().Redacted();
  EXPECT_EQ(text.find(kSecret), std::string::npos);
  EXPECT_EQ(text.find(kToken), std::string::npos);
  EXPECT_EQ(text,
            "Credentials{access_key_id=****************MPLE, secret_access_key=<redacted>, "
            "session_token=<redacted>, expiration=2030-01-02T00:00:00Z}");
}

TEST(CredentialsTest, EveryPrintingPathIsRedacted) {
  const Credentials c = Temporary();
  std::ostringstream os;
  os << c;
  const std::string formatted = fmt::format("{}", c);
  const std::string gtest_printed = ::testing::PrintToString(c);
  for (const std::string& s : {os.str(), formatted, gtest_printed}) {
    EXPECT_EQ(s.find(kSecret), std::string::npos) << "leaked through a printing path";
    EXPECT_EQ(s.find(kToken), std::string::npos) << "leaked through a printing path";
    EXPECT_NE(s.find("<redacted>"), std::string::npos);
  }
}

TEST(CredentialsTest, ShortAccessKeyIdIsMaskedWhole) {
  Credentials c{"AKID", "s", std::nullopt, std::nullopt};
  EXPECT_EQ(c.Redacted(),
            "Credentials{access_key_id=****, secret_access_key=<redacted>, "
            "session_token=<none>, expiration=<none>}");
  EXPECT_EQ(Credentials{}.Redacted(),
            "Credentials{access_key_id=<none>, secret_access_key=<none>, session_token=<none>, "
            "expiration=<none>}");
}

TEST(CredentialsTest, CompleteAndExpiry) {
  EXPECT_FALSE(Credentials{}.complete());
  EXPECT_FALSE((Credentials{"AKID", "", std::nullopt, std::nullopt}.complete()));
  const Credentials c = Temporary();
  EXPECT_TRUE(c.complete());
  const auto expiry = *c.expiration;
  EXPECT_FALSE(c.ExpiresBefore(expiry - std::chrono::minutes(10), std::chrono::minutes(5)));
  EXPECT_TRUE(c.ExpiresBefore(expiry - std::chrono::minutes(4), std::chrono::minutes(5)));
  EXPECT_TRUE(c.ExpiresBefore(expiry));
  EXPECT_FALSE((Credentials{"a", "b", std::nullopt, std::nullopt}.ExpiresBefore(expiry)));
}

}  // namespace
}  // namespace strata::s3
