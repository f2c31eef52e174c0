// `lvm run --invoke NAME [ARGS...]` (wasmtime's convention): call one export
// of a module, its arguments parsed from the command line by parameter type,
// its results printed one a line (README, "The command line").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "loader/types.h"
#include "vm/instance.h"
#include "vm/module_image.h"

namespace lvm::cli {

// Parses one --invoke argument as a value of type `t` into its 64-bit slot:
// i32/i64 as decimal (signed, or unsigned within the width) or 0x hex;
// f32/f64 as strtod reads them (decimal, `nan`, `inf`, `infinity`, hex
// floats such as 0x1.8p3). False with `error` set otherwise.
bool parse_invoke_arg(ValType t, const std::string& text, uint64_t& slot, std::string& error);

// A result as wasmtime prints it: integers signed in decimal, floats in the
// shortest decimal that reads back exactly (`42.5`, `1`, `-0`, `inf`, `NaN`).
std::string format_invoke_result(ValType t, uint64_t slot);

// Instantiates `image`, runs its start function and, for a reactor, its
// `_initialize`, then calls export `name` with `args` and prints the results.
// Returns lvm run's exit code: 0, the guest's proc_exit code, 134 for a trap
// (reported with its backtrace), 1 for a missing or unusable export, 2 for
// wrong arguments. The call runs outside the process scheduler: the lvm
// process ABI (spawn, receive, ...) is not available to it.
int run_invoke(const std::shared_ptr<const ModuleImage>& image, const InstanceConfig& config, const std::string& path,
               const std::string& name, const std::vector<std::string>& args);

// A function's name for a backtrace: the name section's, demangled when it
// is a C++ symbol, else `function[N]` (shared with cmd_run).
std::string frame_name(const Instance* inst, uint32_t func);

// The lines of a wasm backtrace of `n` frames, innermost first, `frame(k)`
// giving frame k: `  k: name` each. Beyond 64 frames (deep recursion) only
// the 32 innermost and 32 outermost are listed, with a line saying how many
// were left out between them.
std::string format_backtrace(size_t n, const std::function<std::pair<const Instance*, uint32_t>(size_t)>& frame);

}  // namespace lvm::cli
