// lvm-wasi-tests: runs the WASI preview1 testsuite (WebAssembly/wasi-testsuite)
// with `lvm run` as its doc/specification.md says an executor should: each
// test's args, env (the whole guest environment) and root (a fresh copy,
// preopened as `/`), then its exit code and stdout compared. One line per
// failing test, a last line `N passed, N failed, N skipped` (expected
// failures count as skipped). Exit 0 only when nothing failed; 2 for usage
// and setup errors.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "execute.h"
#include "spec.h"

namespace fs = std::filesystem;
using namespace lvm::wasitest;

namespace {

constexpr int kTimeoutMs = 60'000;

const char* kUsage =
    "usage: lvm-wasi-tests [--lvm PATH] [--suite DIR] [--expected-failures FILE] [-v] [TESTS...]\n"
    "  --lvm PATH                the engine (default: lvm beside this program)\n"
    "  --suite DIR               the testsuite (default: $LVM_WASI_TESTSUITE, else the one set at build time)\n"
    "  --expected-failures FILE  known failures, one SUITE/NAME a line (default: wasi-tests/expected-failures.txt)\n"
    "  -v                        print every test, not only the failures\n"
    "  TESTS                     SUITE/NAME or SUITE (c, rust, assemblyscript); default: all\n";

int setup_error(const std::string& message) {
  std::fprintf(stderr, "lvm-wasi-tests: %s\n", message.c_str());
  return 2;
}

fs::path self_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

bool read_expected_failures(const fs::path& file, std::set<std::string>& out, std::string& error) {
  std::ifstream in(file);
  if (!in) return error = "cannot read the expected-failures list " + file.string(), false;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (!line.empty() && line[0] != '#') out.insert(line);
  }
  return true;
}

// Shows a string on one line, escapes visible, cut after 200 bytes.
std::string shown(const std::string& s) {
  std::string o = "\"";
  for (size_t i = 0; i < s.size() && i < 200; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\n') o += "\\n";
    else if (c == '"' || c == '\\') o += '\\', o += char(c);
    else if (c < 0x20 || c >= 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      o += b;
    } else o += char(c);
  }
  if (s.size() > 200) o += "...";
  return o + "\"";
}

// Runs one test; an empty result means it passed, else why it failed.
std::string run_test(const fs::path& lvm, const TestCase& tc, const fs::path& scratch) {
  TestSpec spec;
  std::string error;
  if (!read_spec(tc, spec, error)) return error;
  std::vector<std::string> argv = {lvm.string(), "run"};
  fs::path root_copy;
  if (spec.root) {
    root_copy = scratch / "root";
    std::error_code ec;
    fs::remove_all(root_copy, ec);
    if (!copy_root(*spec.root, root_copy, error)) return error;
    argv.push_back("--dir");
    argv.push_back(root_copy.string() + "::/");
  }
  for (const auto& [k, v] : spec.env) {
    argv.push_back("--env");
    argv.push_back(k + "=" + v);
  }
  argv.push_back(tc.wasm.string());
  argv.insert(argv.end(), spec.args.begin(), spec.args.end());
  RunResult r = run_captured(argv, kTimeoutMs);
  if (!root_copy.empty()) {
    std::error_code ec;
    fs::remove_all(root_copy, ec);
  }
  if (!r.started) return "cannot run " + lvm.string() + ": " + r.error;
  std::string why;
  auto stderr_tail = [&] { return r.err.empty() ? std::string() : "; stderr " + shown(r.err); };
  if (r.timed_out) return "timed out after " + std::to_string(kTimeoutMs / 1000) + " s" + stderr_tail();
  if (r.exit_code != spec.exit_code)
    return "exit code " + std::to_string(r.exit_code) + ", expected " + std::to_string(spec.exit_code) +
           stderr_tail();
  if (spec.stdout_text && r.out != *spec.stdout_text)
    return "stdout " + shown(r.out) + ", expected " + shown(*spec.stdout_text) + stderr_tail();
  if (spec.stderr_text && r.err != *spec.stderr_text)
    return "stderr " + shown(r.err) + ", expected " + shown(*spec.stderr_text);
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  fs::path lvm = self_dir() / "lvm", suite, xfail_file = LVM_WASI_EXPECTED_FAILURES;
  bool verbose = false;
  std::vector<std::string> filters;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "-v") {
      verbose = true;
    } else if (a == "--lvm" || a == "--suite" || a == "--expected-failures") {
      const char* v = value();
      if (!v) return setup_error(a + " needs a value\n" + kUsage);
      (a == "--lvm" ? lvm : a == "--suite" ? suite : xfail_file) = v;
    } else if (a.rfind("-", 0) == 0) {
      return setup_error("unknown option " + a + "\n" + kUsage);
    } else {
      filters.push_back(a);
    }
  }
  if (suite.empty()) {
    const char* env = std::getenv("LVM_WASI_TESTSUITE");
    suite = env && *env ? env : LVM_WASI_TESTSUITE_DEFAULT;
  }
  std::error_code ec;
  if (fs::path c = fs::weakly_canonical(suite, ec); !ec) suite = c;
  if (::access(lvm.c_str(), X_OK) != 0) return setup_error(lvm.string() + " is not an executable; build it first");
  std::vector<TestCase> tests = discover_tests(suite);
  if (tests.empty())
    return setup_error("no tests under " + suite.string() +
                       "/tests/*/wasm32-wasip1 (set LVM_WASI_TESTSUITE or pass --suite DIR)");
  std::set<std::string> xfail;
  std::string error;
  if (!read_expected_failures(xfail_file, xfail, error)) return setup_error(error);
  for (const auto& name : xfail) {
    bool known = false;
    for (const auto& t : tests) known |= t.name == name;
    if (!known) return setup_error(xfail_file.string() + " lists " + name + ", which the suite does not have");
  }
  if (!filters.empty()) {
    std::erase_if(tests, [&](const TestCase& t) {
      for (const auto& f : filters)
        if (t.name == f || t.name.rfind(f + "/", 0) == 0) return false;
      return true;
    });
    if (tests.empty()) return setup_error("no test matches the names given");
  }

  char tmpl[] = "/tmp/lvm-wasi-tests.XXXXXX";
  if (!::mkdtemp(tmpl)) return setup_error("cannot create a scratch directory in /tmp");
  const fs::path scratch = tmpl;
  std::printf("wasi testsuite: %zu tests from %s\n", tests.size(), suite.c_str());
  int passed = 0, failed = 0, skipped = 0;
  for (const auto& tc : tests) {
    std::string why = run_test(lvm, tc, scratch);
    const bool expected_fail = xfail.count(tc.name) != 0;
    if (why.empty() && !expected_fail) {
      ++passed;
      if (verbose) std::printf("PASS  %s\n", tc.name.c_str());
    } else if (why.empty()) {
      ++failed;
      std::printf("FAIL  %s: passes now; remove it from %s\n", tc.name.c_str(), xfail_file.c_str());
    } else if (expected_fail) {
      ++skipped;
      std::printf("XFAIL %s: %s\n", tc.name.c_str(), why.c_str());
    } else {
      ++failed;
      std::printf("FAIL  %s: %s\n", tc.name.c_str(), why.c_str());
    }
    std::fflush(stdout);
  }
  fs::remove_all(scratch, ec);
  std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}
