// The fault handler behind guarded memory (brief section 3): compiled code
// accesses a guarded reservation without a bounds check, so an
// out-of-bounds access faults (SIGSEGV, or SIGBUS on some kernels). The
// handler, on an alternate signal stack, looks the faulting pc up among the
// recorded access sites (ModuleCode::is_fault_site) and, for one of them,
// resumes the thread in the trap stub as if the access had called it with
// Trap::MemoryOutOfBounds: the process traps with the interpreter's reason
// and backtrace. Any other fault goes to the handler installed before
// (a sanitizer's, say) or to the default action.
#pragma once

#include <cstdint>

namespace lvm::jit {

// Installs the handler (once per OS process) and gives the calling thread
// an alternate signal stack if it has none. Called before compiled code
// runs on a thread; cheap after the first call on that thread.
void prepare_thread_for_faults();

namespace arch {
// The interrupted pc in a signal's context (ucontext_t).
uintptr_t fault_pc(const void* ucontext);
// Makes the interrupted code continue in `trap_stub` as if the faulting
// instruction had called it with `code` as its trap (jit/x64/stubs_x64.cpp
// describes the stub's entry state).
void redirect_to_trap(void* ucontext, const void* trap_stub, uint32_t code);
}  // namespace arch

}  // namespace lvm::jit
