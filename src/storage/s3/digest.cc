#include "storage/s3/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>

#include "core/check.h"

namespace strata::s3 {
namespace {
// EVP_EncodeBlock takes an int length and writes 4/3 of it.
constexpr std::size_t kMaxBase64Input = (INT_MAX / 4) * 3;
}  // namespace

Bytes Sha256(ByteView data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  // EVP_Digest only fails when OpenSSL cannot allocate or is misconfigured: a broken
  // process, not an error a caller could handle.
  STRATA_CHECK(EVP_Digest(data.data(), data.size(), out, &out_len, EVP_sha256(), nullptr) == 1,
               "EVP_Digest(SHA-256) failed");
  return Bytes(reinterpret_cast<const char*>(out), out_len);
}

std::string Sha256Hex(ByteView data) { return HexEncode(Sha256(data)); }

std::string Md5Hex(ByteView data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  STRATA_CHECK(EVP_Digest(data.data(), data.size(), out, &out_len, EVP_md5(), nullptr) == 1,
               "EVP_Digest(MD5) failed");
  return HexEncode(ByteView(reinterpret_cast<const char*>(out), out_len));
}

Bytes HmacSha256(ByteView key, ByteView data) {
  STRATA_CHECK(key.size() <= static_cast<std::size_t>(INT_MAX), "HMAC key too large");
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &out_len);
  STRATA_CHECK(result != nullptr, "HMAC(SHA-256) failed");
  return Bytes(reinterpret_cast<const char*>(out), out_len);
}

std::string HexEncode(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

std::string Base64Encode(ByteView bytes) {
  if (bytes.empty()) return "";
  STRATA_CHECK(bytes.size() <= kMaxBase64Input, "Base64Encode input too large");
  // EVP_EncodeBlock writes 4 characters per 3 input bytes plus a terminating NUL.
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  STRATA_CHECK(written >= 0, "EVP_EncodeBlock failed");
  out.resize(static_cast<std::size_t>(written));
  return out;
}

}  // namespace strata::s3
