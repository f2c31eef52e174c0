// A test of the WASI testsuite as its doc/specification.md describes it: a
// `foo.wasm` and its optional `foo.json`, in the legacy form (args, env,
// root, exit_code, stdout, stderr) or the operation-based one (run, wait,
// read), reduced to what one run of `lvm run` must show.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lvm::wasitest {

// What to run and what it must produce.
struct TestSpec {
  std::vector<std::string> args;                         // after the module path
  std::vector<std::pair<std::string, std::string>> env;  // the whole guest environment
  std::optional<std::filesystem::path> root;             // preopened as `/` (a fresh copy)
  int exit_code = 0;
  // Compared exactly when the test gives them (as the suite's own runner
  // does: a test without `stdout` may print what it likes).
  std::optional<std::string> stdout_text;
  std::optional<std::string> stderr_text;
};

// One test case found in the suite.
struct TestCase {
  std::string name;  // SUITE/NAME, e.g. rust/fd_readdir
  std::filesystem::path wasm;
  std::filesystem::path json;  // empty when the test has none (defaults apply)
};

// Every `*.wasm` under SUITE_DIR/tests/*/wasm32-wasip1/, sorted by name.
std::vector<TestCase> discover_tests(const std::filesystem::path& suite_dir);

// Reads `tc`'s specification (the defaults when it has no .json). False with
// `error` set for a file that cannot be read or parsed, or that asks for
// something this runner cannot do (a proposal, a network operation).
bool read_spec(const TestCase& tc, TestSpec& out, std::string& error);

}  // namespace lvm::wasitest
