// The per-module cache of translated functions and the interpreter's entry
// point, invoke().
#include <map>
#include <mutex>

#include "vm/instance.h"
#include <cstdio>
#include <cstdlib>

#include "vm/interp/disasm.h"
#include "vm/interp/exec_state.h"
#include "vm/interp/translate.h"
#include "vm/interpreter.h"
#include "vm/tier.h"

namespace lvm {

struct CodeCache::Impl {
  std::shared_ptr<const Module> module;
  std::mutex mu;
  std::vector<std::unique_ptr<CompiledFunction>> owned;  // by body index
  std::unique_ptr<CodeCache::TierData> tier_data;
};

CodeCache::CodeCache(std::shared_ptr<const Module> m) : impl_(std::make_unique<Impl>()) {
  num_imported_ = m->num_imported_functions;
  functions_ = std::make_unique<std::atomic<const CompiledFunction*>[]>(m->bodies.size());
  impl_->owned.resize(m->bodies.size());
  impl_->module = std::move(m);
}

CodeCache::~CodeCache() = default;

const std::shared_ptr<const Module>& CodeCache::module() const { return impl_->module; }

std::shared_ptr<CodeCache> CodeCache::for_module(const std::shared_ptr<const Module>& m) {
  static std::mutex mu;
  static std::map<const Module*, std::weak_ptr<CodeCache>> caches;
  std::lock_guard<std::mutex> lock(mu);
  std::weak_ptr<CodeCache>& slot = caches[m.get()];
  if (auto c = slot.lock()) return c;
  auto c = std::make_shared<CodeCache>(m);
  slot = c;
  return c;
}

const CompiledFunction& CodeCache::translate_now(uint32_t func_index) {
  const uint32_t body = func_index - num_imported_;
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::unique_ptr<CompiledFunction>& slot = impl_->owned[body];
  if (!slot) {
    slot = std::make_unique<CompiledFunction>(interp::translate(*impl_->module, func_index));
    static const bool dump = std::getenv("LVM_DUMP_INTERP") != nullptr;
    if (dump) std::fputs(interp::disassemble(*slot).c_str(), stderr);
    functions_[body].store(slot.get(), std::memory_order_release);
  }
  return *slot;
}

Trap invoke_on(interp::ExecStack& st, Instance& inst, uint32_t func_index, const uint64_t* args, uint64_t* results) {
  const FuncInst* f = inst.funcs[func_index];
  const FuncType& type = *f->type;
  size_t nargs = 0, nresults = 0;
  for (ValType t : type.params()) nargs += t == ValType::V128 ? 2 : 1;
  for (ValType t : type.results()) nresults += t == ValType::V128 ? 2 : 1;
  if (f->host) {
    uint64_t out[16] = {};
    HostCall call(inst, *f->host, args, out);
    Trap t = f->host->call(call);
    if (t == Trap::None && results) std::copy(out, out + nresults, results);
    return t;
  }
  if (!st.base) return Trap::CallStackExhausted;
  Instance& callee = f->instance ? *f->instance : inst;  // null: a function of `inst` itself
  const CompiledFunction& cf = callee.code->get(f->index);
  if (st.top + cf.frame_slots > st.end || st.frame_top == st.frames_limit) {
    // Outgrown: move to the large region (once; only with no run active).
    intptr_t sd, fd;
    if (!st.grow_interp(st.frame_top, st.top, 0, &sd, &fd) || st.top + cf.frame_slots > st.end ||
        st.frame_top == st.frames_limit)
      return Trap::CallStackExhausted;
  }
  // (As offsets from base: the run may move the slots, see ExecStack.)
  const size_t at = size_t(st.top - st.base);
  uint64_t* fp = st.top;
  if (nargs) std::copy(args, args + nargs, fp);
  // (Not a memset of 0 bytes: glibc's AVX-512 one does a masked store
  // even then, which costs a microcode assist of ~300 cycles when its
  // page is not in the TLB: a process entry that has no locals is one.)
  if (cf.local_slots > cf.param_slots) std::memset(fp + cf.param_slots, 0, size_t(cf.local_slots - cf.param_slots) * 8);
  st.top = fp + cf.frame_slots;
  Trap t = interp::run(st, &callee, &cf, fp);
  if (t == Trap::Yield) return t;  // the frame stays; interp::resume continues it
  fp = st.base + at;
  st.top = fp;
  if (t == Trap::None && results) std::copy(fp, fp + nresults, results);
  return t;
}

Trap invoke(Instance& inst, uint32_t func_index, const uint64_t* args, uint64_t* results) {
  return default_tier().invoke_on(interp::exec_stack(), inst, func_index, args, results);
}

namespace {
class InterpreterTier final : public ExecTier {
 public:
  Trap invoke_on(interp::ExecStack& st, Instance& inst, uint32_t func_index, const uint64_t* args,
                 uint64_t* results) override {
    return lvm::invoke_on(st, inst, func_index, args, results);
  }
  Trap resume(interp::ExecStack& st) override { return interp::resume(st); }
  bool suspended(const interp::ExecStack& st) const override { return st.is_suspended; }
  const char* name() const override { return "interpreter"; }
};
std::atomic<ExecTier*> g_default_tier{nullptr};
}  // namespace

ExecTier& interpreter_tier() {
  static InterpreterTier tier;
  return tier;
}

ExecTier& default_tier() {
  ExecTier* t = g_default_tier.load(std::memory_order_acquire);
  return t ? *t : interpreter_tier();
}

void set_default_tier(ExecTier& tier) { g_default_tier.store(&tier, std::memory_order_release); }

void CodeCache::set_tier_data(std::unique_ptr<TierData> d) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (tier_data_.load(std::memory_order_relaxed)) return;
  impl_->tier_data = std::move(d);
  tier_data_.store(impl_->tier_data.get(), std::memory_order_release);
}

std::vector<BacktraceFrame> last_trap_backtrace() {
  std::vector<BacktraceFrame> out;
  for (auto [inst, f] : interp::exec_stack().trap_backtrace) out.push_back({inst, f});
  return out;
}

}  // namespace lvm
