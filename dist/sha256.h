// SHA-256 (FIPS 180-4): the identity of a module sent for a remote spawn
// (docs/distribution.md), so a node caches each module once and checks
// that the bytes that arrive are the ones the hash names.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace lvm::dist {

using Sha256 = std::array<uint8_t, 32>;

// The digest of `bytes`.
Sha256 sha256(std::span<const uint8_t> bytes);

}  // namespace lvm::dist
