// The C++ side of compiled code: the runtime helpers (jit/runtime.h), the
// targets of the stubs (host calls, calls into other instances and the
// interpreter, preemption, lazy compilation, traps and their backtraces),
// and entering compiled code from C++ (jit::invoke_on, jit/tier.cpp).
#include "jit/runtime.h"

#include <algorithm>
#include <cstring>

#include "jit/invoke.h"
#include "jit/module_code.h"
#include "jit/signals.h"
#include "jit/stubs.h"
#include "vm/bulk_ops.h"
#include "vm/instance.h"
#include "vm/interpreter.h"
#include "vm/memory.h"
#include "vm/runtime.h"

namespace lvm::jit {

namespace {

JitInstanceView& view(interp::ExecStack* st) { return st->jit.view; }
Instance& inst_of(interp::ExecStack* st) { return *st->jit.view.instance; }

// After anything that may have grown memory 0 (which moves a memory in a
// small slot that outgrew it: the stubs reload the base register from the
// view after every call out of compiled code).
void refresh_memory(JitInstanceView& v) {
  if (LinearMemory* m = v.memory0) {
    v.mem_base = m->base();
    v.mem_size = m->size();
    v.dirty = m->dirty_map();
  }
}

// Copies n value slots; most calls move one or none, which a memmove call
// (what std::copy becomes) would make several times dearer.
inline void copy_slots(uint64_t* dst, const uint64_t* src, size_t n) {
  if (!n) return;
  dst[0] = src[0];
  for (size_t k = 1; k < n; ++k) dst[k] = src[k];
}

uint64_t* outgoing_args(interp::ExecStack* st) { return reinterpret_cast<uint64_t*>(st->jit.guest_sp + 8); }

// Runs host function `f` with the arguments at `args`, its results stored
// over them.
// 64-bit slots values of `types` take (a v128 two).
size_t slot_count(std::span<const ValType> types) {
  size_t n = 0;
  for (ValType t : types) n += t == ValType::V128 ? 2 : 1;
  return n;
}

[[gnu::always_inline]] inline uint32_t run_host(interp::ExecStack* st, const FuncInst* f, uint64_t* args) {
  JitState& j = st->jit;
  uint64_t results[16];
  HostCall call(inst_of(st), *f->host, j.view.memory0, args, results, &st->budget);
  const Trap t = f->host_direct ? f->host_direct(call) : f->host->fn(call);
  refresh_memory(j.view);
  if (t != Trap::None) {
    if (t == Trap::Yield) {
      if (j.depth > 1) {
        inst_of(st).trap_message = "host function " + f->host->name + " cannot wait inside a nested call";
        return uint32_t(Trap::HostError);
      }
      j.retry = true;  // it runs again when the process is resumed
    }
    return uint32_t(t);
  }
  copy_slots(args, results, f->host_results);
  if (--st->budget <= 0 && j.depth == 1) {  // a host call costs a reduction, plus what it charged
    j.retry = false;
    return uint32_t(Trap::Yield);
  }
  return 0;
}

}  // namespace

// ---- runtime helpers ----

namespace rt {

uint64_t memory_grow(Ctx* c, uint64_t delta) {
  LinearMemory* m = view(c).memory0;
  const int64_t r = m->grow(uint32_t(delta));
  refresh_memory(view(c));
  return uint32_t(int32_t(r));
}

uint32_t memory_init(Ctx* c, uint64_t seg_index, uint64_t d, uint64_t s, uint64_t n) {
  return uint32_t(bulk::memory_init(inst_of(c), *view(c).memory0, uint32_t(seg_index), uint32_t(d), uint32_t(s),
                                    uint32_t(n)));
}

uint64_t data_drop(Ctx* c, uint64_t seg) {
  inst_of(c).dropped_data[seg] = true;
  return 0;
}

uint32_t memory_copy(Ctx* c, uint64_t d, uint64_t s, uint64_t n) {
  return uint32_t(bulk::memory_copy(*view(c).memory0, uint32_t(d), uint32_t(s), uint32_t(n)));
}

uint32_t memory_fill(Ctx* c, uint64_t d, uint64_t v, uint64_t n) {
  return uint32_t(bulk::memory_fill(*view(c).memory0, uint32_t(d), uint8_t(v), uint32_t(n)));
}

uint32_t table_get(Ctx* c, uint64_t t, uint64_t i) {
  const TableInst& table = *view(c).tables[t];
  i = uint32_t(i);
  if (i >= table.size()) return uint32_t(Trap::TableOutOfBounds);
  c->jit.scratch = reinterpret_cast<uintptr_t>(table.elems[i]);
  return 0;
}

uint32_t table_set(Ctx* c, uint64_t t, uint64_t i, uint64_t ref) {
  TableInst& table = *view(c).tables[t];
  i = uint32_t(i);
  if (i >= table.size()) return uint32_t(Trap::TableOutOfBounds);
  table.elems[i] = reinterpret_cast<void*>(uintptr_t(ref));
  return 0;
}

uint64_t table_size(Ctx* c, uint64_t t) { return view(c).tables[t]->size(); }

uint64_t table_grow(Ctx* c, uint64_t t, uint64_t init, uint64_t n) {
  return uint32_t(int32_t(view(c).tables[t]->grow(uint32_t(n), reinterpret_cast<void*>(uintptr_t(init)))));
}

uint32_t table_fill(Ctx* c, uint64_t t, uint64_t i, uint64_t ref, uint64_t n) {
  return uint32_t(bulk::table_fill(*view(c).tables[t], uint32_t(i), reinterpret_cast<void*>(uintptr_t(ref)), uint32_t(n)));
}

uint32_t table_copy(Ctx* c, uint64_t dt, uint64_t st, uint64_t d, uint64_t s, uint64_t n) {
  return uint32_t(bulk::table_copy(*view(c).tables[dt], *view(c).tables[st], uint32_t(d), uint32_t(s), uint32_t(n)));
}

uint32_t table_init(Ctx* c, uint64_t seg_index, uint64_t t, uint64_t d, uint64_t s, uint64_t n) {
  return uint32_t(bulk::table_init(inst_of(c), *view(c).tables[t], uint32_t(seg_index), uint32_t(d), uint32_t(s),
                                   uint32_t(n)));
}

uint64_t elem_drop(Ctx* c, uint64_t seg) {
  inst_of(c).dropped_elems[seg] = true;
  return 0;
}

}  // namespace rt

// ---- stub targets ----

namespace stub_targets {

uint32_t host_call(interp::ExecStack* st) { return run_host(st, st->jit.pending_fn, outgoing_args(st)); }

uint32_t call_funcinst(interp::ExecStack* st) {
  const FuncInst* f = reinterpret_cast<const FuncInst*>(uintptr_t(st->jit.scratch));
  uint64_t* args = outgoing_args(st);
  if (f->host) return run_host(st, f, args);
  // A function of another instance: a nested entry, with that instance's view.
  Instance& callee = f->instance ? *f->instance : inst_of(st);
  uint64_t results[64];
  std::vector<uint64_t> big;
  const size_t nres = slot_count(f->type->results());
  uint64_t* out = results;
  if (nres > 64) {
    big.resize(nres);
    out = big.data();
  }
  const Trap t = jit::invoke_on(*st, callee, f->index, args, out);
  if (t == Trap::Yield) {
    inst_of(st).trap_message = "a call into another instance cannot be suspended";
    return uint32_t(Trap::HostError);
  }
  if (t != Trap::None) return uint32_t(t);
  copy_slots(args, out, nres);
  return 0;
}

uint32_t check_point(interp::ExecStack* st) {
  // As the interpreter's check_point: fuel first, then the time slice.
  if (st->fuel_limited) {
    if (--st->fuel < 0) return uint32_t(Trap::OutOfFuel);
    if (!st->slice_over.load(std::memory_order_relaxed)) return 0;
  }
  if (st->jit.depth > 1 || !st->preempt.load(std::memory_order_relaxed)) return 0;
  st->jit.retry = false;
  return uint32_t(Trap::Yield);
}

uint32_t interp_call(interp::ExecStack* st) {
  JitState& j = st->jit;
  Instance& inst = inst_of(st);
  const uint32_t func = uint32_t(j.scratch);
  uint64_t* args = outgoing_args(st);
  const FuncType& type = inst.module().func_type(func);
  const size_t nres = slot_count(type.results());
  Trap t;
  if (st->is_suspended) {
    t = interp::resume(*st);
  } else {
    j.interp_fp = st->top;
    std::vector<uint64_t> out(nres);
    t = lvm::invoke_on(*st, inst, func, args, out.data());
    if (t == Trap::None) {
      std::copy(out.begin(), out.end(), args);
      refresh_memory(j.view);
      return 0;
    }
  }
  refresh_memory(j.view);
  if (t == Trap::Yield) {
    if (j.depth > 1) {
      inst.trap_message = "an interpreted function cannot wait inside a nested call";
      return uint32_t(Trap::HostError);
    }
    j.retry = true;
    return uint32_t(t);
  }
  uint64_t* fp = j.interp_fp;  // (moved with the slots if the run outgrew the small stack)
  st->top = fp;  // (a resumed interpreter call left its frame in place)
  if (t == Trap::None) copy_slots(args, fp, nres);
  return uint32_t(t);
}

intptr_t grow_stack(interp::ExecStack* st, uintptr_t sp, uintptr_t fp) { return st->grow_jit(sp, fp); }

const void* lazy_compile(interp::ExecStack* st) {
  return static_cast<ModuleCode*>(st->jit.view.module_code)->compile(uint32_t(st->jit.scratch));
}

uint32_t raise(interp::ExecStack* st, uint32_t code, uintptr_t fp) {
  // The innermost frame is the one whose code made the call into the trap
  // path; each frame's return address and caller's frame pointer sit at
  // [fp + 8] and [fp]. Return addresses point past their call, hence -1.
  st->trap_backtrace.clear();
  const Instance* inst = st->jit.view.instance;
  uintptr_t pc = *reinterpret_cast<const uintptr_t*>(st->jit.guest_sp);
  const ModuleCode* mc;
  uint32_t func;
  for (int guard = 0; guard < 1 << 20 && ModuleCode::lookup(pc - 1, &mc, &func); ++guard) {
    st->trap_backtrace.emplace_back(inst, func);
    pc = reinterpret_cast<const uintptr_t*>(fp)[1];
    fp = reinterpret_cast<const uintptr_t*>(fp)[0];
  }
  return code;
}

}  // namespace stub_targets

// ---- entering compiled code ----

namespace {

void prepare_instance(Instance& inst) {
  if (inst.jit_ready) [[likely]]
    return;
  inst.jit_globals.clear();
  for (auto& g : inst.globals) inst.jit_globals.push_back(&g->value[0]);
  inst.jit_tables.clear();
  for (auto& t : inst.tables) inst.jit_tables.push_back(t.get());
  inst.jit_ready = true;
}

// Points `v` at `inst`, whose code is `mc`.
void fill_view(JitInstanceView& v, Instance& inst, ModuleCode& mc) {
  prepare_instance(inst);
  v.instance = &inst;
  v.memory0 = inst.memory0();
  v.mem_base = nullptr;
  v.mem_size = 0;
  v.dirty = nullptr;
  v.globals = inst.jit_globals.data();
  v.funcs = inst.funcs.data();
  v.tables = inst.jit_tables.data();
  v.code = mc.table();
  v.module_code = &mc;
  refresh_memory(v);
}

constexpr uintptr_t kStackMargin = 16 << 10;

// The bytes of the argument and result area of a call of type `type` (as
// many slots as the larger of the two, at least one), a multiple of 16.
size_t call_area_bytes(const FuncType& type, size_t* nargs, size_t* nresults) {
  *nargs = slot_count(type.params());
  *nresults = slot_count(type.results());
  return (8 * std::max<size_t>(std::max(*nargs, *nresults), 1) + 15) & ~size_t(15);
}

// A nested entry (a host function calling back into wasm, a call into
// another instance): restores the view and stack pointers of the call it
// runs inside. On a stack still in its small region it runs in the large
// one: the small one cannot move while the calls around this one hold
// pointers into it (ExecStack::grow_jit).
[[gnu::noinline]] Trap enter_nested(interp::ExecStack& st, Instance& callee, ModuleCode& mc, const void* code,
                                    const FuncType& type, const uint64_t* args, uint64_t* results) {
  JitState& j = st.jit;
  size_t nargs, nresults;
  const size_t area = call_area_bytes(type, &nargs, &nresults);
  const bool borrow = st.jit_small && st.large.region && (st.large.jit_bytes & ~size_t(15));
  uintptr_t saved_floor = 0;
  // The guest stack: below the frames of the call that is running.
  uintptr_t from = j.guest_sp - 64;
  if (borrow) {
    from = (uintptr_t(st.large.region) + st.large.bytes) & ~uintptr_t(15);
    saved_floor = j.stack_floor;
    st.set_jit_floor(from - (st.large.jit_bytes & ~size_t(15)) + kStackMargin);
  }
  const uintptr_t sp = (from - area) & ~uintptr_t(15);
  auto unborrow = [&] {
    if (borrow) st.set_jit_floor(saved_floor);
  };
  if (sp < j.stack_floor) {
    unborrow();
    return Trap::CallStackExhausted;
  }
  copy_slots(reinterpret_cast<uint64_t*>(sp), args, nargs);
  const JitInstanceView saved_view = j.view;
  const uintptr_t saved_host = j.host_sp, saved_guest = j.guest_sp;
  fill_view(j.view, callee, mc);
  ++j.depth;
  const Trap t = Trap(stubs().enter(&st, code, sp));
  --j.depth;
  j.host_sp = saved_host;
  j.guest_sp = saved_guest;
  j.view = saved_view;
  refresh_memory(j.view);  // (the callee may have grown a memory the caller shares)
  unborrow();
  j.suspended = false;
  if (t == Trap::None && results) copy_slots(results, reinterpret_cast<const uint64_t*>(sp), nresults);
  return t;
}

}  // namespace

Trap invoke_on(interp::ExecStack& st, Instance& inst, uint32_t func_index, const uint64_t* args, uint64_t* results,
               bool eager) {
  const FuncInst* f = inst.funcs[func_index];
  if (f->host) [[unlikely]] {
    uint64_t out[16] = {};
    HostCall call(inst, *f->host, args, out);
    const Trap t = f->host->call(call);
    if (t == Trap::None && results) copy_slots(results, out, slot_count(f->type->results()));
    return t;
  }
  const Stubs& s = stubs();
  JitState& j = st.jit;
  if (!s.ok || !j.stack_top) [[unlikely]]
    return lvm::invoke_on(st, inst, func_index, args, results);
  prepare_thread_for_faults();
  Instance& callee = f->instance ? *f->instance : inst;
  if (!callee.jit_code) [[unlikely]] {
    const CodeVariant variant = ModuleCode::variant_of(callee);
    ModuleCode& found = ModuleCode::of(*callee.code, variant, eager);
    if (eager && !found.compile_all()) return lvm::invoke_on(st, inst, func_index, args, results);  // (no code memory)
    if (!variant.track_writes)
      if (LinearMemory* m = callee.memory0()) m->set_untracked();
    callee.jit_code = &found;
  }
  ModuleCode& mc = *static_cast<ModuleCode*>(callee.jit_code);
  const void* code = mc.compile(f->index);
  if (!j.stack_floor) [[unlikely]] {  // (a fresh stack)
    j.stack_floor = j.stack_bottom + kStackMargin;
    __atomic_store_n(&j.stack_limit, st.preempt.load() ? UINTPTR_MAX : j.stack_floor, __ATOMIC_RELAXED);
  }
  if (j.depth != 0) return enter_nested(st, callee, mc, code, *f->type, args, results);
  // The outermost entry (a process's entry, every spawn): from the top of
  // the guest stack, with nothing to restore after it.
  size_t nargs, nresults;
  const size_t area = call_area_bytes(*f->type, &nargs, &nresults);
  const uintptr_t sp = j.stack_top - area;
  if (sp < j.stack_floor) [[unlikely]]
    return Trap::CallStackExhausted;
  copy_slots(reinterpret_cast<uint64_t*>(sp), args, nargs);
  fill_view(j.view, callee, mc);
  j.entry_sp = sp;
  j.depth = 1;
  const Trap t = Trap(s.enter(&st, code, sp));
  j.depth = 0;
  if (t == Trap::Yield) return t;  // suspended: the state stays for resume()
  j.suspended = false;
  // (The stack may have moved: the area is as far below its top as before.)
  if (t == Trap::None && results) copy_slots(results, reinterpret_cast<const uint64_t*>(j.stack_top - area), nresults);
  return t;
}

Trap resume(interp::ExecStack& st) {
  JitState& j = st.jit;
  prepare_thread_for_faults();  // (it may resume on another thread than it started)
  ++j.depth;
  const Trap t = Trap(stubs().resume(&st));
  --j.depth;
  return t;
}

}  // namespace lvm::jit
