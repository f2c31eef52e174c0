#include "jit/signals.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

#include "jit/module_code.h"
#include "jit/stubs.h"
#include "vm/trap.h"

namespace lvm::jit {

namespace {

struct sigaction g_prev_segv, g_prev_bus;
std::atomic<const void*> g_trap_stub{nullptr};

void on_fault(int sig, siginfo_t* info, void* uc) {
  const void* stub = g_trap_stub.load(std::memory_order_relaxed);
  if (stub && ModuleCode::is_fault_site(arch::fault_pc(uc))) {
    arch::redirect_to_trap(uc, stub, uint32_t(Trap::MemoryOutOfBounds));
    return;
  }
  // Not a guest's access: whoever handled it before, else the default
  // action (restored, so that returning re-runs the instruction and the
  // OS process ends with the signal as it would have without us).
  const struct sigaction& prev = sig == SIGBUS ? g_prev_bus : g_prev_segv;
  if ((prev.sa_flags & SA_SIGINFO) && prev.sa_sigaction) {
    prev.sa_sigaction(sig, info, uc);
    return;
  }
  if (!(prev.sa_flags & SA_SIGINFO) && prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    prev.sa_handler(sig);
    return;
  }
  signal(sig, SIG_DFL);
}

void install() {
  g_trap_stub.store(stubs().table[kStubTrap], std::memory_order_relaxed);
  struct sigaction sa = {};
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &g_prev_segv);
  sigaction(SIGBUS, &sa, &g_prev_bus);
}

// A thread's alternate signal stack, made by us (freed at thread exit), or
// none if the thread already had one (a sanitizer's, say).
struct AltStack {
  static constexpr size_t kBytes = 64 << 10;
  void* mem = nullptr;
  size_t bytes = 0;
  ~AltStack() {
    if (!mem) return;
    stack_t off = {};
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, nullptr);
    munmap(mem, bytes);
  }
  void ensure() {
    stack_t cur;
    if (sigaltstack(nullptr, &cur) == 0 && !(cur.ss_flags & SS_DISABLE)) return;
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    bytes = kBytes + page;
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return;
    mprotect(p, page, PROT_NONE);  // a guard below
    stack_t ss = {};
    ss.ss_sp = static_cast<uint8_t*>(p) + page;
    ss.ss_size = kBytes;
    if (sigaltstack(&ss, nullptr) != 0) {
      munmap(p, bytes);
      return;
    }
    mem = p;
  }
};

}  // namespace

void prepare_thread_for_faults() {
  thread_local bool ready = false;
  if (ready) return;
  static std::once_flag once;
  std::call_once(once, install);
  thread_local AltStack alt;
  alt.ensure();
  ready = true;
}

}  // namespace lvm::jit
