// Replays every input under tests/fuzz/regressions/ through the loader, with
// the default features and with every feature enabled. Each file once made the
// fuzzer find a crash, leak, hang or unbounded allocation; the test passes when
// load_module returns (a Module or a LoadError) for all of them. Run it in the
// sanitizer build (`make test-sanitize`) to catch memory errors too.
//
// LVM_FUZZ_REGRESSIONS_DIR is defined at compile time (see tests/CMakeLists.txt).

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "loader/loader.h"

#ifndef LVM_FUZZ_REGRESSIONS_DIR
#error "define LVM_FUZZ_REGRESSIONS_DIR to the path of tests/fuzz/regressions"
#endif

namespace {

std::vector<std::filesystem::path> regression_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(LVM_FUZZ_REGRESSIONS_DIR)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (name == "README.md" || name.starts_with(".")) continue;
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("fuzz regressions load without crashing") {
  REQUIRE(std::filesystem::is_directory(LVM_FUZZ_REGRESSIONS_DIR));
  lvm::LoadOptions all;
#define X(e, n, s) all.features.enable(lvm::Feature::e);
  LVM_FEATURES(X)
#undef X

  for (const auto& path : regression_files()) {
    INFO("regression file: ", path.string());
    std::vector<uint8_t> bytes = read_file(path);
    for (const lvm::LoadOptions& options : {lvm::LoadOptions{}, all}) {
      auto result = lvm::load_module(bytes, options);
      if (result) {
        CHECK(*result != nullptr);
      } else {
        CHECK(!result.error().format().empty());
      }
    }
  }
}
