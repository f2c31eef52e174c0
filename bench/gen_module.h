// A generator of large, valid WebAssembly modules for the loader benchmark.
// The code it emits has the shape of compiler output: many functions of
// varied signatures and sizes, locals of every type, nested blocks, loops and
// ifs, br/br_if/br_table, direct and indirect calls, loads and stores with
// offsets, integer and float arithmetic, conversions, some SIMD, globals, a
// table with an element segment, data segments and a name section. The
// output is deterministic for a given seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lvm::bench {

struct GenOptions {
  size_t target_bytes = size_t(32) << 20;  // the module is this size, give or take a function
  uint64_t seed = 0x6c766d;                // same seed, same module
  bool simd = true;                        // emit v128 code in some functions
  bool names = true;                       // emit a `name` section with function names
};

// What went into a generated module.
struct GenStats {
  uint32_t types = 0;
  uint32_t imported_functions = 0;
  uint32_t functions = 0;      // defined functions
  uint64_t instructions = 0;   // instructions in all bodies, `end`s included
  size_t code_bytes = 0;       // size of the code section
  size_t data_bytes = 0;       // bytes of the data segments
};

// Generates a module of about `opts.target_bytes` bytes.
std::vector<uint8_t> generate_module(const GenOptions& opts = {}, GenStats* stats = nullptr);

}  // namespace lvm::bench
