// ExecStack's regions: the layout of a stack, and moving a part that a call
// outgrew from the small region to the large one (vm/interp/exec_state.h).
#include <atomic>
#include <cstring>

#include "vm/interp/exec_state.h"

namespace lvm::interp {

namespace {

// Below the JIT's floor: what a prologue pushes before its check and the
// return addresses of stub calls (the stubs themselves run on the host
// stack). A large stack keeps a wider margin.
constexpr uintptr_t kSmallJitMargin = 128, kLargeJitMargin = 16 << 10;

template <class T>
T* moved(T* p, intptr_t delta) {
  return reinterpret_cast<T*>(reinterpret_cast<uintptr_t>(p) + uintptr_t(delta));
}

}  // namespace

void ExecStack::set_jit_floor(uintptr_t floor) {
  jit.stack_floor = floor;
  __atomic_store_n(&jit.stack_limit, floor, __ATOMIC_RELAXED);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (preempt.load(std::memory_order_relaxed)) __atomic_store_n(&jit.stack_limit, UINTPTR_MAX, __ATOMIC_RELAXED);
}

void ExecStack::reset(const StackLayout& l) {
  uint8_t* lo = l.region;
  const size_t nframes = l.frame_bytes / sizeof(Frame);
  frames_limit = reinterpret_cast<Frame*>(lo);
  frames_base = frame_top = frames_limit + nframes;
  base = top = reinterpret_cast<uint64_t*>(frames_base);
  const size_t jit_bytes = l.jit_bytes & ~size_t(15);
  end = reinterpret_cast<uint64_t*>(lo + l.bytes - jit_bytes);
  jit = {};
  if (jit_bytes) {
    jit.stack_top = (uintptr_t(lo) + l.bytes) & ~uintptr_t(15);
    jit.stack_bottom = uintptr_t(lo) + l.bytes - jit_bytes;
    jit.stack_floor = jit.stack_bottom + (jit_bytes >= 4 * kLargeJitMargin ? kLargeJitMargin : kSmallJitMargin);
    jit.stack_limit = jit.stack_floor;
  }
  large = {};
  interp_small = jit_small = false;
  interp_runs = 0;
  budget = INT64_MAX;
  preempt.store(false, std::memory_order_relaxed);
  fuel_limited = false;
  fuel = 0;
  slice_over.store(false, std::memory_order_relaxed);
  is_suspended = false;
  trap_backtrace.clear();
}

bool ExecStack::grow_interp(Frame* fsp, uint64_t* live_end, uint32_t runs, intptr_t* slots_delta,
                            intptr_t* frames_delta) {
  if (!interp_small || !large.region || interp_runs > runs) return false;
  uint8_t* lo = large.region;
  Frame* nlimit = reinterpret_cast<Frame*>(lo);
  Frame* nframes_base = nlimit + large.frame_bytes / sizeof(Frame);
  uint64_t* nbase = reinterpret_cast<uint64_t*>(nframes_base);
  uint64_t* nend = reinterpret_cast<uint64_t*>(lo + large.bytes - (large.jit_bytes & ~size_t(15)));
  if (live_end < top) live_end = top;
  const size_t nrec = size_t(frames_base - fsp), nslots = size_t(live_end - base);
  if (nrec > size_t(nframes_base - nlimit) || nslots > size_t(nend - nbase)) return false;
  const intptr_t sd = intptr_t(reinterpret_cast<uintptr_t>(nbase) - reinterpret_cast<uintptr_t>(base));
  const intptr_t fd = intptr_t(reinterpret_cast<uintptr_t>(nframes_base) - reinterpret_cast<uintptr_t>(frames_base));
  auto inside = [&](const uint64_t* p) { return p >= base && p <= end; };
  if (nslots) std::memcpy(nbase, base, nslots * 8);
  Frame* nfsp = moved(fsp, fd);
  for (size_t i = 0; i < nrec; ++i) {
    nfsp[i] = fsp[i];
    if (inside(nfsp[i].fp)) nfsp[i].fp = moved(nfsp[i].fp, sd);
  }
  if (inside(top)) top = moved(top, sd);
  if (inside(jit.interp_fp)) jit.interp_fp = moved(jit.interp_fp, sd);
  if (is_suspended) {
    if (inside(suspended.fp)) suspended.fp = moved(suspended.fp, sd);
    suspended.frame_base = moved(suspended.frame_base, fd);
  }
  frame_top = moved(frame_top, fd);
  frames_limit = nlimit;
  frames_base = nframes_base;
  base = nbase;
  end = nend;
  interp_small = false;
  *slots_delta = sd;
  *frames_delta = fd;
  return true;
}

intptr_t ExecStack::grow_jit(uintptr_t sp, uintptr_t fp) {
  if (!jit_small || !large.region || jit.depth != 1) return 0;
  const size_t jit_bytes = large.jit_bytes & ~size_t(15);
  if (!jit_bytes) return 0;
  const uintptr_t old_top = jit.stack_top;
  const uintptr_t ntop = (uintptr_t(large.region) + large.bytes) & ~uintptr_t(15);
  const uintptr_t nbottom = uintptr_t(large.region) + large.bytes - jit_bytes;
  const intptr_t d = intptr_t(ntop - old_top);
  if (sp > old_top || old_top - sp >= jit_bytes) return 0;
  std::memcpy(reinterpret_cast<void*>(sp + uintptr_t(d)), reinterpret_cast<const void*>(sp), old_top - sp);
  // The frame-pointer chain: each frame's [fp] is its caller's fp. Nothing
  // else on a guest stack points into it: locals
  // and spill slots are addressed from fp, and calls out of compiled code
  // leave no pointer into it but guest_sp, which the stub sets again.
  // The walk stops at the outermost frame (at entry_sp - 16: the call's
  // return address, then the pushed frame pointer), whose link is the
  // host's and may be any value, even one inside this stack.
  const uintptr_t outermost = jit.entry_sp - 16;
  for (uintptr_t f = fp; f >= sp && f < outermost;) {
    auto* link = reinterpret_cast<uintptr_t*>(f + uintptr_t(d));
    const uintptr_t caller = *link;
    if (caller <= f || caller > outermost) break;  // (cannot happen: the chain climbs to the outermost)
    *link = caller + uintptr_t(d);
    f = caller;
  }
  jit.entry_sp += uintptr_t(d);
  jit.stack_top = ntop;
  jit.stack_bottom = nbottom;
  set_jit_floor(nbottom + (jit_bytes >= 4 * kLargeJitMargin ? kLargeJitMargin : kSmallJitMargin));
  jit_small = false;
  return d;
}

}  // namespace lvm::interp
