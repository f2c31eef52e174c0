#include "vm/host.h"

#include "vm/instance.h"

namespace lvm {

std::span<uint8_t> HostCall::memory() const {
  LinearMemory* m = caller_.memory0();
  if (!m) return {};
  return {m->base(), size_t(m->size())};
}

bool HostCall::check(uint64_t p, uint64_t len) const {
  LinearMemory* m = caller_.memory0();
  return m && m->in_bounds(p, len);
}

uint8_t* HostCall::ptr(uint64_t p, uint64_t len) const {
  LinearMemory* m = caller_.memory0();
  if (!m || !m->in_bounds(p, len)) return nullptr;
  m->mark_dirty(p, len);
  return m->base() + p;
}

Trap HostCall::trap(std::string message) {
  caller_.trap_message = std::move(message);
  return Trap::HostError;
}

Trap HostCall::exit(int32_t code) {
  caller_.exit_code = code;
  return Trap::Exit;
}

}  // namespace lvm
