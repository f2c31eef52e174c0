// `lvm run`: runs a WASI preview1 command module (its `_start`), with
// arguments, environment and preopened directories. The exit code is the
// guest's; a trap prints its reason and a wasm backtrace (spec 4.4 traps).
#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "host-api/wasi/wasi.h"
#include "loader/loader.h"
#include "vm/instance.h"
#include "vm/interpreter.h"
#include "vm/linker.h"

namespace lvm::cli {

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitLoad = 1;

// A function's name for a backtrace: the name section's, demangled when it
// is a C++ symbol, else `function[N]`.
std::string frame_name(const Instance* inst, uint32_t func) {
  std::string_view raw = inst ? inst->module().function_name(func) : std::string_view();
  if (raw.empty()) return "function[" + std::to_string(func) + "]";
  std::string name(raw);
  int status = 0;
  char* demangled = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status == 0 && demangled) name = demangled;
  std::free(demangled);
  return name;
}

// Parses "64MiB", "1g", "65536" (bytes) into 64 KiB pages, rounding down.
bool parse_memory_size(const std::string& s, uint64_t& pages) {
  char* end = nullptr;
  unsigned long long n = std::strtoull(s.c_str(), &end, 10);
  if (end == s.c_str()) return false;
  std::string unit(end);
  for (char& ch : unit) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  uint64_t mult = 1;
  if (unit == "" || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") mult = uint64_t(1) << 10;
  else if (unit == "m" || unit == "mb" || unit == "mib") mult = uint64_t(1) << 20;
  else if (unit == "g" || unit == "gb" || unit == "gib") mult = uint64_t(1) << 30;
  else return false;
  pages = uint64_t(n) * mult / kPageSize;
  return true;
}

int usage(const char* why) {
  std::fprintf(stderr,
               "lvm run: %s\n"
               "usage: lvm run [--interp] [--dir HOST[::GUEST]] [--env K=V] [--max-memory SIZE]\n"
               "               [--trap-unknown-imports] app.wasm [args...]\n",
               why);
  return kExitUsage;
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  WasiConfig wasi;
  LoadOptions load;
  InstanceConfig inst_config;
  bool trap_unknown = false;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) break;
    auto value = [&](const char* flag) -> const std::string* {
      if (i + 1 >= args.size()) return nullptr;
      (void)flag;
      return &args[++i];
    };
    if (a == "--") {
      ++i;
      break;
    } else if (a == "--interp") {
      // The default, and for now the only tier.
    } else if (a == "--jit") {
      std::fputs("lvm run: the JIT is not available yet; use --interp (the default)\n", stderr);
      return kExitUsage;
    } else if (a == "--dir") {
      const std::string* v = value("--dir");
      if (!v) return usage("--dir needs HOST[::GUEST]");
      size_t sep = v->find("::");
      std::string host = sep == std::string::npos ? *v : v->substr(0, sep);
      std::string guest = sep == std::string::npos ? *v : v->substr(sep + 2);
      wasi.preopens.push_back({host, guest});
    } else if (a == "--env") {
      const std::string* v = value("--env");
      if (!v || v->find('=') == std::string::npos) return usage("--env needs KEY=VALUE");
      wasi.env.push_back(*v);
    } else if (a == "--max-memory") {
      const std::string* v = value("--max-memory");
      if (!v || !parse_memory_size(*v, inst_config.max_memory_pages))
        return usage("--max-memory needs a size such as 64MiB or 1GiB");
    } else if (a == "--trap-unknown-imports") {
      trap_unknown = true;
    } else if (a.rfind("--enable=", 0) == 0 || a.rfind("--disable=", 0) == 0) {
      if (!parse_feature_flag(a, load.features)) return kExitUsage;
    } else {
      return usage(("unknown option " + a).c_str());
    }
  }
  if (i >= args.size()) return usage("no module given");
  const std::string path = args[i];
  wasi.args.assign(args.begin() + long(i), args.end());

  auto module = load_module_file(path, load);
  if (!module) {
    std::fprintf(stderr, "lvm: error: %s: %s\n", path.c_str(), module.error().format().c_str());
    return module.error().kind == ErrorKind::Io ? kExitUsage : kExitLoad;
  }
  std::string error;
  auto ctx = WasiContext::create(wasi, &error);
  if (!ctx) {
    std::fprintf(stderr, "lvm: error: %s\n", error.c_str());
    return kExitUsage;
  }
  Linker linker;
  linker.add_host_functions(wasi_functions(ctx));
  linker.set_trap_unknown_imports(trap_unknown);

  auto result = Instance::instantiate(*module, linker.resolver(), inst_config);
  if (auto* err = std::get_if<InstantiateError>(&result)) {
    if (err->kind == InstantiateError::Kind::Link) {
      std::fprintf(stderr, "lvm: error: %s: %s\n", path.c_str(), err->message.c_str());
      if (err->message.rfind("unknown import", 0) == 0)
        std::fputs("  (--trap-unknown-imports links missing functions to stubs that trap when called)\n", stderr);
      return kExitLoad;
    }
    if (err->trap == Trap::Exit && err->partial) return err->partial->exit_code;
    std::fprintf(stderr, "lvm: error: %s: trap during instantiation: %s\n", path.c_str(), err->message.c_str());
    return kTrapExitCode;
  }
  Instance& inst = *std::get<std::unique_ptr<Instance>>(result);
  const Export* start = inst.module().find_export("_start", ExternKind::Func);
  if (!start) {
    std::fprintf(stderr, "lvm: error: %s: no `_start` function exported (is it a WASI command?)\n", path.c_str());
    return kExitLoad;
  }
  if (!inst.module().func_type(start->index).params().empty() ||
      !inst.module().func_type(start->index).results().empty()) {
    std::fprintf(stderr, "lvm: error: %s: `_start` must take and return nothing\n", path.c_str());
    return kExitLoad;
  }
  Trap t = invoke(inst, start->index, nullptr, nullptr);
  if (t == Trap::None) return 0;
  if (t == Trap::Exit) return inst.exit_code;
  std::fflush(stdout);
  std::string reason = inst.trap_message.empty() ? trap_message(t) : inst.trap_message;
  std::fprintf(stderr, "lvm: error: %s: wasm trap: %s\nwasm backtrace:\n", path.c_str(), reason.c_str());
  auto frames = last_trap_backtrace();
  for (size_t k = 0; k < frames.size(); ++k)
    std::fprintf(stderr, "  %2zu: %s\n", k, frame_name(frames[k].instance, frames[k].func_index).c_str());
  return kTrapExitCode;
}

}  // namespace lvm::cli
