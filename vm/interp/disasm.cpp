#include "vm/interp/disasm.h"

#include <cstdio>
#include <map>

namespace lvm::interp {

std::string iop_name(IOp op) {
  switch (op) {
#define IOP(name, n) case IOp::name: return #name;
#include "vm/interp/ops.def"
#undef IOP
#define X(name) case IOp::name##Imm: return #name "Imm";
    LVM_INTERP_IMM_OPS(X)
#undef X
#define LOAD(name, S, M)                           \
  case IOp::name##AddR: return #name "AddR";       \
  case IOp::name##AddI: return #name "AddI";       \
  case IOp::name##Abs: return #name "Abs";
#define STORE(name, S, M)                          \
  LOAD(name, S, M)                                 \
  case IOp::name##Imm: return #name "Imm";         \
  case IOp::name##AddRImm: return #name "AddRImm"; \
  case IOp::name##AddIImm: return #name "AddIImm";
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
#define X(name, load, comm)                    \
  case IOp::name##Load: return #name "Load";   \
  case IOp::name##Rmw: return #name "Rmw";     \
  case IOp::name##LoadAddR: return #name "LoadAddR"; \
  case IOp::name##LoadAddI: return #name "LoadAddI";
    LVM_INTERP_LOAD_OPS(X)
#undef X
#define X(op, sh) case IOp::op##With##sh: return #op "With" #sh;
    LVM_INTERP_SHIFTED_OPS(X)
#undef X
#define X(op, inner) case IOp::op##Of##inner: return #op "Of" #inner;
    LVM_INTERP_ALU2_OPS(X)
#undef X
#define X(op, load, comm, M) case IOp::op##With##load: return #op "With" #load;
    LVM_INTERP_NARROW_LOAD_OPS(X)
#undef X
#define X(name, neg)                          \
  case IOp::BrIf##name: return "BrIf" #name; \
  case IOp::BrIf##name##Imm: return "BrIf" #name "Imm";
    LVM_INTERP_CMP_OPS(X)
#undef X
    default: break;
  }
  if (size_t(op) >= size_t(IOp::WasmBase) && size_t(op) < size_t(IOp::Count))
    return std::string(op_name(Opcode(size_t(op) - size_t(IOp::WasmBase))));
  return "?";
}

std::string disassemble(const CompiledFunction& f) {
  std::map<const void*, IOp> by_handler;
  const void* const* table = handler_table();
  for (size_t i = 0; i < size_t(IOp::Count); ++i)
    if (!by_handler.count(table[i])) by_handler[table[i]] = IOp(i);
  char line[256];
  std::snprintf(line, sizeof line, "function %u: params %u, locals %u, frame %u slots, results %u\n", f.func_index,
                f.param_slots, f.local_slots, f.frame_slots, f.result_slots);
  std::string out = line;
  for (size_t pc = 0; pc < f.code.size();) {
    auto it = by_handler.find(handler_at(&f.code[pc]));
    if (it == by_handler.end()) {
      out += "  ??? (corrupt code)\n";
      break;
    }
    IOp op = it->second;
    uint32_t n = iop_operands(op);
    if (op == IOp::BrTable) n += f.code[pc + kHandlerWords + 1] + 1;
    if (op == IOp::CopyMany) n += 2 * f.code[pc + kHandlerWords];
    if (op == IOp::ConstMany) n += 3 * f.code[pc + kHandlerWords];
    if (op == IOp::I32AddImmMany) n += 3 * f.code[pc + kHandlerWords];
    if (op == IOp::I32AddImmManyBrIfNe || op == IOp::I32AddImmManyBrIfNeImm) n += 3 * f.code[pc + kHandlerWords] + 3;
    std::snprintf(line, sizeof line, "  %5zu  %-22s", pc, iop_name(op).c_str());
    out += line;
    for (uint32_t k = 0; k < n; ++k) {
      std::snprintf(line, sizeof line, " %d", int32_t(f.code[pc + kHandlerWords + k]));
      out += line;
    }
    out += '\n';
    pc += kHandlerWords + n + (n & 1);
  }
  return out;
}

}  // namespace lvm::interp
