// The `lvm` command-line entry point: dispatches to the subcommands.
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "lvm_version.h"

namespace {

const char kUsage[] =
    "lvm " LVM_VERSION ": a WebAssembly VM that runs programs as many isolated processes\n"
    "\n"
    "Usage:\n"
    "  lvm run [OPTIONS] FILE.wasm [ARGS...]           run a WASI command module (its _start)\n"
    "  lvm run --invoke NAME FILE.wasm [ARGS...]       call one exported function\n"
    "  lvm validate [--enable=FEATURES] FILE.wasm...   decode and validate; prints `ok` or the error\n"
    "  lvm inspect FILE.wasm                           imports, exports, memories, tables, globals, sections\n"
    "  lvm version                                     print the version\n"
    "  lvm help | --help                               this text\n"
    "\n"
    "lvm run options:\n"
    "  --interp                  run with the interpreter (the default is the JIT; `lvm run --help` lists every flag)\n"
    "  --dir HOST[::GUEST]       give the guest a host directory, as GUEST (default: same path)\n"
    "  --env KEY=VALUE | KEY     set a guest environment variable; KEY alone: the host's value\n"
    "  --invoke NAME             call export NAME with ARGS as its arguments and print its results\n"
    "                            (a reactor's _initialize runs first)\n"
    "  --max-memory SIZE         cap each linear memory (e.g. 64MiB); memory.grow fails beyond\n"
    "  --trap-unknown-imports    link missing function imports to stubs that trap when called\n"
    "\n"
    "FEATURES is a comma-separated list of proposals beyond WebAssembly 2.0 (none are\n"
    "implemented yet; the names are accepted so modules can be checked for them).\n"
    "\n"
    "Exit codes: 0 success; 1 the module is malformed, invalid, unsupported or cannot be\n"
    "linked; 2 usage error or unreadable file; for `run`, the guest's exit code\n"
    "(proc_exit), or 134 when the guest traps.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cmd == "version" || cmd == "--version") {
    std::printf("lvm %s\n", LVM_VERSION);
    return 0;
  }
  if (cmd == "validate") return lvm::cli::cmd_validate(args);
  if (cmd == "inspect") return lvm::cli::cmd_inspect(args);
  if (cmd == "run") {
    // Skip tearing down the VM (unmapping memories, freeing code): the OS
    // reclaims it all faster. Flush stdio first; guest output goes straight
    // to the descriptors.
    int code = lvm::cli::cmd_run(args);
    std::fflush(nullptr);
#ifdef LVM_INTERP_PROFILE
    std::exit(code);  // run destructors: the dispatch profile prints at exit
#endif
    _exit(code);
  }
  std::fprintf(stderr, "lvm: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return 2;
}
