#include "format/sha256.h"

#include <openssl/evp.h>

#include "core/check.h"

namespace strata::format {

struct Sha256::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  // Allocation failure inside OpenSSL: nothing sensible is left to do.
  STRATA_CHECK(context_->ctx != nullptr, "EVP_MD_CTX_new failed");
  STRATA_CHECK(EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr) == 1, "SHA-256 init failed");
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::Update(ByteView data) {
  STRATA_CHECK(EVP_DigestUpdate(context_->ctx, data.data(), data.size()) == 1,
               "SHA-256 update failed");
}

std::string Sha256::FinishHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  STRATA_CHECK(EVP_DigestFinal_ex(context_->ctx, digest, &n) == 1, "SHA-256 final failed");
  STRATA_CHECK(EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr) == 1, "SHA-256 init failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * n);
  for (unsigned int i = 0; i < n; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

}  // namespace strata::format
