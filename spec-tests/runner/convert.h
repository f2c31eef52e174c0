// Converting .wast scripts to JSON + binary modules with wast2json (wabt),
// cached under <build>/spec-cache/<name without .wast>/.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "suite.h"

namespace lvm::spec {

// Where wast2json is on PATH, if anywhere.
std::optional<std::filesystem::path> find_wast2json();

// The wast2json flags a script needs, from its folder in the suite: none for
// the core files, --enable-<proposal> for proposals/<proposal>/ (see
// spec-testsuite/SOURCE.md).
std::vector<std::string> wast2json_flags(const std::string& rel);

class Converter {
 public:
  Converter(std::filesystem::path wast2json, std::filesystem::path cache_dir)
      : tool_(std::move(wast2json)), cache_(std::move(cache_dir)) {}

  // The JSON for `file`, converting it first if the cached JSON is missing
  // or older than the .wast. On failure returns nullopt and sets `error`
  // (wast2json's own message).
  std::optional<std::filesystem::path> json_for(const SpecFile& file, std::string& error);

 private:
  bool convert(const SpecFile& file, const std::filesystem::path& dir, std::string& error);

  std::filesystem::path tool_;
  std::filesystem::path cache_;
};

}  // namespace lvm::spec
