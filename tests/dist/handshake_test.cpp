// dist/handshake.cpp's flag patch: DFLAG_SEND_SENDER goes into the name
// and challenge messages of both handshake forms and nowhere else (the
// end-to-end check, an Erlang node then sending its sender, is
// test_dist.sh's "erl" part). Prints each failure, exits 1 if any.
#include <cstdio>
#include <vector>

#include "dist/handshake.h"

namespace {
int failed = 0;
void check(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAILED: %s\n", what);
    failed++;
  }
}
std::vector<uint8_t> packet(std::vector<uint8_t> body) {
  std::vector<uint8_t> p{uint8_t(body.size() >> 8), uint8_t(body.size())};
  p.insert(p.end(), body.begin(), body.end());
  return p;
}
}  // namespace

int main() {
  using lvm::dist::add_handshake_flags;
  using lvm::dist::kFlagSendSender;
  // 'N' send_name: Flags:64 = 0x...0d07fbd4 (ei's), Creation:32, NLen:16, "a@h".
  auto n = packet({'N', 0, 0, 0, 0x01, 0x0d, 0x07, 0xfb, 0xd4, 0, 0, 0, 5, 0, 3, 'a', '@', 'h'});
  check(add_handshake_flags(n.data(), n.size(), kFlagSendSender), "'N' is a name message");
  check(n[3 + 5] == (0x07 | 0x08) && n[3 + 4] == 0x0d && n[3 + 6] == 0xfb && n[3 + 3] == 0x01,
        "'N': bit 19 set, the other flags kept");
  check(n[11] == 0 && n[14] == 5 && n.back() == 'h', "'N': the creation and name untouched");
  // 'n' (the form before OTP 23): Version:16 = 5, Flags:32, then the name.
  auto old = packet({'n', 0, 5, 0x00, 0x03, 0x7f, 0xd4, 'a', '@', 'h'});
  check(add_handshake_flags(old.data(), old.size(), kFlagSendSender), "'n' is a name message");
  check(old[5] == 0x00 && old[6] == (0x03 | 0x08) && old[7] == 0x7f && old[8] == 0xd4 && old[3] == 0 && old[4] == 5,
        "'n': bit 19 set, the version and other flags kept");
  // Others pass untouched: a status, a challenge reply, an epmd request, a
  // length that does not match, a packet too short for its flags.
  for (auto p : {packet({'s', 'o', 'k'}), packet({'r', 1, 2, 3, 4}), packet({'x', 0x12, 0x34}),
                 std::vector<uint8_t>{0, 40, 'N', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, packet({'N', 0, 0, 0})}) {
    const auto before = p;
    check(!add_handshake_flags(p.data(), p.size(), kFlagSendSender) && p == before, "another packet is left alone");
  }
  if (failed == 0) std::printf("handshake flags: ok\n");
  return failed ? 1 : 0;
}
