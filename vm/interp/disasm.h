// A readable listing of translated interpreter code, for developers
// measuring or debugging the translator: set LVM_DUMP_INTERP=1 and each
// function is printed to stderr when it is translated.
#pragma once

#include <string>

#include "vm/interp/code.h"

namespace lvm::interp {

// The name of an internal instruction ("Copy", "I32AddImm", "wasm:i32.add").
std::string iop_name(IOp op);
// One line per instruction: position, name, operand words.
std::string disassemble(const CompiledFunction& f);

}  // namespace lvm::interp
