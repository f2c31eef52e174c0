// lvm-spec: runs spec testsuite scripts in one mode and reports
// `N passed, N failed, N skipped`. Exit 0 only when nothing failed; 2 for
// usage and setup errors.
#include <cstdio>
#include <filesystem>

#include "convert.h"
#include "jit/jit.h"
#include "mode.h"
#include "options.h"
#include "report.h"
#include "run_file.h"
#include "suite.h"

namespace fs = std::filesystem;
using namespace lvm::spec;

namespace {

int setup_error(const std::string& message) {
  std::fprintf(stderr, "lvm-spec: %s\n", message.c_str());
  return 2;
}

// spec-cache beside this executable, i.e. at the top of the build directory.
fs::path default_cache_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return (ec ? fs::current_path() : exe.parent_path()) / "spec-cache";
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  std::string error;
  if (!parse_options(argc, argv, opts, error)) return setup_error(error + "\n" + usage());
  if (opts.help) {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  const ModeInfo* mode = find_mode(opts.mode);
  if (!mode) return setup_error("unknown mode " + opts.mode + "\n" + usage());
  if (!mode->factory) return setup_error("mode " + opts.mode + " is not implemented yet");

  fs::path suite = resolve_suite_dir(opts.suite);
  std::vector<SpecFile> files;
  if (!collect_files(suite, opts.files, files, error)) return setup_error(error);
  if (opts.files.empty() && !mode->leaves_out.empty()) {
    size_t before = files.size();
    std::erase_if(files, [&](const SpecFile& f) { return f.rel.rfind(mode->leaves_out, 0) == 0; });
    std::printf("note: mode %s leaves out %zu %s*.wast files: %s\n", opts.mode.c_str(), before - files.size(),
                std::string(mode->leaves_out).c_str(), std::string(mode->why).c_str());
  }
  auto tool = find_wast2json();
  if (!tool)
    return setup_error(
        "wast2json not found on PATH; it comes from Debian's wabt package, which scripts/bootstrap installs");

  Converter converter(*tool, opts.cache.empty() ? default_cache_dir() : fs::path(opts.cache));
  Reporter reporter(stdout, opts.verbose);
  for (const auto& f : files) {
    FileResult result;
    result.rel = f.rel;
    CommandFile commands;
    if (auto json = converter.json_for(f, result.error)) {
      if (read_command_file(*json, commands, result.error)) result = run_commands(f.rel, commands, mode->factory);
    }
    reporter.file(result);
  }
  if (opts.jit_stats) std::fputs(lvm::jit::totals_report().c_str(), stdout);
  reporter.summary();
  return reporter.any_failed() ? 1 : 0;
}
