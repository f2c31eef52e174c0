// Loading a script's module files with the lvm loader and comparing the
// result with what the script expects; shared by every mode.
#pragma once

#include <memory>

#include "loader/loader.h"
#include "mode.h"

namespace lvm::spec {

// Loads the command's module (spec 5 and 3) with WebAssembly 2.0 features.
Result<std::shared_ptr<const Module>> load_command_module(const Command& c);

// The module must load. On success stores it in `out` if given.
Outcome expect_loads(const Command& c, std::shared_ptr<const Module>* out = nullptr);

// The module must be rejected with kind `kind`. Unsupported is accepted too:
// a module using something beyond WebAssembly 2.0 is not a 2.0 module.
Outcome expect_rejected(const Command& c, ErrorKind kind);

}  // namespace lvm::spec
