// SHA-256 through Debian's nettle (nettle-dev): a well-kept implementation
// of FIPS 180-4, rather than one of our own.
#include "dist/sha256.h"

#include <nettle/sha2.h>

namespace lvm::dist {

Sha256 sha256(std::span<const uint8_t> bytes) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, bytes.size(), bytes.data());
  Sha256 out;
  sha256_digest(&ctx, out.size(), out.data());
  return out;
}

}  // namespace lvm::dist
