// The loader's entry point: bytes in, a validated immutable Module out, or a
// LoadError naming what is wrong and where.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "loader/error.h"
#include "loader/features.h"
#include "loader/module.h"

namespace lvm {

// Implementation limits, checked while decoding so hostile input fails fast
// instead of allocating without bound. They match V8's and wasmtime's.
struct LoaderLimits {
  uint32_t max_types = 1'000'000;
  uint32_t max_functions = 1'000'000;
  uint32_t max_imports = 100'000;
  uint32_t max_exports = 100'000;
  uint32_t max_globals = 1'000'000;
  uint32_t max_data_segments = 100'000;
  uint32_t max_element_segments = 10'000'000;
  uint32_t max_table_size = 10'000'000;
  uint32_t max_function_params = 1'000;
  uint32_t max_function_results = 1'000;
  uint32_t max_locals = 50'000;
  uint32_t max_function_size = 7'654'321;
  uint32_t max_br_table_size = 65'520;
};

// Options for loading a module.
struct LoadOptions {
  Features features = Features::wasm2();
  LoaderLimits limits;
};

// Decodes and validates a module (spec 5 and 3). The bytes are copied into
// the module.
Result<std::shared_ptr<const Module>> load_module(std::span<const uint8_t> bytes, const LoadOptions& options = {});
// The same, taking ownership of the bytes (no copy).
Result<std::shared_ptr<const Module>> load_module(std::vector<uint8_t>&& bytes, const LoadOptions& options = {});

// Reads a file and loads it. A missing or unreadable file is an Io error.
Result<std::shared_ptr<const Module>> load_module_file(const std::string& path, const LoadOptions& options = {});

}  // namespace lvm
