#include "jit/module_code.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <system_error>
#include <thread>

#include "jit/abi.h"
#include "jit/code_memory.h"
#include "jit/stubs.h"
#include "vm/instance.h"
#include "vm/memory.h"
#include "vm/process.h"

namespace lvm::jit {

namespace {
struct CodeRange {
  uintptr_t end;
  const ModuleCode* mc;
  uint32_t func;
  const FaultRange* faults;  // sorted code offsets of unchecked accesses
  uint32_t nfaults;
};
// The code map is read by the fault handler, which must not block on a
// lock its own thread might hold: a spin lock, held only to insert, erase
// or look up (never while running guest code), and a per-thread mark so
// a fault inside such a section is never taken for a guest's.
std::atomic_flag g_map_lock = ATOMIC_FLAG_INIT;
thread_local bool t_holds_map = false;
struct MapLock {
  MapLock() {
    while (g_map_lock.test_and_set(std::memory_order_acquire)) __builtin_ia32_pause();
    t_holds_map = true;
  }
  ~MapLock() {
    t_holds_map = false;
    g_map_lock.clear(std::memory_order_release);
  }
};
std::map<uintptr_t, CodeRange>& code_map() {
  static auto* m = new std::map<uintptr_t, CodeRange>;
  return *m;
}
// The compiled function holding `pc` and its first address, or null.
// The caller holds the map lock.
const CodeRange* find_range(uintptr_t pc, uintptr_t* start) {
  auto& map = code_map();
  auto it = map.upper_bound(pc);
  if (it == map.begin()) return nullptr;
  --it;
  if (pc >= it->second.end) return nullptr;
  *start = it->first;
  return &it->second;
}
// The TierData of a module: its code per memory mode, made on demand.
struct ModuleCodes final : CodeCache::TierData {
  std::mutex mu;
  std::atomic<ModuleCode*> by_variant[4] = {};  // by mode, then tracked or not
  ~ModuleCodes() override {
    for (auto& p : by_variant) delete p.load();
  }
};
std::mutex g_all_mu;
ModuleCode::Stats g_totals;  // guarded by g_all_mu
std::set<const ModuleCode*>& all_codes() {
  static auto* s = new std::set<const ModuleCode*>;
  return *s;
}
std::atomic<std::FILE*> g_dump{nullptr};
uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}
}  // namespace

ModuleCode::ModuleCode(std::shared_ptr<const Module> m, CodeVariant variant, bool eager)
    : module_(std::move(m)), variant_(variant), table_(module_->functions.size()) {
  const Module& mod = *module_;
  state_ = std::make_unique<std::atomic<uint8_t>[]>(mod.bodies.size());
  if (!eager) {
    std::vector<uint32_t> funcs;
    for (uint32_t f = mod.num_imported_functions; f < mod.functions.size(); ++f) funcs.push_back(f);
    std::vector<const void*> entries;
    if (make_stubs(stub_entry(kStubLazy), entries, funcs))
      for (size_t i = 0; i < funcs.size(); ++i) table_.slots()[funcs[i]] = const_cast<void*>(entries[i]);
  }
  std::lock_guard lock(g_all_mu);
  all_codes().insert(this);
}

ModuleCode::~ModuleCode() {
  {
    std::lock_guard lock(g_all_mu);
    all_codes().erase(this);
  }
  {
    MapLock lock;
    auto& map = code_map();
    for (auto it = map.begin(); it != map.end();) it = it->second.mc == this ? map.erase(it) : std::next(it);
  }
  for (void* b : blocks_) code_free(b);
}

ModuleCode& ModuleCode::of(CodeCache& cache, CodeVariant variant, bool eager) {
  CodeCache::TierData* d = cache.tier_data();
  if (!d) {
    cache.set_tier_data(std::make_unique<ModuleCodes>());
    d = cache.tier_data();
  }
  auto& codes = static_cast<ModuleCodes&>(*d);
  std::atomic<ModuleCode*>& slot = codes.by_variant[size_t(variant.mode) * 2 + variant.track_writes];
  if (ModuleCode* mc = slot.load(std::memory_order_acquire)) return *mc;
  std::lock_guard lock(codes.mu);
  if (ModuleCode* mc = slot.load(std::memory_order_relaxed)) return *mc;
  auto* mc = new ModuleCode(cache.module(), variant, eager);
  slot.store(mc, std::memory_order_release);
  return *mc;
}

CodeVariant ModuleCode::variant_of(const Instance& inst) {
  const LinearMemory* m = inst.memory0();
  return {!m || m->guarded() ? MemoryMode::Guarded : MemoryMode::Checked,
          m && inst.process && !inst.process->is_root()};
}

bool ModuleCode::make_stubs(const void* stub, std::vector<const void*>& out, const std::vector<uint32_t>& funcs) {
  if (funcs.empty()) return true;
  auto masm = take_assembler();
  std::vector<Label> labels;
  for (uint32_t f : funcs) {
    Label l = masm->new_label();
    masm->bind(l);
    masm->mov_imm(W::W32, Regs::scratch(), f);
    masm->jmp_stub(stub);
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
  recycle_assembler(std::move(masm));
  return true;
}

const void* ModuleCode::compile(uint32_t func) {
  const uint32_t body = func - module_->num_imported_functions;
  if (state_[body].load(std::memory_order_acquire)) return __atomic_load_n(&table_.slots()[func], __ATOMIC_ACQUIRE);
  std::lock_guard lock(mu_);
  if (state_[body].load(std::memory_order_relaxed)) return table_.slots()[func];
  const uint64_t t0 = now_ns();
  CompileResult r = compile_function(*module_, func, table_.slots(), variant_, g_dump.load() != nullptr);
  const uint64_t ns = now_ns() - t0;
  void* rx = place(r, arena_);
  return install(func, std::move(r), rx, ns);
}

void* ModuleCode::place(CompileResult& r, CodeArena& arena) {
  if (!r.fallback.empty()) return nullptr;
  void *rx, *rw;
  if (arena.alloc(r.size, &rx, &rw) && r.masm->copy_to(rw, rx)) return rx;
  r.fallback = "no executable memory";
  return nullptr;
}

const void* ModuleCode::install(uint32_t func, CompileResult r, void* rx, uint64_t ns) {
  const Module& m = *module_;
  const uint32_t body = func - m.num_imported_functions;
  std::FILE* dump = g_dump.load(std::memory_order_relaxed);
  void* entry = nullptr;
  if (r.fallback.empty()) {
    if (rx) {
      entry = rx;
      FaultRange* faults = nullptr;
      if (!r.faults.empty()) {
        faults_.push_back(std::make_unique<FaultRange[]>(r.faults.size()));
        faults = faults_.back().get();
        std::copy(r.faults.begin(), r.faults.end(), faults);
      }
      MapLock map_lock;
      code_map()[uintptr_t(rx)] = {uintptr_t(rx) + r.size, this, func, faults, uint32_t(r.faults.size())};
      ++stats_.compiled;
      stats_.code_bytes += r.size;
    }
    recycle_assembler(std::move(r.masm));
  }
  uint8_t state = 1;
  if (!entry) {
    std::vector<const void*> stub;
    if (!make_stubs(stub_entry(kStubInterp), stub, {func})) return table_.slots()[func];  // (stays lazy)
    entry = const_cast<void*>(stub[0]);
    stats_.fallbacks.push_back({func, r.fallback});
    ++stats_.interpreted;
    state = 2;
  }
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
  if (dump) {
    const std::string_view name = m.function_name(func);
    std::lock_guard total_lock(g_all_mu);  // one function's text at a time
    std::fprintf(dump, "; function %u%s%.*s (%s memory%s): ", func, name.empty() ? "" : " ", int(name.size()),
                 name.data(), variant_.mode == MemoryMode::Guarded ? "guarded" : "checked",
                 variant_.track_writes ? ", writes marked" : "");
    if (state == 1) {
      std::fprintf(dump, "%u bytes of wasm, %zu bytes of code at %p\n%s\n", m.bodies[body].body.size, r.size, entry,
                   r.listing.c_str());
    } else {
      std::fprintf(dump, "interpreted: %s\n\n", r.fallback.c_str());
    }
    std::fflush(dump);
  }
  __atomic_store_n(&table_.slots()[func], entry, __ATOMIC_RELEASE);
  state_[body].store(state, std::memory_order_release);
  return entry;
}

namespace {
// Bodies below this many bytes in all are compiled on the calling thread
// alone: starting a thread costs about what 2 KB of code take to compile.
constexpr uint64_t kBytesPerCompileThread = 64 << 10;
// The code arenas of compile_all's threads: large blocks, populated well
// ahead (the code of a module compiled eagerly is about 3x its bodies).
constexpr size_t kEagerBlockBytes = 1 << 20;
constexpr size_t kEagerPopulateStep = 64 << 10;
std::atomic<unsigned> g_compile_threads{0};
}  // namespace

void ModuleCode::set_compile_threads(unsigned n) { g_compile_threads.store(n); }

unsigned ModuleCode::compile_threads() {
  if (unsigned n = g_compile_threads.load()) return n;
  return std::clamp(std::thread::hardware_concurrency(), 1u, 16u);
}

bool ModuleCode::compile_all() {
  if (all_compiled_.load(std::memory_order_acquire)) return true;
  const Module& m = *module_;
  uint64_t bytes = 0;
  for (const auto& b : m.bodies) bytes += b.body.size;
  const unsigned threads =
      unsigned(std::min<uint64_t>(compile_threads(), std::max<uint64_t>(1, bytes / kBytesPerCompileThread)));
  const uint32_t first = m.num_imported_functions, end = uint32_t(m.functions.size());
  std::atomic<bool> all{true};
  if (threads <= 1) {
    for (uint32_t f = first; f < end; ++f)
      if (!compile(f)) all = false;
  } else {
    // Functions are handed out a few at a time; each is compiled without
    // the module's lock (the compiler's state is per thread) and installed
    // under it. A function compiled lazily meanwhile is kept, the copy
    // dropped.
    std::atomic<uint32_t> next{first};
    const bool listing = g_dump.load() != nullptr;
    // Each thread copies its code into an arena of its own, outside the
    // lock; the blocks go to the module when the thread is done.
    auto work = [&] {
      constexpr uint32_t kBatch = 8;
      CodeArena arena(kEagerBlockBytes, kEagerPopulateStep);
      for (uint32_t at; (at = next.fetch_add(kBatch)) < end;) {
        for (uint32_t f = at; f < std::min(end, at + kBatch); ++f) {
          const uint32_t body = f - first;
          if (state_[body].load(std::memory_order_acquire)) continue;
          const uint64_t t0 = now_ns();
          CompileResult r = compile_function(m, f, table_.slots(), variant_, listing);
          const uint64_t ns = now_ns() - t0;
          void* rx = place(r, arena);
          std::lock_guard lock(mu_);
          if (!state_[body].load(std::memory_order_relaxed) && !install(f, std::move(r), rx, ns)) all = false;
        }
      }
      std::lock_guard lock(mu_);
      arena.take_blocks(blocks_);
    };
    std::vector<std::thread> helpers;
    for (unsigned i = 1; i < threads; ++i) {
      try {
        helpers.emplace_back(work);
      } catch (const std::system_error&) {
        break;  // (no thread: the others do its share)
      }
    }
    work();
    for (auto& t : helpers) t.join();
    std::lock_guard lock(mu_);
    stats_.threads = std::max(stats_.threads, uint32_t(helpers.size() + 1));
  }
  if (all) all_compiled_.store(true, std::memory_order_release);
  return all;
}

bool ModuleCode::lookup(uintptr_t pc, const ModuleCode** mc, uint32_t* func) {
  MapLock lock;
  uintptr_t start;
  const CodeRange* r = find_range(pc, &start);
  if (!r) return false;
  *mc = r->mc;
  *func = r->func;
  return true;
}

bool ModuleCode::is_fault_site(uintptr_t pc) {
  if (t_holds_map) return false;  // a fault in the map's own code: not the guest's
  MapLock lock;
  uintptr_t start;
  const CodeRange* found = find_range(pc, &start);
  if (!found) return false;
  const CodeRange& r = *found;
  const uint32_t off = uint32_t(pc - start);
  const FaultRange* end = r.faults + r.nfaults;
  const FaultRange* f = std::upper_bound(r.faults, end, off, [](uint32_t o, const FaultRange& x) { return o < x.begin; });
  return f != r.faults && off < (f - 1)->end;
}

ModuleCode::Stats ModuleCode::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

ModuleCode::Stats ModuleCode::totals() {
  std::lock_guard lock(g_all_mu);
  return g_totals;
}

void ModuleCode::set_dump(std::FILE* out) { g_dump.store(out); }

std::vector<const ModuleCode*> ModuleCode::all() {
  std::lock_guard lock(g_all_mu);
  return {all_codes().begin(), all_codes().end()};
}

}  // namespace lvm::jit
