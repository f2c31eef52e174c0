// `lvm run`: runs a WASI preview1 command module (its `_start`), with
// arguments, environment and preopened directories. The exit code is the
// guest's; a trap prints its reason and a wasm backtrace (spec 4.4 traps).
#include <unistd.h>

#include <algorithm>
#include <optional>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/run_invoke.h"
#include "dist/node.h"
#include "host-api/lvm/lvm_abi.h"
#include "host-api/wasi/wasi.h"
#include "loader/loader.h"
#include "vm/instance.h"
#include "jit/jit.h"
#include "vm/interpreter.h"
#include "vm/tier.h"
#include "vm/linker.h"
#include "vm/module_image.h"
#include "vm/scheduler.h"

namespace lvm::cli {

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitLoad = 1;
constexpr int kExitKilled = 137;   // the root process was killed (128 + SIGKILL, as a shell shows it)
constexpr int kExitDeadlock = 3;   // every process waits and nothing can wake one

// Parses "64MiB", "1g", "65536" (bytes) into 64 KiB pages, rounding down.
// A size in bytes: a number with an optional unit (B, KiB, MiB, GiB).
bool parse_size_bytes(const std::string& s, uint64_t& bytes) {
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
  if (n > UINT64_MAX / mult) return false;
  bytes = uint64_t(n) * mult;
  return true;
}

bool parse_memory_size(const std::string& s, uint64_t& pages) {
  uint64_t bytes;
  if (!parse_size_bytes(s, bytes)) return false;
  pages = bytes / kPageSize;
  return true;
}

// Processes alive at once unless --max-processes says otherwise: one per
// 8 KiB of physical memory (an idle process costs 6-14 KiB), so a spawn bomb
// gets LVM_ELIMIT before the machine runs out of memory.
uint32_t default_max_processes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 1u << 20;
  const uint64_t n = uint64_t(pages) * uint64_t(page) / 8192;
  return uint32_t(std::clamp<uint64_t>(n, 1024, uint64_t(1) << 24));
}

// Stops and joins a scheduler's threads when it goes out of scope.
struct ScopedShutdown {
  Scheduler& sched;
  ~ScopedShutdown() { sched.shutdown(); }
};

// --env KEY=VALUE, or --env KEY for the host's value of KEY (wasmtime's
// convention; false if the host does not set it).
bool add_env(const std::string& arg, std::vector<std::string>& env) {
  if (arg.find('=') != std::string::npos) {
    env.push_back(arg);
    return true;
  }
  const char* host = std::getenv(arg.c_str());
  if (!host) return false;
  env.push_back(arg + "=" + host);
  return true;
}

constexpr const char* kUsage =
    "usage: lvm run [--interp|--jit|--jit-eager] [--jit-stats] [--jit-dump FILE] [--jit-threads N]\n"
    "               [--dir HOST[::GUEST]] [--env K[=V]]\n"
    "               [--max-memory SIZE] [--threads N] [--max-processes N] [--wait-all] [--trap-unknown-imports]\n"
    "               [--name NAME@HOST | --sname NAME] [--cookie C] [--no-remote-spawn] [--max-remote-module SIZE]\n"
    "               [--invoke NAME] app.wasm [args...]\n"
    "(README.md, \"lvm run\", describes each option)\n";

int usage(const char* why) {
  std::fprintf(stderr, "lvm run: %s\n%s", why, kUsage);
  return kExitUsage;
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  WasiConfig wasi;
  LoadOptions load;
  InstanceConfig inst_config;
  SchedulerConfig sched_config;
  bool trap_unknown = false, wait_all = false, max_processes_set = false;
  std::optional<std::string> invoke;  // --invoke NAME
  enum class Tier { Interp, Jit, JitEager } tier = jit::available() ? Tier::Jit : Tier::Interp;
  // LVM_TIER=interp|jit|jit-eager sets the default (the test suite runs
  // everything under each); the flags override it.
  if (const char* env = std::getenv("LVM_TIER")) {
    const std::string_view e = env;
    if (e == "interp") tier = Tier::Interp;
    else if (e == "jit") tier = Tier::Jit;
    else if (e == "jit-eager") tier = Tier::JitEager;
  }
  bool jit_stats = false;
  std::optional<std::string> jit_dump;  // --jit-dump FILE
  std::optional<dist::NodeConfig> node_config;  // --name / --sname
  std::string cookie;
  bool no_remote_spawn = false;
  std::optional<uint64_t> max_remote_module;
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
      tier = Tier::Interp;
    } else if (a == "--jit") {
      tier = Tier::Jit;
    } else if (a == "--jit-eager") {
      tier = Tier::JitEager;
    } else if (a == "--jit-stats") {
      jit_stats = true;
    } else if (a == "--jit-dump") {
      const std::string* v = value("--jit-dump");
      if (!v || v->empty()) return usage("--jit-dump needs a file name (- for stderr)");
      jit_dump = *v;
    } else if (a == "--jit-threads") {
      const std::string* v = value("--jit-threads");
      char* end = nullptr;
      const unsigned long n = v ? std::strtoul(v->c_str(), &end, 10) : 0;
      if (!v || *end || n < 1 || n > 64) return usage("--jit-threads needs a number from 1 to 64");
      jit::set_compile_threads(unsigned(n));
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--dir") {
      const std::string* v = value("--dir");
      if (!v) return usage("--dir needs HOST[::GUEST]");
      size_t sep = v->find("::");
      std::string host = sep == std::string::npos ? *v : v->substr(0, sep);
      std::string guest = sep == std::string::npos ? *v : v->substr(sep + 2);
      wasi.preopens.push_back({host, guest});
    } else if (a == "--env") {
      const std::string* v = value("--env");
      if (!v || v->empty() || (*v)[0] == '=') return usage("--env needs KEY=VALUE or KEY");
      if (!add_env(*v, wasi.env)) return usage("--env KEY takes KEY's value from the host, which does not set it");
    } else if (a == "--invoke") {
      const std::string* v = value("--invoke");
      if (!v || v->empty()) return usage("--invoke needs the name of an exported function");
      invoke = *v;
    } else if (a == "--max-memory") {
      const std::string* v = value("--max-memory");
      if (!v || !parse_memory_size(*v, inst_config.max_memory_pages))
        return usage("--max-memory needs a size such as 64MiB or 1GiB");
    } else if (a == "--threads") {
      const std::string* v = value("--threads");
      char* end = nullptr;
      const unsigned long n = v ? std::strtoul(v->c_str(), &end, 10) : 0;
      if (!v || *end || n < 1 || n > 1024) return usage("--threads needs a number from 1 to 1024");
      sched_config.threads = unsigned(n);
    } else if (a == "--max-processes") {
      const std::string* v = value("--max-processes");
      char* end = nullptr;
      const unsigned long n = v ? std::strtoul(v->c_str(), &end, 10) : 0;
      if (!v || *end || n < 1 || n > (1ul << 24)) return usage("--max-processes needs a number from 1 to 16777216");
      sched_config.max_processes = uint32_t(n);
      max_processes_set = true;
    } else if (a == "--name" || a == "--sname") {
      const std::string* v = value(a.c_str());
      if (!v || v->empty()) return usage((a + " needs a node name").c_str());
      if (node_config) return usage("--name and --sname: give one node name");
      node_config.emplace();
      node_config->name = *v;
      node_config->short_name = a == "--sname";
    } else if (a == "--cookie") {
      const std::string* v = value("--cookie");
      if (!v || v->empty()) return usage("--cookie needs a value");
      cookie = *v;
    } else if (a == "--no-remote-spawn") {
      no_remote_spawn = true;
    } else if (a == "--max-remote-module") {
      const std::string* v = value("--max-remote-module");
      uint64_t bytes = 0;
      if (!v || !parse_size_bytes(*v, bytes) || bytes > dist::kMaxRemoteModuleLimit)
        return usage(("--max-remote-module needs a size such as 1MiB, at most " +
                      std::to_string(dist::kMaxRemoteModuleLimit) + " bytes").c_str());
      max_remote_module = bytes;
    } else if (a == "--wait-all") {
      wait_all = true;
    } else if (a == "--trap-unknown-imports") {
      trap_unknown = true;
    } else if (a.rfind("--enable=", 0) == 0 || a.rfind("--disable=", 0) == 0) {
      if (!parse_feature_flag(a, load.features)) return kExitUsage;
    } else {
      return usage(("unknown option " + a).c_str());
    }
  }
  if (i >= args.size()) return usage("no module given");
  if (!cookie.empty() && !node_config) return usage("--cookie needs --name or --sname");
  if ((no_remote_spawn || max_remote_module) && !node_config)
    return usage("--no-remote-spawn and --max-remote-module need --name or --sname");
  if (node_config) {
    node_config->cookie = cookie;
    node_config->remote_spawn = !no_remote_spawn;
    if (max_remote_module) node_config->max_remote_module = uint32_t(*max_remote_module);
  }
  if (tier != Tier::Interp) {
    if (!jit::available()) {
      std::fputs("lvm run: the JIT cannot run on this machine (no executable memory); use --interp\n", stderr);
      return kExitUsage;
    }
    set_default_tier(jit::tier(tier == Tier::JitEager));
  }
  // --jit-dump: every compiled function's code as text (kept open to the end).
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> dump_file(nullptr, std::fclose);
  if (jit_dump) {
    if (tier == Tier::Interp) return usage("--jit-dump needs the JIT (not --interp)");
    std::FILE* f = *jit_dump == "-" ? stderr : std::fopen(jit_dump->c_str(), "w");
    if (!f) {
      std::fprintf(stderr, "lvm run: --jit-dump: cannot write %s: %s\n", jit_dump->c_str(), std::strerror(errno));
      return kExitUsage;
    }
    if (f != stderr) dump_file.reset(f);
    jit::set_dump(f);
  }
  // --jit-stats: what the JIT did, printed when the run ends.
  struct StatsAtExit {
    bool on;
    ~StatsAtExit() {
      if (on) std::fputs(jit::totals_report().c_str(), stderr);
    }
  } stats_at_exit{jit_stats && tier != Tier::Interp};
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
  auto abi = std::make_shared<LvmAbiContext>(load, linker.resolver());
  linker.add_host_functions(lvm_functions(abi));

  auto built = ModuleImage::build(*module, linker.resolver());
  if (auto* err = std::get_if<InstantiateError>(&built)) {
    std::fprintf(stderr, "lvm: error: %s: %s\n", path.c_str(), err->message.c_str());
    if (err->message.rfind("unknown import", 0) == 0)
      std::fputs("  (--trap-unknown-imports links missing functions to stubs that trap when called)\n", stderr);
    return err->kind == InstantiateError::Kind::Link ? kExitLoad : kTrapExitCode;
  }
  auto image = std::get<std::shared_ptr<const ModuleImage>>(std::move(built));
  if (invoke) return run_invoke(image, inst_config, path, *invoke, std::vector<std::string>(args.begin() + long(i) + 1, args.end()));
  const Export* start = image->module().find_export("_start", ExternKind::Func);
  if (!start) {
    if (image->module().find_export("_initialize", ExternKind::Func))
      std::fprintf(stderr, "lvm: error: %s: a reactor module (it exports `_initialize`, not `_start`): "
                   "call one of its functions with --invoke NAME\n", path.c_str());
    else
      std::fprintf(stderr, "lvm: error: %s: no `_start` function exported (is it a WASI command?)\n", path.c_str());
    return kExitLoad;
  }
  if (!image->module().func_type(start->index).params().empty() ||
      !image->module().func_type(start->index).results().empty()) {
    std::fprintf(stderr, "lvm: error: %s: `_start` must take and return nothing\n", path.c_str());
    return kExitLoad;
  }

  Pid root = 0;
  sched_config.max_memory_pages = inst_config.max_memory_pages;
  if (!max_processes_set) sched_config.max_processes = default_max_processes();
  sched_config.on_exit = [&path, &root](Process& p) {
    const ExitReason& r = p.exit_reason();
    if (r.linked_from && !r.normal()) {
      // It died of a linked process's exit: say so, once per process.
      std::string why = r.trap == Trap::Exit     ? "exited with code " + std::to_string(r.code)
                        : r.trap == Trap::Killed ? std::string("was killed")
                                                 : "trapped: " + r.message;
      std::string text = "lvm: process " + std::to_string(p.pid()) + " ended: linked process " +
                         std::to_string(r.linked_from) + " " + why + "\n";
      std::fflush(stdout);
      std::fputs(text.c_str(), stderr);
      return;
    }
    if (r.trap == Trap::None || r.trap == Trap::Exit || r.trap == Trap::Killed) return;
    // One write per report, so reports of processes trapping at once do
    // not interleave.
    std::string text = p.pid() == root ? "lvm: error: " + path + ": wasm trap: " + r.message + "\n"
                                       : "lvm: process " + std::to_string(p.pid()) + " trapped: " + r.message + "\n";
    text += "wasm backtrace:\n";
    const auto& frames = p.trap_backtrace();
    text += format_backtrace(frames.size(), [&](size_t k) {
      return std::pair<const Instance*, uint32_t>(frames[k].first, frames[k].second);
    });
    std::fflush(stdout);
    std::fputs(text.c_str(), stderr);
  };
  // Never torn down (main `_exit`s: the OS reclaims memories faster than
  // freeing them); its threads are stopped and joined when this returns.
  sched_config.external_wakers = node_config.has_value();
  Scheduler& sched = *new Scheduler(std::move(sched_config));
  const ScopedShutdown stop_threads_at_return(sched);
  // --name: the node goes up before the root runs (and is never torn down,
  // like the scheduler: the OS closes its sockets).
  if (node_config) {
    // A module that comes for a remote spawn is loaded and linked as the
    // one given here (the same features, the same host functions).
    node_config->load_module = [load, resolver = linker.resolver()](std::span<const uint8_t> bytes,
                                                                    std::string* error) -> std::shared_ptr<const ModuleImage> {
      auto m = load_module(bytes, load);
      if (!m) {
        *error = m.error().format();
        return nullptr;
      }
      auto built = ModuleImage::build(*m, resolver);
      if (auto* err = std::get_if<InstantiateError>(&built)) {
        *error = err->message;
        return nullptr;
      }
      return std::get<std::shared_ptr<const ModuleImage>>(std::move(built));
    };
    std::string why_not;
    auto node = dist::Node::start(*node_config, sched, &why_not);
    if (!node) {
      std::fprintf(stderr, "lvm: error: %s\n", why_not.c_str());
      return kExitUsage;
    }
    node->add_module(image);
    sched.set_remote(node.release());
  }
  std::string why;
  if (sched.spawn(image, start->index, {}, &root, &why, /*root=*/true) != SpawnStatus::Ok) {
    std::fprintf(stderr, "lvm: error: %s: %s\n", path.c_str(), why.c_str());
    return kExitLoad;
  }
  bool deadlock = false;
  const ExitReason r = sched.run_until(wait_all, &deadlock);
  // What went to other nodes leaves before the OS process does (at most 2 s).
  if (RemoteHub* remote = sched.remote()) remote->flush_output(2'000'000'000);
  std::fflush(stdout);
  if (deadlock) {
    std::fprintf(stderr, "lvm: error: %s: deadlock: %llu process(es) wait for messages and nothing can wake them\n",
                 path.c_str(), (unsigned long long)sched.live());
    return kExitDeadlock;
  }
  switch (r.trap) {
    case Trap::None: return 0;
    case Trap::Exit: return r.code;
    case Trap::Killed: return kExitKilled;
    default: return kTrapExitCode;
  }
}

}  // namespace lvm::cli
