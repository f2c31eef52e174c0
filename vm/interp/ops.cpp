// Facts about the internal instruction set, derived from the same tables as
// the handlers.
#include "vm/interp/ops.h"

#include <array>

namespace lvm::interp {

namespace {
constexpr std::array<bool, kOpcodeCount> make_has_handler() {
  std::array<bool, kOpcodeCount> t{};
#define UNOP(name, In, Out, expr) t[size_t(Opcode::name)] = true;
#define BINOP(name, In, Out, expr) t[size_t(Opcode::name)] = true;
#define TRAP_BINOP(name, T, fn) t[size_t(Opcode::name)] = true;
#define TRAP_UNOP(name, In, Out, fn) t[size_t(Opcode::name)] = true;
#include "vm/numeric_ops.def"
#undef UNOP
#undef BINOP
#undef TRAP_BINOP
#undef TRAP_UNOP
#define LOAD(name, S, M) t[size_t(Opcode::name)] = true;
#define STORE(name, S, M) t[size_t(Opcode::name)] = true;
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
#define ONE(name, ...) t[size_t(Opcode::name)] = true;
#define SIMD_OP ONE
#include "vm/simd_ops.def"
  LVM_INTERP_SIMD_SPECIAL_OPS(ONE)
#undef ONE
  return t;
}
constexpr auto kHasHandler = make_has_handler();
}  // namespace

bool has_wasm_handler(Opcode op) { return kHasHandler[size_t(op)]; }

uint32_t iop_operands(IOp op) {
  switch (op) {
#define IOP(name, n) case IOp::name: return n;
#include "vm/interp/ops.def"
#undef IOP
#define X(name) case IOp::name##Imm: return op_info(Opcode::name).sig.params[0] == ValType::I64 ? 4 : 3;
    LVM_INTERP_IMM_OPS(X)
#undef X
#define LOAD(name, S, M) case IOp::name##AddR: case IOp::name##AddI: return 4; case IOp::name##Abs: return 2;
#define STORE(name, S, M)                              \
  case IOp::name##Abs: return 2;                        \
  case IOp::name##AddR: case IOp::name##AddI: return 4; \
  case IOp::name##Imm: return 4;                        \
  case IOp::name##AddRImm: case IOp::name##AddIImm: return 5;
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
#define X(name, load, comm) \
  case IOp::name##Load: return 4; \
  case IOp::name##Rmw: return 3; \
  case IOp::name##LoadAddR: case IOp::name##LoadAddI: return 5;
    LVM_INTERP_LOAD_OPS(X)
#undef X
#define X(op, sh) case IOp::op##With##sh: return 4;
    LVM_INTERP_SHIFTED_OPS(X)
#undef X
#define X(op, inner) case IOp::op##Of##inner: return 4;
    LVM_INTERP_ALU2_OPS(X)
#undef X
#define X(op, load, comm, M) case IOp::op##With##load: return 4;
    LVM_INTERP_NARROW_LOAD_OPS(X)
#undef X
#define X(name, neg)                                                                      \
  case IOp::BrIf##name: return 3;                                                         \
  case IOp::BrIf##name##Imm: return op_info(Opcode::name).sig.params[0] == ValType::I64 ? 4 : 3;
    LVM_INTERP_CMP_OPS(X)
#undef X
    default: break;
  }
  Opcode w = Opcode(size_t(op) - size_t(IOp::WasmBase));
  switch (w) {
#define X(name, n) case Opcode::name: return n;
    LVM_INTERP_SIMD_SPECIAL_OPS(X)
#undef X
#define SIMD_EXTRACT(name, T) case Opcode::name: return 3;  // dst, v, lane
#define SIMD_REPLACE(name, T) case Opcode::name: return 4;  // dst, v, x, lane
#include "vm/simd_ops.def"
    default: break;
  }
  const OpInfo& info = op_info(w);
  if (info.imm != ImmKind::None) return 3;  // loads and stores: value, address, offset
  return info.sig.nparams + info.sig.nresults;
}

}  // namespace lvm::interp
