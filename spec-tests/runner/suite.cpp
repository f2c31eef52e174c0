#include "suite.h"

#include <algorithm>
#include <cstdlib>

namespace lvm::spec {

namespace fs = std::filesystem;

fs::path resolve_suite_dir(const std::string& flag) {
  fs::path dir = flag;
  if (dir.empty()) {
    const char* env = std::getenv("LVM_SPEC_TESTSUITE");
    dir = env && *env ? env : LVM_SPEC_TESTSUITE_DEFAULT;
  }
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(dir, ec);
  return ec ? dir : canonical;
}

namespace {

// The report/cache name of a script: its path inside the suite, or for a
// script elsewhere "external/" + its absolute path.
std::string rel_name(const fs::path& suite, const fs::path& wast) {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(wast, ec);
  if (ec) abs = fs::absolute(wast);
  fs::path rel = abs.lexically_relative(suite);
  if (!rel.empty() && *rel.begin() != "..") return rel.generic_string();
  return "external" + abs.generic_string();
}

// The *.wast files directly in `dir`, sorted by name.
std::vector<fs::path> wast_files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".wast" && !e.is_directory()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool collect_files(const fs::path& suite, const std::vector<std::string>& args, std::vector<SpecFile>& out,
                   std::string& error) {
  std::vector<fs::path> paths;
  if (args.empty()) {
    paths = wast_files_in(suite);
    if (paths.empty()) {
      error = "no .wast files in the suite directory " + suite.string() +
              " (set LVM_SPEC_TESTSUITE or pass --suite DIR)";
      return false;
    }
  }
  for (const auto& arg : args) {
    std::error_code ec;
    fs::path p = arg;
    if (!fs::exists(p, ec)) p = suite / arg;
    if (fs::is_directory(p, ec)) {
      auto in_dir = wast_files_in(p);
      if (in_dir.empty()) {
        error = "no .wast files in " + p.string();
        return false;
      }
      paths.insert(paths.end(), in_dir.begin(), in_dir.end());
    } else if (fs::exists(p, ec)) {
      paths.push_back(p);
    } else {
      error = "no such file: " + arg + " (looked in the current directory and in " + suite.string() + ")";
      return false;
    }
  }
  for (const auto& p : paths) out.push_back({p, rel_name(suite, p)});
  return true;
}

}  // namespace lvm::spec
