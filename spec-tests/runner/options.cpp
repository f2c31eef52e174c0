#include "options.h"

#include <string_view>

#include "mode.h"

namespace lvm::spec {

std::string usage() {
  std::string modes;
  for (const auto& m : all_modes()) modes += (modes.empty() ? "" : "|") + std::string(m.name);
  return "usage: lvm-spec [--mode " + modes + "] [--suite DIR] [--cache DIR] [--jit-stats] [-v] [FILES...]\n"
         "  Runs WebAssembly spec testsuite scripts (.wast) against lvm.\n"
         "  --mode MODE   what to do with each script (default validate)\n"
         "  --suite DIR   the testsuite (default: $LVM_SPEC_TESTSUITE, else the one set at build time)\n"
         "  --cache DIR   where wast2json output is cached (default: spec-cache beside lvm-spec)\n"
         "  --jit-stats   (jit modes) print how many functions were compiled and each that fell\n"
         "                back to the interpreter, before the summary\n"
         "  -v            print every check, not only failures\n"
         "  FILES         .wast paths or names relative to the suite, or directories\n"
         "                (default: every *.wast at the top of the suite, the core tests)\n";
}

bool parse_options(int argc, char** argv, Options& out, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    // --flag VALUE or --flag=VALUE.
    auto value_of = [&](std::string_view flag, std::string& dest) {
      if (arg == flag) {
        if (i + 1 >= argc) {
          error = std::string(flag) + " needs a value";
          return true;
        }
        dest = argv[++i];
        return true;
      }
      if (arg.size() > flag.size() && arg.starts_with(flag) && arg[flag.size()] == '=') {
        dest = arg.substr(flag.size() + 1);
        return true;
      }
      return false;
    };
    if (value_of("--mode", out.mode) || value_of("--suite", out.suite) || value_of("--cache", out.cache)) {
      if (!error.empty()) return false;
    } else if (arg == "--jit-stats") {
      out.jit_stats = true;
    } else if (arg == "-v" || arg == "--verbose") {
      out.verbose = true;
    } else if (arg == "-h" || arg == "--help") {
      out.help = true;
    } else if (arg == "--") {
      for (++i; i < argc; ++i) out.files.emplace_back(argv[i]);
    } else if (arg.starts_with("-") && arg.size() > 1) {
      error = "unknown option " + std::string(arg);
      return false;
    } else {
      out.files.emplace_back(arg);
    }
  }
  return true;
}

}  // namespace lvm::spec
