// erl_interface's socket callbacks with DFLAG_SEND_SENDER added to the
// handshake (see handshake.h).
#include "dist/handshake.h"

#include <cstring>
#include <vector>

// ei's own socket layer (ei_portio.c), exported by libei but not declared
// in ei.h; a libei without it fails the link, not the run.
extern "C" ei_socket_callbacks ei_default_socket_callbacks;

namespace lvm::dist {

bool add_handshake_flags(uint8_t* p, size_t len, uint64_t flags) {
  if (len < 3 || (size_t(p[0]) << 8 | p[1]) != len - 2) return false;
  if (p[2] == 'N' && len >= 3 + 8 + 4 + 2) {  // 'N', Flags:64, Creation:32, ...
    for (int k = 0; k < 8; ++k) p[3 + k] |= uint8_t(flags >> (56 - 8 * k));
    return true;
  }
  if (p[2] == 'n' && len >= 3 + 2 + 4) {  // 'n', Version:16, Flags:32, ...
    for (int k = 0; k < 4; ++k) p[5 + k] |= uint8_t(flags >> (24 - 8 * k));
    return true;
  }
  return false;
}

namespace {

ei_socket_callbacks g_callbacks;

// ei writes each handshake packet, length included, with one write.
int write_with_flags(void* ctx, const char* buf, ssize_t* len, unsigned tmo) {
  if (*len >= 3 && *len <= 1024 && (buf[2] == 'N' || buf[2] == 'n')) {
    std::vector<uint8_t> copy(buf, buf + *len);
    if (add_handshake_flags(copy.data(), copy.size(), kFlagSendSender))
      return ei_default_socket_callbacks.write(ctx, reinterpret_cast<const char*>(copy.data()), len, tmo);
  }
  return ei_default_socket_callbacks.write(ctx, buf, len, tmo);
}

}  // namespace

ei_socket_callbacks* handshake_callbacks() {
  static const bool ready = [] {
    g_callbacks = ei_default_socket_callbacks;
    g_callbacks.write = write_with_flags;
    return true;
  }();
  (void)ready;
  return &g_callbacks;
}

}  // namespace lvm::dist
