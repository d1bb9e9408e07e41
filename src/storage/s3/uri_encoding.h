// Percent-encoding as S3 and SigV4 define it (RFC 3986 "unreserved" kept, everything else
// as %XX with uppercase hex). Used for object keys in request paths, for query strings
// and for the canonical request of the signer. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace strata::s3 {

// Percent-encodes every byte of `bytes` except A-Za-z0-9-._~ (and '/' when `keep_slash`),
// with uppercase hex digits. Bytes >= 0x80 (UTF-8) are encoded byte by byte.
std::string UriEncode(std::string_view bytes, bool keep_slash);

// Decodes %XX escapes (either hex case). A '%' not followed by two hex digits is kept as
// is, and '+' stays '+' (it means space only in HTML forms, never in S3 paths).
std::string PercentDecode(std::string_view text);

}  // namespace strata::s3
