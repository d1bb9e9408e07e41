// Sha256: an incremental SHA-256 (OpenSSL EVP), for the whole-object digests that a
// segment summary records. Thread-compatible: one instance per thread; movable.
#pragma once

#include <memory>
#include <string>

#include "core/bytes.h"

namespace strata::format {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  // Adds `data` to the digest.
  void Update(ByteView data);
  // Returns the digest of everything added as 64 lowercase hex characters and starts
  // over.
  std::string FinishHex();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace strata::format
