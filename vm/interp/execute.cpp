// The dispatch loop: direct threading through computed goto (a GNU
// extension that GCC and Clang support). Each instruction starts with its
// handler's address; a handler does its work and jumps straight to the next
// handler. Calls and returns stay inside the loop (frames are records in
// ExecStack), so wasm recursion never grows the native stack.
//
// Handlers are grouped by category in exec_*.inc, included here because
// computed goto needs them in one function.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <cstring>
#include <sys/mman.h>

#include "vm/bulk_ops.h"
#include "vm/interp/disasm.h"
#include "vm/interp/exec_state.h"
#include "vm/interp/slots.h"
#include "vm/interpreter.h"
#include "vm/numeric.h"

namespace lvm::interp {

namespace {
// The semantics of each numeric operator as a function, from the table.
#define UNOP(name, In_, Out_, expr)                  \
  struct Sem_##name {                                 \
    using In = In_;                                   \
    using Out = Out_;                                 \
    static inline Out apply(In a) { return Out(expr); } \
  };
#define BINOP(name, In_, Out_, expr)                        \
  struct Sem_##name {                                        \
    using In = In_;                                          \
    using Out = Out_;                                        \
    static inline Out apply(In a, In b) { return Out(expr); } \
  };
#define TRAP_BINOP(name, T, fn)
#define TRAP_UNOP(name, In, Out, fn)
#include "vm/numeric_ops.def"
#undef UNOP
#undef BINOP
#undef TRAP_BINOP
#undef TRAP_UNOP

}  // namespace

ExecStack& exec_stack() {
  // 100,000 frame records, then 32 MiB of slots; the records end mid-page so
  // that shallow use touches one page. Then the JIT's native stack.
  static constexpr size_t kFrameBytes = 100'000 * sizeof(Frame), kSlotBytes = size_t(32) << 20,
                          kJitBytes = size_t(64) << 20;
  struct Owned {
    void* region = nullptr;
    size_t bytes = kFrameBytes + kSlotBytes + kJitBytes;
    ExecStack st;
    Owned() {
      region = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (region == MAP_FAILED) region = nullptr;
      else st.reset(region, bytes, kFrameBytes, kJitBytes);
    }
    ~Owned() {
      if (region) munmap(region, bytes);
    }
  };
  thread_local Owned owned;
  return owned.st;
}

static const void** g_handlers = nullptr;

#ifdef LVM_INTERP_PROFILE
// Dispatch counts per handler address, printed at exit (most frequent first).
namespace {
struct DispatchProfile {
  std::map<const void*, uint64_t> counts;
  ~DispatchProfile() {
    std::vector<std::pair<uint64_t, std::string>> rows;
    uint64_t total = 0;
    for (size_t i = 0; g_handlers && i < size_t(IOp::Count); ++i) {
      auto it = counts.find(g_handlers[i]);
      if (it == counts.end() || !it->second) continue;
      rows.emplace_back(it->second, iop_name(IOp(i)));
      total += it->second;
      it->second = 0;  // handlers shared by several IOps count once
    }
    std::sort(rows.rbegin(), rows.rend());
    std::fprintf(stderr, "interpreter dispatches: %llu\n", (unsigned long long)total);
    for (size_t i = 0; i < rows.size() && i < 40; ++i)
      std::fprintf(stderr, "  %12llu %5.1f%%  %s\n", (unsigned long long)rows[i].first,
                   100.0 * double(rows[i].first) / double(total), rows[i].second.c_str());
  }
};
DispatchProfile g_profile;
}  // namespace
#endif

namespace {
// The dispatch loop. Starts at `ip` in `fn` with frame `fp`; the run's
// outermost frame record position is `frame_base` (st.frame_top holds the
// innermost when resuming). With inst == nullptr it only exports the
// handler table.
Trap loop(ExecStack& st, Instance* inst, const CompiledFunction* fn, uint64_t* fp, const uint32_t* ip,
          Frame* frame_base) {
  if (!inst) {
    // Export the handler addresses, in IOp order.
    static const void* table[size_t(IOp::Count)];
    for (auto& h : table) h = &&L_NoHandler;
#define IOP(name, n) table[size_t(IOp::name)] = &&L_##name;
#include "vm/interp/ops.def"
#undef IOP
#define X(name) table[size_t(IOp::name##Imm)] = &&L_##name##Imm;
    LVM_INTERP_IMM_OPS(X)
#undef X
#define LOAD(name, S, M)                                 \
  table[size_t(IOp::name##AddR)] = &&L_##name##AddR;     \
  table[size_t(IOp::name##AddI)] = &&L_##name##AddI;     \
  table[size_t(IOp::name##Abs)] = &&L_##name##Abs;
#define STORE(name, S, M)                                      \
  LOAD(name, S, M)                                             \
  table[size_t(IOp::name##Imm)] = &&L_##name##Imm;             \
  table[size_t(IOp::name##AddRImm)] = &&L_##name##AddRImm;     \
  table[size_t(IOp::name##AddIImm)] = &&L_##name##AddIImm;
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
#define X(name, load, comm)                           \
  table[size_t(IOp::name##Load)] = &&L_##name##Load;  \
  table[size_t(IOp::name##Rmw)] = &&L_##name##Rmw;    \
  table[size_t(IOp::name##LoadAddR)] = &&L_##name##LoadAddR; \
  table[size_t(IOp::name##LoadAddI)] = &&L_##name##LoadAddI;
    LVM_INTERP_LOAD_OPS(X)
#undef X
#define X(op, sh) table[size_t(IOp::op##With##sh)] = &&L_##op##With##sh;
    LVM_INTERP_SHIFTED_OPS(X)
#undef X
#define X(op, inner) table[size_t(IOp::op##Of##inner)] = &&L_##op##Of##inner;
    LVM_INTERP_ALU2_OPS(X)
#undef X
#define X(op, load, comm, M) table[size_t(IOp::op##With##load)] = &&L_##op##With##load;
    LVM_INTERP_NARROW_LOAD_OPS(X)
#undef X
#define X(name, neg)                                     \
  table[size_t(IOp::BrIf##name)] = &&L_BrIf##name;       \
  table[size_t(IOp::BrIf##name##Imm)] = &&L_BrIf##name##Imm;
    LVM_INTERP_CMP_OPS(X)
#undef X
#define UNOP(name, In, Out, expr) table[size_t(wasm_iop(Opcode::name))] = &&L_##name;
#define BINOP(name, In, Out, expr) table[size_t(wasm_iop(Opcode::name))] = &&L_##name;
#define TRAP_BINOP(name, T, fn) table[size_t(wasm_iop(Opcode::name))] = &&L_##name;
#define TRAP_UNOP(name, In, Out, fn) table[size_t(wasm_iop(Opcode::name))] = &&L_##name;
#include "vm/numeric_ops.def"
#undef UNOP
#undef BINOP
#undef TRAP_BINOP
#undef TRAP_UNOP
#define LOAD(name, S, M) table[size_t(wasm_iop(Opcode::name))] = &&L_##name;
#define STORE(name, S, M) table[size_t(wasm_iop(Opcode::name))] = &&L_##name;
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
#define ONE(name, ...) table[size_t(wasm_iop(Opcode::name))] = &&L_##name;
#define SIMD_OP ONE
#include "vm/simd_ops.def"
    LVM_INTERP_SIMD_SPECIAL_OPS(ONE)
#undef ONE
    g_handlers = table;
    return Trap::None;
  }

  Frame* fsp = st.frame_top;  // the innermost frame record (records grow down)
  LinearMemory* m0 = nullptr;  // inst's memory 0 (null if none)
  uint8_t* mem = nullptr;
  uint8_t* dirty = nullptr;  // the memory's written-pages map
  uint64_t mem_size = 0;
  Trap trap = Trap::None;

#define RELOAD_MEMORY()                              \
  do {                                               \
    m0 = inst->memory0();                            \
    mem = m0 ? m0->base() : nullptr;                 \
    dirty = m0 ? m0->dirty_map() : nullptr;          \
    mem_size = m0 ? m0->size() : 0;                  \
  } while (0)
#ifdef LVM_INTERP_PROFILE
#define DISPATCH()                          \
  do {                                      \
    ++g_profile.counts[handler_at(ip)];     \
    goto *handler_at(ip);                   \
  } while (0)
#else
#define DISPATCH() goto *handler_at(ip)
#endif
#define NEXT(n)                              \
  do {                                       \
    ip += kHandlerWords + (n) + ((n) & 1);   \
    DISPATCH();                              \
  } while (0)
#define TRAP(t)     \
  do {              \
    trap = (t);     \
    goto trap_out;  \
  } while (0)
// Taken branch by `off` words: a backward one is a loop back-edge, where
// the process yields if the scheduler asked it to (its time slice is up).
// A flag rather than a counter: a counter the compiler keeps in memory
// would chain every iteration of a tight loop through a store and a load.
#define BRANCH(off)                                                          \
  do {                                                                       \
    const int32_t off_ = int32_t(off);                                       \
    ip += off_;                                                              \
    if (off_ < 0 && st.preempt.load(std::memory_order_relaxed)) [[unlikely]] \
      goto check_point;                                                      \
    DISPATCH();                                                              \
  } while (0)
// A store at ea (in bounds) marks the granule it starts in; restore() also
// resets the first bytes of the next granule, where a store may spill.
#define MARK_DIRTY(ea, n) dirty[(ea) >> LinearMemory::kDirtyShift] = 1
#define OP(i) ip[kHandlerWords + (i)]
#define S(i) fp[OP(i)]

  RELOAD_MEMORY();
  DISPATCH();

#include "vm/interp/exec_numeric.inc"
#include "vm/interp/exec_memory.inc"
#include "vm/interp/exec_control.inc"
#include "vm/interp/exec_simd.inc"
#include "vm/interp/exec_tables.inc"

L_NoHandler:
  TRAP(Trap::Unsupported);

check_point:
  // A function entry or loop back-edge with `preempt` set: count fuel if
  // the process has a limit (and go on unless its slice is over), else
  // yield.
  if (st.fuel_limited) [[unlikely]] {
    if (--st.fuel < 0) TRAP(Trap::OutOfFuel);
    if (!st.slice_over.load(std::memory_order_relaxed)) DISPATCH();
  }

yield_out:
  st.suspended = {ip, fp, inst, fn, frame_base};
  st.is_suspended = true;
  st.frame_top = fsp;
  return Trap::Yield;

trap_out:
  st.trap_backtrace.clear();
  st.trap_backtrace.emplace_back(inst, fn->func_index);
  for (; fsp < frame_base; ++fsp) st.trap_backtrace.emplace_back(fsp->inst, fsp->fn->func_index);
  st.frame_top = frame_base;
  st.is_suspended = false;
  return trap;

#undef RELOAD_MEMORY
#undef DISPATCH
#undef NEXT
#undef TRAP
#undef OP
#undef S
#undef MARK_DIRTY
#undef BRANCH
}
}  // namespace

Trap run(ExecStack& st, Instance* inst, const CompiledFunction* fn, uint64_t* fp) {
  st.is_suspended = false;
  ++st.interp_runs;
  const Trap t = loop(st, inst, fn, fp, fn->code.data(), st.frame_top);
  --st.interp_runs;
  return t;
}

Trap resume(ExecStack& st) {
  const ExecStack::Suspended s = st.suspended;
  st.is_suspended = false;
  ++st.interp_runs;
  const Trap t = loop(st, s.inst, s.fn, s.fp, s.ip, s.frame_base);
  --st.interp_runs;
  return t;
}

const void* const* handler_table() {
  static const bool init = (loop(exec_stack(), nullptr, nullptr, nullptr, nullptr, nullptr), true);
  (void)init;
  return g_handlers;
}

}  // namespace lvm::interp
