#include "spec.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace lvm::wasitest {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<TestCase> discover_tests(const fs::path& suite_dir) {
  std::vector<TestCase> out;
  std::error_code ec;
  for (const auto& suite : fs::directory_iterator(suite_dir / "tests", ec)) {
    fs::path dir = suite.path() / "wasm32-wasip1";
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& f : fs::directory_iterator(dir, ec)) {
      if (f.path().extension() != ".wasm" || f.is_directory()) continue;
      TestCase tc;
      tc.name = suite.path().filename().string() + "/" + f.path().stem().string();
      tc.wasm = f.path();
      fs::path j = f.path();
      j.replace_extension(".json");
      if (fs::exists(j, ec)) tc.json = j;
      out.push_back(std::move(tc));
    }
  }
  std::sort(out.begin(), out.end(), [](const TestCase& a, const TestCase& b) { return a.name < b.name; });
  return out;
}

namespace {

// The fields of a `run` operation (or of the legacy form, which has the same ones).
void read_run(const json& j, const fs::path& test_dir, TestSpec& out) {
  if (j.contains("args"))
    for (const auto& a : j.at("args")) out.args.push_back(a.get<std::string>());
  if (j.contains("env"))
    for (const auto& [k, v] : j.at("env").items()) out.env.emplace_back(k, v.get<std::string>());
  if (j.contains("root") && !j.at("root").is_null()) out.root = test_dir / j.at("root").get<std::string>();
}

bool read_operations(const json& ops, const fs::path& test_dir, TestSpec& out, std::string& error) {
  bool ran = false, waited = false;
  for (const auto& op : ops) {
    const std::string type = op.value("type", "");
    if (type == "run") {
      if (ran) return error = "more than one `run` operation", false;
      ran = true;
      read_run(op, test_dir, out);
    } else if (type == "wait") {
      if (!ran) return error = "`wait` before `run`", false;
      waited = true;
      out.exit_code = op.value("exit_code", 0);
    } else if (type == "read") {
      if (!ran) return error = "`read` before `run`", false;
      const std::string id = op.value("id", "stdout");
      std::string payload = op.value("payload", "");
      auto& slot = id == "stderr" ? out.stderr_text : out.stdout_text;
      slot = slot.value_or("") + payload;
    } else {
      return error = "operation `" + type + "` (network tests) is not supported by this runner", false;
    }
  }
  if (!ran || !waited) return error = "a `run` operation must be paired with a `wait`", false;
  return true;
}

}  // namespace

bool read_spec(const TestCase& tc, TestSpec& out, std::string& error) {
  out = TestSpec{};
  if (tc.json.empty()) return true;
  std::ifstream in(tc.json);
  if (!in) return error = "cannot read " + tc.json.string(), false;
  std::stringstream text;
  text << in.rdbuf();
  try {
    json j = json::parse(text.str());
    const fs::path dir = tc.json.parent_path();
    if (j.contains("proposals") && !j.at("proposals").empty())
      return error = "needs WASI proposals " + j.at("proposals").dump() + ", which lvm does not have", false;
    if (j.contains("operations")) return read_operations(j.at("operations"), dir, out, error);
    read_run(j, dir, out);
    out.exit_code = j.value("exit_code", 0);
    if (j.contains("stdout")) out.stdout_text = j.at("stdout").get<std::string>();
    if (j.contains("stderr")) out.stderr_text = j.at("stderr").get<std::string>();
  } catch (const json::exception& e) {
    return error = tc.json.string() + ": " + e.what(), false;
  }
  return true;
}

}  // namespace lvm::wasitest
