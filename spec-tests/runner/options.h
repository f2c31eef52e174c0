// Command-line options of lvm-spec.
#pragma once

#include <string>
#include <vector>

namespace lvm::spec {

struct Options {
  std::string mode = "validate";
  std::string suite;              // --suite; empty: environment or built-in default
  std::string cache;              // --cache; empty: spec-cache beside the executable
  bool verbose = false;           // -v: print every check
  bool jit_stats = false;         // --jit-stats: what the JIT compiled and what fell back
  bool help = false;
  std::vector<std::string> files; // FILES...; empty: the core suite
};

// Parses argv. Returns false and sets `error` on a usage error.
bool parse_options(int argc, char** argv, Options& out, std::string& error);

// The usage text.
std::string usage();

}  // namespace lvm::spec
