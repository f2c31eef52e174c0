// dist/sha256.cpp (nettle underneath) against FIPS 180-4's examples (and the one-block and
// two-block padding edges): prints each failure, exits 1 if any.
#include <cstdio>
#include <string>

#include "dist/sha256.h"

int main() {
  struct Case {
    std::string input;
    const char* digest;
  } cases[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
      {std::string(55, 'a'), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {std::string(56, 'a'), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {std::string(64, 'a'), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
  };
  int failed = 0;
  for (const Case& c : cases) {
    const auto h = lvm::dist::sha256({reinterpret_cast<const uint8_t*>(c.input.data()), c.input.size()});
    char hex[65];
    for (int k = 0; k < 32; ++k) std::snprintf(hex + 2 * k, 3, "%02x", h[size_t(k)]);
    if (std::string(hex) != c.digest) {
      std::printf("FAILED: sha256 of %zu bytes: %s, expected %s\n", c.input.size(), hex, c.digest);
      failed++;
    }
  }
  std::printf("sha256: %d of %zu digests right\n", int(std::size(cases)) - failed, std::size(cases));
  return failed ? 1 : 0;
}
