// `lvm validate`: decode and validate modules, report the first error.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "loader/loader.h"

namespace lvm::cli {

int cmd_validate(const std::vector<std::string>& args) {
  LoadOptions opts;
  std::vector<std::string> files;
  if (!parse_load_args(args, opts, files)) return 2;
  if (files.empty()) {
    std::fputs("lvm validate: no file given\nusage: lvm validate [--enable=FEATURES] FILE.wasm...\n", stderr);
    return 2;
  }
  int status = 0;
  for (const std::string& f : files) {
    auto m = load_module_file(f, opts);
    const char* prefix = files.size() > 1 ? f.c_str() : "";
    const char* sep = files.size() > 1 ? ": " : "";
    if (m) {
      std::printf("%s%sok\n", prefix, sep);
      continue;
    }
    const LoadError& e = m.error();
    std::fprintf(stderr, "%s: error: %s\n", f.c_str(), e.format().c_str());
    if (e.kind == ErrorKind::Io) return 2;
    status = 1;
  }
  return status;
}

}  // namespace lvm::cli
