// Digest helpers for the S3 client: SHA-256, HMAC-SHA256 (both through OpenSSL EVP),
// and the text forms S3 uses for binary values: lowercase hex (SigV4) and base64
// (x-amz-checksum-* headers, Content-MD5).
//
// All functions are pure and safe to call from any thread.
#pragma once

#include <string>

#include "core/bytes.h"

namespace strata::s3 {

// Size in bytes of a SHA-256 digest.
inline constexpr std::size_t kSha256Size = 32;

// Returns the raw 32-byte SHA-256 digest of `data`.
Bytes Sha256(ByteView data);

// Returns the SHA-256 digest of `data` as 64 lowercase hex characters.
std::string Sha256Hex(ByteView data);

// Returns the MD5 digest of `data` as 32 lowercase hex characters: the ETag S3 gives an
// object stored by a single unencrypted (or SSE-S3) PUT. Not for security.
std::string Md5Hex(ByteView data);

// Returns the raw 32-byte HMAC-SHA256 of `data` under `key`.
Bytes HmacSha256(ByteView key, ByteView data);

// Returns `bytes` as lowercase hex, two characters per byte.
std::string HexEncode(ByteView bytes);

// Returns `bytes` as standard base64 (RFC 4648 alphabet, '=' padding, no line breaks).
std::string Base64Encode(ByteView bytes);

}  // namespace strata::s3
