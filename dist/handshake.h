// The socket layer a node gives erl_interface for epmd and the handshake
// (ERTS "Distribution Protocol", "Distribution Handshake"): ei's own, except
// that the node's name and challenge messages also offer DFLAG_SEND_SENDER.
// ei offers a fixed set of flags; with this one an Erlang node sends each
// message with its sender (SEND_SENDER) instead of SEND's unused '', so
// an lvm process sees who sent it and can answer. (The flags are not part
// of the challenge digest: offering one more changes nothing else.)
#pragma once

#include <ei.h>

#include <cstdint>

namespace lvm::dist {

// DFLAG_SEND_SENDER (kernel's dist.hrl): the node understands SEND_SENDER.
inline constexpr uint64_t kFlagSendSender = 0x80000;

// The callbacks for ei_connect_xinit_ussi (static storage, for good).
ei_socket_callbacks* handshake_callbacks();

// Adds `flags` to a handshake packet (2-byte length, then the message) if
// it is a name or challenge message ('N': 8-byte flags after the tag; 'n',
// the pre-OTP-23 form: 4-byte flags after the tag and a 2-byte version);
// false if it is another packet. Public for its unit test.
bool add_handshake_flags(uint8_t* packet, size_t len, uint64_t flags);

}  // namespace lvm::dist
