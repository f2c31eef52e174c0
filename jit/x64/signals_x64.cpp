// x86-64 Linux signal contexts for the fault handler (jit/signals.h).
#include <ucontext.h>

#include <cstdint>

#include "jit/signals.h"

namespace lvm::jit::arch {

uintptr_t fault_pc(const void* ucontext) {
  return uintptr_t(static_cast<const ucontext_t*>(ucontext)->uc_mcontext.gregs[REG_RIP]);
}

void redirect_to_trap(void* ucontext, const void* trap_stub, uint32_t code) {
  // The trap stub expects edi = the trap and [rsp] = a return address
  // inside the function that raised it (it looks up address - 1). The
  // faulting instruction's own address + 1 stands in for it.
  greg_t* g = static_cast<ucontext_t*>(ucontext)->uc_mcontext.gregs;
  const uintptr_t pc = uintptr_t(g[REG_RIP]);
  g[REG_RSP] -= 8;
  *reinterpret_cast<uintptr_t*>(g[REG_RSP]) = pc + 1;
  g[REG_RDI] = greg_t(code);
  g[REG_RIP] = greg_t(uintptr_t(trap_stub));
}

}  // namespace lvm::jit::arch
