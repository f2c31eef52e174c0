// lvm-fuzz-diff: differential test of the JIT against the interpreter on
// one module (tests/fuzz-diff/README.md). Instantiates the module once per
// tier, calls every exported function with the same arguments in both, and
// compares results (any NaN equals any NaN of its type), traps, the calls
// made to imported functions (each stub logs its name and arguments), and
// after every call the memories and globals.
//
//   lvm-fuzz-diff MODULE.wasm [FUEL [guarded|small]]
//
// `small` gives memories small pooled slots (both tiers, so memory.grow
// agrees), where compiled code checks bounds explicitly; `guarded`, the
// default, guarded reservations, where it relies on the fault handler.
// Exit: 0 the tiers agree, 1 a difference (described on stdout), 2 the
// module could not be compared (does not load, imports something that is
// not a function). The last line is `calls N` (calls compared).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "jit/jit.h"
#include "loader/loader.h"
#include "vm/instance.h"
#include "vm/interp/exec_state.h"
#include "vm/interpreter.h"
#include "vm/tier.h"

using namespace lvm;

namespace {

// A value of type `t` as text, NaNs canonicalised and references reduced
// to null or the index of the function they name (pointers differ between
// the two instances).
std::string show(ValType t, const uint64_t* slot) {
  char buf[64];
  switch (t) {
    case ValType::I32: std::snprintf(buf, sizeof buf, "i32:%u", uint32_t(slot[0])); break;
    case ValType::I64: std::snprintf(buf, sizeof buf, "i64:%llu", (unsigned long long)slot[0]); break;
    case ValType::F32: {
      uint32_t b = uint32_t(slot[0]);
      float f;
      std::memcpy(&f, &b, 4);
      if (std::isnan(f)) return "f32:nan";
      std::snprintf(buf, sizeof buf, "f32:0x%08x", b);
      break;
    }
    case ValType::F64: {
      double d;
      std::memcpy(&d, slot, 8);
      if (std::isnan(d)) return "f64:nan";
      std::snprintf(buf, sizeof buf, "f64:0x%016llx", (unsigned long long)slot[0]);
      break;
    }
    case ValType::V128:
      std::snprintf(buf, sizeof buf, "v128:%016llx%016llx", (unsigned long long)slot[1], (unsigned long long)slot[0]);
      break;
    case ValType::FuncRef: {
      auto* f = reinterpret_cast<const FuncInst*>(slot[0]);
      if (!f) return "funcref:null";
      std::snprintf(buf, sizeof buf, "funcref:%s%u", f->host ? "host" : "", f->index);
      break;
    }
    case ValType::ExternRef: std::snprintf(buf, sizeof buf, "externref:%llx", (unsigned long long)slot[0]); break;
    default: return "?";
  }
  return buf;
}

size_t slots(std::span<const ValType> ts) {
  size_t n = 0;
  for (ValType t : ts) n += t == ValType::V128 ? 2 : 1;
  return n;
}

// One instance of the module, its import stubs and their log.
struct Side {
  ExecTier* tier = nullptr;
  std::vector<std::string> log;
  std::deque<HostFunction> hosts;
  std::deque<FuncInst> funcs;
  std::unique_ptr<Instance> inst;
};

// Argument set `k` for type `t`: zeros, ones, minus ones, then edge values.
uint64_t arg(ValType t, int k) {
  auto f32 = [](float f) { uint32_t b; std::memcpy(&b, &f, 4); return uint64_t(b); };
  auto f64 = [](double d) { uint64_t b; std::memcpy(&b, &d, 8); return b; };
  switch (t) {
    case ValType::I32: { const uint32_t v[] = {0, 1, 0xffffffffu, 0x80000000u}; return v[k]; }
    case ValType::I64: { const uint64_t v[] = {0, 1, ~0ull, 0x8000000000000000ull}; return v[k]; }
    case ValType::F32: { const float v[] = {0.f, 1.f, -1.f, NAN}; return f32(v[k]); }
    case ValType::F64: { const double v[] = {0., 1., -1., -INFINITY}; return f64(v[k]); }
    default: return 0;
  }
}
constexpr int kArgSets = 4;

int64_t g_fuel = 1'000'000;
bool g_small_memory = false;

// Runs `func` of `s` on this thread's stack with the fuel budget.
Trap call(Side& s, uint32_t func, const uint64_t* args, uint64_t* results) {
  interp::ExecStack& st = interp::exec_stack();
  st.fuel_limited = true;
  st.fuel = g_fuel;
  st.slice_over.store(false);
  st.preempt.store(true);
  Trap t = s.tier->invoke_on(st, *s.inst, func, args, results);
  st.fuel_limited = false;
  st.preempt.store(false);
  return t;
}

bool instantiate(Side& s, const std::shared_ptr<const Module>& m, std::string& why) {
  ImportResolver resolve = [&](const Module& mod, const Import& imp) -> std::optional<Extern> {
    if (imp.kind != ExternKind::Func) return std::nullopt;
    const FuncType& type = mod.func_type(imp.index);
    HostFunction& h = s.hosts.emplace_back();
    h.module = imp.module;
    h.name = imp.field;
    h.type = type;
    std::vector<std::string>* log = &s.log;
    h.fn = [log, type](HostCall& c) {
      std::string line = c.function().name + "(";
      size_t slot = 0;
      uint64_t a[2];
      for (size_t i = 0; i < type.params().size(); ++i) {
        // HostCall exposes slots by index; a v128 takes two.
        ValType t = type.params()[i];
        a[0] = uint64_t(c.i64(slot));
        a[1] = t == ValType::V128 ? uint64_t(c.i64(slot + 1)) : 0;
        slot += t == ValType::V128 ? 2 : 1;
        line += (i ? ", " : "") + show(t, a);
      }
      log->push_back(line + ")");
      for (size_t i = 0; i < slots(type.results()); ++i) c.set_i64(i, 0);
      return Trap::None;
    };
    FuncInst& f = s.funcs.emplace_back();
    f.set_host(h);
    Extern e;
    e.kind = ExternKind::Func;
    e.func = &f;
    return e;
  };
  set_default_tier(*s.tier);  // the start function runs in the side's tier
  interp::ExecStack& st = interp::exec_stack();
  st.fuel_limited = true;
  st.fuel = g_fuel;
  st.preempt.store(true);
  InstanceConfig config;
  config.small_memory_slots = g_small_memory;
  auto r = Instance::instantiate(m, resolve, config);
  st.fuel_limited = false;
  st.preempt.store(false);
  set_default_tier(interpreter_tier());
  if (auto* e = std::get_if<InstantiateError>(&r)) {
    why = e->message.empty() ? trap_message(e->trap) : e->message;
    return false;
  }
  s.inst = std::move(std::get<std::unique_ptr<Instance>>(r));
  return true;
}

// Memories and globals of an instance as text (first difference reported).
std::string state_diff(const Instance& a, const Instance& b) {
  for (size_t i = 0; i < a.memories.size(); ++i) {
    const LinearMemory& ma = *a.memories[i];
    const LinearMemory& mb = *b.memories[i];
    if (ma.size() != mb.size())
      return "memory " + std::to_string(i) + " size " + std::to_string(ma.size()) + " vs " + std::to_string(mb.size());
    if (std::memcmp(ma.base(), mb.base(), ma.size()) != 0) {
      size_t at = 0;
      while (ma.base()[at] == mb.base()[at]) ++at;
      return "memory " + std::to_string(i) + " differs first at byte " + std::to_string(at) + ": " +
             std::to_string(ma.base()[at]) + " vs " + std::to_string(mb.base()[at]);
    }
  }
  for (size_t i = 0; i < a.globals.size(); ++i) {
    std::string va = show(a.globals[i]->type.type, a.globals[i]->value);
    std::string vb = show(b.globals[i]->type.type, b.globals[i]->value);
    if (va != vb) return "global " + std::to_string(i) + ": " + va + " vs " + vb;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4 || (argc == 4 && std::strcmp(argv[3], "guarded") && std::strcmp(argv[3], "small"))) {
    std::fprintf(stderr, "usage: %s MODULE.wasm [FUEL [guarded|small]]\n", argv[0]);
    return 2;
  }
  if (argc >= 3) g_fuel = std::atoll(argv[2]);
  g_small_memory = argc == 4 && !std::strcmp(argv[3], "small");
  if (!jit::available()) {
    std::fprintf(stderr, "lvm-fuzz-diff: the JIT is not available on this machine\n");
    return 2;
  }
  auto loaded = load_module_file(argv[1]);
  if (!loaded.has_value()) {
    std::printf("skip: %s does not load: %s\ncalls 0\n", argv[1], loaded.error().message.c_str());
    return 2;
  }
  std::shared_ptr<const Module> m = *loaded;
  Side a, b;
  a.tier = &interpreter_tier();
  b.tier = &jit::tier(true);
  std::string why_a, why_b;
  bool ok_a = instantiate(a, m, why_a), ok_b = instantiate(b, m, why_b);
  if (!ok_a || !ok_b) {
    if (ok_a != ok_b || why_a != why_b) {
      std::printf("DIFF instantiation: interpreter \"%s\", jit \"%s\"\ncalls 0\n", ok_a ? "ok" : why_a.c_str(),
                  ok_b ? "ok" : why_b.c_str());
      return 1;
    }
    std::printf("skip: instantiation fails in both tiers: %s\ncalls 0\n", why_a.c_str());
    return 2;
  }

  std::optional<uint32_t> hang_reset;  // binaryen's hangLimitInitializer
  for (const Export& e : m->exports)
    if (e.kind == ExternKind::Func && e.name == "hangLimitInitializer") hang_reset = e.index;

  long calls = 0;
  for (int k = 0; k < kArgSets; ++k) {
    for (const Export& e : m->exports) {
      if (e.kind != ExternKind::Func || (hang_reset && e.index == *hang_reset)) continue;
      const FuncType& type = m->func_type(e.index);
      std::vector<uint64_t> args;
      std::string shown;
      for (ValType t : type.params()) {
        args.push_back(arg(t, k));
        if (t == ValType::V128) args.push_back(0);
        if (!shown.empty()) shown += ", ";
        shown += show(t, &args[args.size() - (t == ValType::V128 ? 2 : 1)]);
      }
      const std::string what = e.name + "(" + shown + ")";
      std::vector<uint64_t> ra(slots(type.results()) + 1), rb(ra.size());
      if (hang_reset) {
        (void)call(a, *hang_reset, nullptr, nullptr);
        (void)call(b, *hang_reset, nullptr, nullptr);
      }
      const size_t la = a.log.size(), lb = b.log.size();
      Trap ta = call(a, e.index, args.data(), ra.data());
      Trap tb = call(b, e.index, args.data(), rb.data());
      ++calls;
      std::string diff;
      if (ta != tb) {
        diff = std::string("trap: interpreter \"") + (ta == Trap::None ? "none" : trap_message(ta)) + "\", jit \"" +
               (tb == Trap::None ? "none" : trap_message(tb)) + "\"";
      } else if (ta == Trap::None) {
        size_t slot = 0;
        for (ValType t : type.results()) {
          std::string va = show(t, &ra[slot]), vb = show(t, &rb[slot]);
          if (va != vb) { diff = "result: interpreter " + va + ", jit " + vb; break; }
          slot += t == ValType::V128 ? 2 : 1;
        }
      }
      if (diff.empty()) {
        std::vector<std::string> ca(a.log.begin() + la, a.log.end()), cb(b.log.begin() + lb, b.log.end());
        if (ca != cb) {
          diff = "import calls differ:\n  interpreter:";
          for (auto& l : ca) diff += " " + l;
          diff += "\n  jit:";
          for (auto& l : cb) diff += " " + l;
        }
      }
      if (diff.empty()) diff = state_diff(*a.inst, *b.inst);
      if (!diff.empty()) {
        std::printf("DIFF in call %ld, %s (argument set %d): %s\ncalls %ld\n", calls, what.c_str(), k, diff.c_str(),
                    calls);
        return 1;
      }
    }
  }
  std::printf("import-calls %zu\ncalls %ld\n", a.log.size(), calls);
  return 0;
}
