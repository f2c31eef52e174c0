#include "jit/module_code.h"

#include <chrono>
#include <map>
#include <set>
#include <shared_mutex>

#include "jit/abi.h"
#include "jit/code_memory.h"
#include "jit/compiler.h"

namespace lvm::jit {

namespace {
struct CodeRange {
  uintptr_t end;
  const ModuleCode* mc;
  uint32_t func;
};
std::shared_mutex g_map_mu;
std::map<uintptr_t, CodeRange>& code_map() {
  static auto* m = new std::map<uintptr_t, CodeRange>;
  return *m;
}
std::mutex g_all_mu;
ModuleCode::Stats g_totals;  // guarded by g_all_mu
std::set<const ModuleCode*>& all_codes() {
  static auto* s = new std::set<const ModuleCode*>;
  return *s;
}
uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}
}  // namespace

ModuleCode::ModuleCode(std::shared_ptr<const Module> m) : module_(std::move(m)) {
  const Module& mod = *module_;
  table_ = std::make_unique<void*[]>(mod.functions.size());
  state_ = std::make_unique<std::atomic<uint8_t>[]>(mod.bodies.size());
  std::vector<uint32_t> funcs;
  for (uint32_t f = mod.num_imported_functions; f < mod.functions.size(); ++f) funcs.push_back(f);
  std::vector<const void*> entries;
  if (make_stubs(Ctx::stub(kStubLazy), entries, funcs))
    for (size_t i = 0; i < funcs.size(); ++i) table_[funcs[i]] = const_cast<void*>(entries[i]);
  std::lock_guard lock(g_all_mu);
  all_codes().insert(this);
}

ModuleCode::~ModuleCode() {
  {
    std::lock_guard lock(g_all_mu);
    all_codes().erase(this);
  }
  {
    std::unique_lock lock(g_map_mu);
    auto& map = code_map();
    for (auto it = map.begin(); it != map.end();) it = it->second.mc == this ? map.erase(it) : std::next(it);
  }
  for (void* b : blocks_) code_free(b);
}

ModuleCode& ModuleCode::of(CodeCache& cache) {
  if (CodeCache::TierData* d = cache.tier_data()) return static_cast<ModuleCode&>(*d);
  cache.set_tier_data(std::make_unique<ModuleCode>(cache.module()));
  return static_cast<ModuleCode&>(*cache.tier_data());
}

bool ModuleCode::make_stubs(int32_t stub_off, std::vector<const void*>& out, const std::vector<uint32_t>& funcs) {
  if (funcs.empty()) return true;
  auto masm = MacroAssembler::create();
  std::vector<Label> labels;
  for (uint32_t f : funcs) {
    Label l = masm->new_label();
    masm->bind(l);
    masm->mov_imm(W::W32, Regs::scratch(), f);
    masm->jmp_ctx(stub_off);
    labels.push_back(l);
  }
  const size_t size = masm->finish();
  void *rx, *rw;
  if (masm->failed() || !code_alloc(size, &rx, &rw)) return false;
  if (!masm->copy_to(rw, rx)) {
    code_free(rx);
    return false;
  }
  blocks_.push_back(rx);
  for (Label l : labels) out.push_back(static_cast<uint8_t*>(rx) + masm->label_offset(l));
  return true;
}

const void* ModuleCode::compile(uint32_t func) {
  const Module& m = *module_;
  const uint32_t body = func - m.num_imported_functions;
  if (state_[body].load(std::memory_order_acquire)) return __atomic_load_n(&table_[func], __ATOMIC_ACQUIRE);
  std::lock_guard lock(mu_);
  if (state_[body].load(std::memory_order_relaxed)) return table_[func];
  const uint64_t t0 = now_ns();
  CompileResult r = compile_function(m, func, table_.get());
  void* entry = nullptr;
  if (r.fallback.empty()) {
    void *rx, *rw;
    if (code_alloc(r.size, &rx, &rw) && r.masm->copy_to(rw, rx)) {
      blocks_.push_back(rx);
      entry = rx;
      std::unique_lock map_lock(g_map_mu);
      code_map()[uintptr_t(rx)] = {uintptr_t(rx) + r.size, this, func};
      ++stats_.compiled;
      stats_.code_bytes += r.size;
    } else {
      r.fallback = "no executable memory";
    }
  }
  uint8_t state = 1;
  if (!entry) {
    std::vector<const void*> stub;
    if (!make_stubs(Ctx::stub(kStubInterp), stub, {func})) return table_[func];  // (stays lazy)
    entry = const_cast<void*>(stub[0]);
    stats_.fallbacks.push_back({func, r.fallback});
    ++stats_.interpreted;
    state = 2;
  }
  const uint64_t ns = now_ns() - t0;
  stats_.wasm_bytes += m.bodies[body].body.size;
  stats_.compile_ns += ns;
  {
    std::lock_guard total_lock(g_all_mu);
    g_totals.wasm_bytes += m.bodies[body].body.size;
    g_totals.compile_ns += ns;
    if (state == 1) {
      ++g_totals.compiled;
      g_totals.code_bytes += r.size;
    } else {
      ++g_totals.interpreted;
      if (g_totals.fallbacks.size() < 100) g_totals.fallbacks.push_back({func, r.fallback});
    }
  }
  __atomic_store_n(&table_[func], entry, __ATOMIC_RELEASE);
  state_[body].store(state, std::memory_order_release);
  return entry;
}

void ModuleCode::compile_all() {
  for (uint32_t f = module_->num_imported_functions; f < module_->functions.size(); ++f) compile(f);
}

bool ModuleCode::lookup(uintptr_t pc, const ModuleCode** mc, uint32_t* func) {
  std::shared_lock lock(g_map_mu);
  auto& map = code_map();
  auto it = map.upper_bound(pc);
  if (it == map.begin()) return false;
  --it;
  if (pc >= it->second.end) return false;
  *mc = it->second.mc;
  *func = it->second.func;
  return true;
}

ModuleCode::Stats ModuleCode::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

ModuleCode::Stats ModuleCode::totals() {
  std::lock_guard lock(g_all_mu);
  return g_totals;
}

std::vector<const ModuleCode*> ModuleCode::all() {
  std::lock_guard lock(g_all_mu);
  return {all_codes().begin(), all_codes().end()};
}

}  // namespace lvm::jit
