// The JIT as an ExecTier (vm/tier.h), and its statistics.
#include <cstdio>
#include <string>

#include "jit/invoke.h"
#include "jit/jit.h"
#include "jit/module_code.h"
#include "jit/stubs.h"
#include "vm/instance.h"

namespace lvm::jit {

namespace {
class JitTier final : public ExecTier {
 public:
  explicit JitTier(bool eager) : eager_(eager) {}
  Trap invoke_on(interp::ExecStack& st, Instance& inst, uint32_t func_index, const uint64_t* args,
                 uint64_t* results) override {
    return jit::invoke_on(st, inst, func_index, args, results, eager_);
  }
  Trap resume(interp::ExecStack& st) override {
    return st.jit.suspended ? jit::resume(st) : interp::resume(st);
  }
  bool suspended(const interp::ExecStack& st) const override { return st.jit.suspended || st.is_suspended; }
  // Half of what the interpreter's slots would take: compiled frames are
  // native, the interpreter's slots serve only functions that fall back.
  size_t native_stack_bytes(size_t bytes) const override { return bytes * 3 / 8; }
  const char* name() const override { return eager_ ? "jit (eager)" : "jit"; }

 private:
  bool eager_;
};
}  // namespace

ExecTier& tier(bool eager) {
  static JitTier lazy(false), eagerly(true);
  return eager ? eagerly : lazy;
}

bool available() { return stubs().ok; }

namespace {
std::string summary_line(const ModuleCode::Stats& s) {
  char line[256];
  const double ms = double(s.compile_ns) / 1e6;
  const double mbs = s.compile_ns ? double(s.wasm_bytes) / 1e6 / (double(s.compile_ns) / 1e9) : 0;
  std::snprintf(line, sizeof line,
                "jit: %u functions compiled, %u interpreted; %llu bytes of wasm -> %llu bytes of code in %.3f ms "
                "(%.1f MB/s%s)\n",
                s.compiled, s.interpreted, (unsigned long long)s.wasm_bytes, (unsigned long long)s.code_bytes, ms,
                mbs, s.threads > 1 ? (", per thread; " + std::to_string(s.threads) + " threads").c_str() : "");
  return line;
}
}  // namespace

std::string totals_report() {
  const ModuleCode::Stats s = ModuleCode::totals();
  std::string out = summary_line(s);
  for (const auto& f : s.fallbacks) out += "jit: fallback: function " + std::to_string(f.func) + ": " + f.reason + "\n";
  return out;
}

std::string stats_report() {
  std::string out;
  char line[256];
  for (const ModuleCode* mc : ModuleCode::all()) {
    const ModuleCode::Stats s = mc->stats();
    out += summary_line(s);
    for (const auto& f : s.fallbacks) {
      std::string name(mc->module().function_name(f.func));
      std::snprintf(line, sizeof line, "jit: fallback: function %u%s%s%s: %s\n", f.func, name.empty() ? "" : " (",
                    name.c_str(), name.empty() ? "" : ")", f.reason.c_str());
      out += line;
    }
  }
  return out;
}

void set_dump(std::FILE* out) { ModuleCode::set_dump(out); }

void set_compile_threads(unsigned n) { ModuleCode::set_compile_threads(n); }

}  // namespace lvm::jit
