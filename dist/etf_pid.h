// A pid of a VM that is not a distributed node, as portable bytes (the
// external term format's NEW_PID_EXT), the way Erlang names such a node:
// "nonode@nohost". Header-only, so the ABI can use it without a node.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "dist/etf.h"
#include "vm/remote.h"

namespace lvm::dist {

inline constexpr std::string_view kNoNode = "nonode@nohost";

// {node, id = low 32 bits, serial = high 32 bits, creation}, version byte first.
inline std::vector<uint8_t> encode_local_pid(std::string_view node, uint32_t creation, Pid pid) {
  std::vector<uint8_t> out;
  EtfWriter w(out);
  w.version();
  w.pid(node, uint32_t(pid), uint32_t(pid >> 32), creation);
  return out;
}

// The local pid such bytes name, or 0 (another node, or not a pid).
inline Pid decode_local_pid(std::string_view node, uint32_t creation, std::span<const uint8_t> bytes) {
  EtfReader r(bytes);
  WirePid w;
  if (!r.version() || !r.pid(w) || r.left() != 0 || w.node != node || w.creation != creation) return 0;
  const Pid p = Pid(w.serial) << 32 | w.id;
  return is_remote_pid(p) ? 0 : p;
}

}  // namespace lvm::dist
