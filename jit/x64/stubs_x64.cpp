// The shared stubs on x86-64 (jit/stubs.h). Compiled code runs on the guest
// stack; every call out of it (host functions, runtime helpers, the
// preemption check, lazy compilation) saves the guest stack pointer in the
// context and runs the C++ side on the host stack, where the entry left
// it. A suspension saves the guest's callee-saved registers and where to go
// on, and unwinds the host stack to the entry, which returns Trap::Yield;
// resume() comes back onto the guest stack. A trap abandons the guest stack.
#include <asmjit/x86.h>

#include <cstddef>

#include "jit/code_memory.h"
#include "jit/stubs.h"
#include "vm/trap.h"

namespace lvm::jit {

namespace {

using namespace asmjit;
namespace x = asmjit::x86;

int32_t J(size_t field) { return Ctx::jit(field); }
const int32_t kHostSp = J(offsetof(JitState, host_sp));
const int32_t kGuestSp = J(offsetof(JitState, guest_sp));
const int32_t kMemBase = Ctx::mem_base();
const int32_t kSaved = J(offsetof(JitState, saved_regs));
const int32_t kResumePc = J(offsetof(JitState, resume_pc));
const int32_t kSuspended = J(offsetof(JitState, suspended));
const int32_t kRetry = J(offsetof(JitState, retry));
const int32_t kScratch = J(offsetof(JitState, scratch));
const int32_t kFloor = J(offsetof(JitState, stack_floor));

x::Mem C(int32_t off, uint32_t size = 8) { return x::ptr(x::r14, off, size); }

struct Gen {
  CodeHolder code;
  x::Assembler a;
  asmjit::Label exit, trap;
  Gen() {
    code.init(Environment::host());
    code.attach(&a);
    exit = a.newLabel();
    trap = a.newLabel();
  }

  // A call out of compiled code to C function `fn(st)` with the status
  // convention of stub_targets. `suspending`: entered through
  // call_stub_suspending (a pushed return address, no `call`), so it comes
  // back with `pop; jmp`; else (the interpreter stub, entered through a
  // code table's `call`) with `ret`.
  //
  // Why: a suspension leaves compiled code for the C++ that entered or
  // resumed it, so every `call` whose `ret` it skips leaves an entry on
  // the CPU's return predictor, and every return after it, the C++ ones
  // included, is mispredicted in turn (JIT pingpong was 10% behind the
  // interpreter for it). With no entry pushed, the return out of a
  // suspension is predicted; a resumed call comes back to compiled code
  // with a jump too, so that the C++ caller of resume() keeps its entry
  // for the next suspension.
  void call_c(const void* fn) {
    a.mov(x::rsp, C(kHostSp));
    a.mov(x::rdi, x::r14);
    a.mov(x::rax, uint64_t(uintptr_t(fn)));
    a.call(x::rax);
    a.mov(x::rsp, C(kGuestSp));
    a.mov(x::r15, C(kMemBase));  // (a memory in a small slot moves when it outgrows it)
    a.test(x::eax, x::eax);
  }
  void jump_back() {
    a.pop(x::r11);
    a.jmp(x::r11);
  }
  asmjit::Label host_like(const void* fn, bool save_scratch, bool suspending) {
    asmjit::Label entry = a.newLabel(), notok = a.newLabel(), resumed = a.newLabel(), resumed_done = a.newLabel(),
                  trap_here = a.newLabel();
    a.align(AlignMode::kCode, 16);
    a.bind(entry);
    if (save_scratch) a.mov(C(kScratch), x::r11);
    a.mov(C(kGuestSp), x::rsp);
    call_c(fn);
    a.jnz(notok);
    if (suspending)
      jump_back();
    else
      a.ret();
    // From resume(): the call again, or straight back to the guest.
    a.bind(resumed);
    call_c(fn);
    a.jnz(notok);
    a.bind(resumed_done);
    jump_back();
    a.bind(notok);
    a.cmp(x::eax, uint32_t(Trap::Yield));
    a.jne(trap_here);
    // Suspend: the guest's registers, and where resume() goes on.
    a.mov(C(kSaved + 0), x::rbx);
    a.mov(C(kSaved + 8), x::r12);
    a.mov(C(kSaved + 16), x::r13);
    a.mov(C(kSaved + 24), x::rbp);
    a.lea(x::rcx, x::ptr(resumed));
    a.lea(x::rdx, x::ptr(resumed_done));
    a.cmp(C(kRetry, 1), 0);
    a.cmove(x::rcx, x::rdx);
    a.mov(C(kResumePc), x::rcx);
    a.mov(C(kSuspended, 1), 1);
    a.jmp(exit);
    a.bind(trap_here);
    a.mov(x::edi, x::eax);
    a.jmp(trap);
    return entry;
  }
};

Stubs generate() {
  Stubs s;
  Gen g;
  x::Assembler& a = g.a;

  // From C++ onto the guest's side: the host's callee-saved registers
  // pushed, the host stack pointer (16-byte aligned) kept in the context,
  // the pinned registers loaded.
  auto from_host = [&] {
    a.push(x::rbp);
    a.push(x::rbx);
    a.push(x::r12);
    a.push(x::r13);
    a.push(x::r14);
    a.push(x::r15);
    a.sub(x::rsp, 8);
    a.mov(x::ptr(x::rdi, kHostSp), x::rsp);
    a.mov(x::r14, x::rdi);
    a.mov(x::r15, C(kMemBase));
  };

  // enter(st, code, sp)
  asmjit::Label enter = a.newLabel();
  a.bind(enter);
  from_host();
  a.mov(x::rsp, x::rdx);
  a.call(x::rsi);
  a.xor_(x::eax, x::eax);
  // exit: back to the entry's caller with the status in eax.
  a.bind(g.exit);
  a.mov(x::rsp, C(kHostSp));
  a.add(x::rsp, 8);
  a.pop(x::r15);
  a.pop(x::r14);
  a.pop(x::r13);
  a.pop(x::r12);
  a.pop(x::rbx);
  a.pop(x::rbp);
  a.ret();

  // resume(st)
  asmjit::Label resume = a.newLabel();
  a.align(AlignMode::kCode, 16);
  a.bind(resume);
  from_host();
  a.mov(x::rbx, C(kSaved + 0));
  a.mov(x::r12, C(kSaved + 8));
  a.mov(x::r13, C(kSaved + 16));
  a.mov(x::rbp, C(kSaved + 24));
  a.mov(C(kSuspended, 1), 0);
  a.mov(x::rsp, C(kGuestSp));
  a.jmp(C(kResumePc));

  // trap: edi = the trap, [rsp] = the return address into the function
  // that raised it, rbp its frame.
  a.align(AlignMode::kCode, 16);
  a.bind(g.trap);
  a.mov(C(kGuestSp), x::rsp);
  a.mov(x::rsp, C(kHostSp));
  a.mov(x::esi, x::edi);
  a.mov(x::rdi, x::r14);
  a.mov(x::rdx, x::rbp);
  a.mov(x::rax, uint64_t(uintptr_t(&stub_targets::raise)));
  a.call(x::rax);
  a.jmp(g.exit);

  // runtime: the C function in r11, its arguments in place.
  asmjit::Label runtime = a.newLabel();
  a.align(AlignMode::kCode, 16);
  a.bind(runtime);
  a.mov(C(kGuestSp), x::rsp);
  a.mov(x::rsp, C(kHostSp));
  a.call(x::r11);
  a.mov(x::rsp, C(kGuestSp));
  a.mov(x::r15, C(kMemBase));  // (memory.grow may have moved memory 0)
  a.ret();

  // lazy: compile function r11, then enter it as if called directly.
  asmjit::Label lazy = a.newLabel();
  a.align(AlignMode::kCode, 16);
  a.bind(lazy);
  a.mov(C(kScratch), x::r11);
  a.mov(C(kGuestSp), x::rsp);
  a.mov(x::rsp, C(kHostSp));
  a.mov(x::rdi, x::r14);
  a.mov(x::rax, uint64_t(uintptr_t(&stub_targets::lazy_compile)));
  a.call(x::rax);
  a.mov(x::rsp, C(kGuestSp));
  a.jmp(x::rax);

  asmjit::Label host = g.host_like(reinterpret_cast<const void*>(&stub_targets::host_call), false, true);
  asmjit::Label funcinst = g.host_like(reinterpret_cast<const void*>(&stub_targets::call_funcinst), true, true);
  asmjit::Label check = g.host_like(reinterpret_cast<const void*>(&stub_targets::check_point), false, true);
  asmjit::Label interp = g.host_like(reinterpret_cast<const void*>(&stub_targets::interp_call), true, false);

  // import: the FuncInst in r11; one compare picks the host-call path.
  asmjit::Label import = a.newLabel();
  a.align(AlignMode::kCode, 16);
  a.bind(import);
  a.cmp(x::qword_ptr(x::r11, FuncInstLayout::host()), 0);
  a.je(funcinst);
  a.mov(C(J(offsetof(JitState, pending_fn))), x::r11);
  a.jmp(host);

  // entry check: called from a prologue whose new stack pointer (r11) is
  // below stack_limit: below the floor, the stack moves to its large
  // region if it can (grow_stack: rsp, rbp and r11 then move by the
  // distance it returns, the frame chain in memory is relocated) and the
  // check runs again; if it cannot, the call stack is exhausted. Above
  // the floor, stack_limit asked for the check point. (At a function
  // entry no register but these holds a pointer into the guest stack:
  // the arguments are read from rbp, and calls leave nothing live in
  // caller-saved registers.)
  asmjit::Label entry_check = a.newLabel(), overflow = a.newLabel(), exhausted = a.newLabel();
  a.align(AlignMode::kCode, 16);
  a.bind(entry_check);
  a.cmp(x::r11, C(kFloor));
  a.jb(overflow);
  a.jmp(check);
  a.bind(overflow);
  a.mov(C(kScratch), x::r11);
  a.mov(C(kGuestSp), x::rsp);
  a.mov(x::rsp, C(kHostSp));
  a.mov(x::rdi, x::r14);
  a.mov(x::rsi, C(kGuestSp));
  a.mov(x::rdx, x::rbp);
  a.mov(x::rax, uint64_t(uintptr_t(&stub_targets::grow_stack)));
  a.call(x::rax);
  a.mov(x::rsp, C(kGuestSp));
  a.mov(x::r11, C(kScratch));
  a.test(x::rax, x::rax);
  a.jz(exhausted);
  a.add(x::rsp, x::rax);
  a.add(x::rbp, x::rax);
  a.add(x::r11, x::rax);
  a.jmp(entry_check);
  a.bind(exhausted);
  a.mov(x::edi, uint32_t(Trap::CallStackExhausted));
  a.jmp(g.trap);

  void* base = nullptr;
  void* rw = nullptr;
  if (g.code.flatten() || g.code.resolveUnresolvedLinks()) return s;
  const size_t size = g.code.codeSize();
  if (!code_alloc(size, &base, &rw)) return s;  // (never freed: the stubs live as long as the OS process)
  if (g.code.relocateToBase(uint64_t(uintptr_t(base))) ||
      g.code.copyFlattenedData(rw, size, CopySectionFlags::kPadSectionBuffer))
    return s;
  auto at = [&](asmjit::Label l) {
    return static_cast<const void*>(static_cast<uint8_t*>(base) + g.code.labelOffsetFromBase(l));
  };
  s.enter = reinterpret_cast<uint32_t (*)(interp::ExecStack*, const void*, uintptr_t)>(
      const_cast<void*>(at(enter)));
  s.resume = reinterpret_cast<uint32_t (*)(interp::ExecStack*)>(const_cast<void*>(at(resume)));
  s.table[kStubHostCall] = at(host);
  s.table[kStubRuntime] = at(runtime);
  s.table[kStubCheckPoint] = at(check);
  s.table[kStubEntryCheck] = at(entry_check);
  s.table[kStubTrap] = at(g.trap);
  s.table[kStubCallFuncInst] = at(funcinst);
  s.table[kStubImport] = at(import);
  s.table[kStubLazy] = at(lazy);
  s.table[kStubInterp] = at(interp);
  s.ok = true;
  return s;
}

}  // namespace

const Stubs& stubs() {
  static const Stubs s = generate();
  return s;
}

}  // namespace lvm::jit
