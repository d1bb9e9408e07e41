// LoadProfile: reads one profile out of the AWS shared credentials file
// (~/.aws/credentials) and shared config file (~/.aws/config), from their contents, as the
// AWS CLI reads them:
//
//  - INI syntax: "[section]" headers, "key = value" or "key: value" (split at the first
//    '=' or ':'), keys case-insensitive, values and keys trimmed, no inline comments (a
//    '#' after a value is part of it), whole-line comments start with '#' or ';',
//    indented lines continue the previous value, CRLF accepted. Blanks inside the brackets
//    of a header are trimmed (the CLI would not find " default ").
//  - Duplicate sections or keys, a key outside any section and a line that is neither are
//    errors, as in the CLI.
//  - credentials file: sections are profile names ("[default]", "[prod]").
//    config file: "[default]" or "[profile NAME]" ("[profile default]" wins over
//    "[default]"), plus "[services NAME]" sections referenced by "services = NAME".
//  - Keys come from the credentials file when it holds them for the profile, else from
//    the config file; a file that holds only one of key id and secret is an error.
//    Everything else (region, endpoint_url, role_arn, ...) comes from the config file only.
//  - Nested settings ("s3 =" followed by indented "key = value" lines) give
//    s3.addressing_style in a profile and s3.endpoint_url in a services section.
//
// Pure: no file or environment access; the caller reads the files (and applies
// AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, ...). Value types; thread-compatible.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "core/result.h"
#include "storage/s3/credentials.h"

namespace strata::s3 {

inline constexpr std::string_view kDefaultProfile = "default";

// Contents of the two files; nullopt for a file that does not exist.
struct SharedConfigContents {
  std::optional<std::string_view> credentials_file = std::nullopt;
  std::optional<std::string_view> config_file = std::nullopt;
};

// The settings of one profile that strata uses. Unset when the files do not set them.
struct ProfileSettings {
  std::string name;
  // From aws_access_key_id, aws_secret_access_key, aws_session_token (or the legacy
  // aws_security_token). Set only when both the key id and the secret are.
  std::optional<Credentials> credentials;
  std::optional<std::string> region;
  std::optional<std::string> endpoint_url;
  // S3-only endpoint: "services = NAME" and, in [services NAME], "s3 = / endpoint_url = ...".
  std::optional<std::string> s3_endpoint_url;
  // "s3 = / addressing_style = path|virtual|auto".
  std::optional<std::string> s3_addressing_style;
  std::optional<std::string> role_arn;
  std::optional<std::string> source_profile;
  std::optional<std::string> role_session_name;
  std::optional<std::string> web_identity_token_file;
  std::optional<std::string> credential_process;

  friend bool operator==(const ProfileSettings&, const ProfileSettings&) = default;
};

// Prints the settings with credentials redacted (see Credentials::Redacted()).
std::ostream& operator<<(std::ostream& os, const ProfileSettings& settings);

// The settings of `profile` (e.g. kDefaultProfile).
// Returns NotFound if neither file has a section for it (the message lists the profiles
// that exist), InvalidArgument if a file is malformed (message: which file and line, never
// the line's content) or holds a key id without a secret or the reverse.
Result<ProfileSettings> LoadProfile(std::string_view profile, const SharedConfigContents& files);

}  // namespace strata::s3
