// Numeric instructions (spec 4.4.1): integer and float arithmetic,
// compares (fused with a following br_if, if or select), conversions: the
// helpers; their cases are in compile_numeric_cases.inc. Constant
// operands become immediates; two constants fold, through the same
// semantics table the interpreter uses (vm/numeric_ops.def).
#include <cstring>

#include "jit/compiler.h"
#include "vm/numeric.h"
#include "vm/trap.h"

namespace lvm::jit {

namespace {

template <class T> T rd(uint64_t bits) {
  T v;
  std::memcpy(&v, &bits, sizeof(T));
  return v;
}
template <class T> uint64_t wr(T v) {
  uint64_t bits = 0;
  if constexpr (sizeof(T) == 4) {
    uint32_t b;
    std::memcpy(&b, &v, 4);
    bits = b;
  } else {
    std::memcpy(&bits, &v, 8);
  }
  return bits;
}

// Folds an integer instruction on two constants; false for instructions
// it does not fold (floats, and division that would trap).
bool fold_binary(Opcode op, uint64_t a, uint64_t b, uint64_t& out) {
  switch (op) {
#define UNOP(name, In, Out, expr)
#define BINOP(name, In, Out, expr)                                      \
  case Opcode::name:                                                    \
    if constexpr (std::is_integral_v<In>) {                             \
      [[maybe_unused]] In x = rd<In>(a), y = rd<In>(b);                 \
      auto f = [](In a, In b) { return Out(expr); };                    \
      out = wr<Out>(f(x, y));                                           \
      return true;                                                      \
    }                                                                   \
    return false;
#define TRAP_BINOP(name, T, fn)                                         \
  case Opcode::name: {                                                  \
    T r;                                                                \
    if (fn(rd<T>(a), rd<T>(b), r) != Trap::None) return false;         \
    out = wr<T>(r);                                                     \
    return true;                                                        \
  }
#define TRAP_UNOP(name, In, Out, fn)
#include "vm/numeric_ops.def"
#undef UNOP
#undef BINOP
#undef TRAP_BINOP
#undef TRAP_UNOP
    default: return false;
  }
}

bool fits_imm(W w, uint64_t v) {
  return w == W::W32 || int64_t(v) == int64_t(int32_t(v));
}

bool commutative(IntOp op) { return op != IntOp::Sub; }

}  // namespace

bool Compiler::fold(Opcode op, ValType result, const Value& a, const Value& b) {
  uint64_t folded;
  if (a.kind != Kind::Const || b.kind != Kind::Const || !fold_binary(op, a.bits, b.bits, folded)) return false;
  push_const(result, folded);
  return true;
}

void Compiler::int_binary(Opcode op, W w, IntOp iop) {
  const ValType t = w == W::W32 ? ValType::I32 : ValType::I64;
  Value b = pop(), a = pop();
  if (fold(op, t, a, b)) return;
  if (a.kind == Kind::Const && b.kind != Kind::Const && commutative(iop)) std::swap(a, b);
  if (b.kind == Kind::Const && fits_imm(w, b.bits)) {
    const Gpr ra = use_gpr(a);
    const GprDest d = dest_gpr(t, a.kind == Kind::Reg ? ra : Gpr{});
    masm_->alu_imm(iop, w, d.reg, ra, int32_t(uint32_t(b.bits)));
    push_dest(t, d);
    return;
  }
  if (a.kind != Kind::Reg && b.kind == Kind::Reg && commutative(iop)) std::swap(a, b);
  if (Address at; in_frame(b, at)) {  // op r, [frame]
    const Gpr ra = use_gpr(a);
    const GprDest d = dest_gpr(t, a.kind == Kind::Reg ? ra : Gpr{});
    masm_->alu_mem(iop, w, d.reg, ra, at);
    push_dest(t, d);
    return;
  }
  const Gpr ra = use_gpr(a), rb = use_gpr(b);
  const GprDest d = dest_gpr(t, a, ra, b, rb);
  masm_->alu(iop, w, d.reg, ra, rb);
  push_dest(t, d);
}

void Compiler::shift_op(Opcode op, W w, ShiftOp sop) {
  const ValType t = w == W::W32 ? ValType::I32 : ValType::I64;
  Value b = pop(), a = pop();
  if (fold(op, t, a, b)) return;
  if (b.kind == Kind::Const) {
    const Gpr ra = use_gpr(a);
    const GprDest d = dest_gpr(t, a.kind == Kind::Reg ? ra : Gpr{});
    masm_->shift_imm(sop, w, d.reg, ra, uint8_t(b.bits));
    push_dest(t, d);
    return;
  }
  evict(masm_->shift_clobbers());
  const Gpr ra = use_gpr(a), rb = use_gpr(b);
  const Gpr d = result_gpr(a, ra, b, rb);
  masm_->shift(sop, w, d, ra, rb);
  push_reg(t, d.code);
}

void Compiler::div_op(Opcode op, W w, DivOp dop) {
  const ValType t = w == W::W32 ? ValType::I32 : ValType::I64;
  Value b = pop(), a = pop();
  if (fold(op, t, a, b)) return;
  evict(masm_->div_clobbers());
  const Gpr ra = use_gpr(a), rb = use_gpr(b);
  const Gpr d = result_gpr(a, ra, b, rb);
  masm_->div(dop, w, d, ra, rb, trap_label(uint8_t(Trap::IntegerDivideByZero)),
             trap_label(uint8_t(Trap::IntegerOverflow)));
  push_reg(t, d.code);
}

bool Compiler::fuse_branch(Cond cond, CodeCursor& c, EmitFn compare) {
  const uint8_t next = *c.p;
  if (next == 0x0D) {  // br_if
    ++c.p;
    const uint32_t depth = c.u32();
    compare();
    br_if_flags(depth, cond);
    return true;
  }
  if (next == 0x04) {  // if
    ++c.p;
    std::span<const ValType> params, results;
    read_block_type(c, params, results);
    if_flags(cond, params, results, compare);
    return true;
  }
  if (next == 0x1B || next == 0x1C) {  // select, select t
    ++c.p;
    if (next == 0x1C) c.skip(ImmKind::SelectT);
    select_flags(cond, compare);
    return true;
  }
  return false;
}

void Compiler::select_flags(Cond cond, EmitFn compare) {
  // The operands are loaded first: a constant may be loaded with an xor,
  // which would clobber the flags.
  Value b = pop(), av = pop();
  if (in_fpr(av.type)) {
    const Fpr fa = own_fpr(av), fb = use_fpr(b);
    compare();
    masm_->fselect(fa, fb, negate(cond));
    free_value(b);
    push_reg(av.type, fa.code);
    return;
  }
  const Gpr ra = own_gpr(av), rb = use_gpr(b);
  compare();
  masm_->cmov(negate(cond), wof(av.type), ra, rb);
  free_value(b);
  push_reg(av.type, ra.code);
}

void Compiler::int_compare(Opcode op, W w, Cond cond, CodeCursor& c) {
  Value b = pop(), a = pop();
  if (fold(op, ValType::I32, a, b)) return;
  if (a.kind == Kind::Const && b.kind != Kind::Const) {
    std::swap(a, b);
    cond = swap_operands(cond);
  }
  const Gpr ra = use_gpr(a);
  const bool imm = b.kind == Kind::Const && fits_imm(w, b.bits);
  Address b_at;
  const bool b_mem = !imm && in_frame(b, b_at);
  const Gpr rb = imm || b_mem ? Gpr{} : use_gpr(b);
  auto compare = [&] {
    if (imm) masm_->cmp_imm(w, ra, int32_t(uint32_t(b.bits)));
    else if (b_mem) masm_->cmp_mem(w, ra, b_at);
    else masm_->cmp(w, ra, rb);
  };
  if (fuse_branch(cond, c, [&] {
        compare();
        free_value(a);
        free_value(b);
      }))
    return;
  // (The destination first: giving entries a local's old value may move.)
  const GprDest d = dest_gpr(ValType::I32, a.kind == Kind::Reg ? ra : b.kind == Kind::Reg ? rb : Gpr{});
  if (a.kind == Kind::Reg && d.reg != ra) free_value(a);
  if (b.kind == Kind::Reg && d.reg != rb) free_value(b);
  compare();
  masm_->set_cc(cond, d.reg);
  push_dest(ValType::I32, d);
}

void Compiler::int_eqz(W w, CodeCursor& c) {
  Value a = pop();
  if (a.kind == Kind::Const) {
    push_const(ValType::I32, (w == W::W32 ? uint32_t(a.bits) : a.bits) == 0);
    return;
  }
  const Gpr ra = use_gpr(a);
  if (fuse_branch(Cond::Eq, c, [&] {
        masm_->test(w, ra);
        free_value(a);
      }))
    return;
  const GprDest d = dest_gpr(ValType::I32, a.kind == Kind::Reg ? ra : Gpr{});
  masm_->test(w, ra);
  masm_->set_cc(Cond::Eq, d.reg);
  push_dest(ValType::I32, d);
}

void Compiler::int_unary(W w, IntUnOp op) {
  Value a = pop();
  const Gpr ra = use_gpr(a);
  const Gpr d = a.kind == Kind::Reg ? ra : alloc_gpr();
  masm_->unop(op, w, d, ra);
  push_reg(w == W::W32 ? ValType::I32 : ValType::I64, d.code);
}

void Compiler::extend(ExtOp op, ValType result) {
  Value a = pop();
  const Gpr ra = use_gpr(a);
  const GprDest d = dest_gpr(result, a.kind == Kind::Reg ? ra : Gpr{});
  masm_->ext(op, d.reg, ra);
  push_dest(result, d);
}

void Compiler::float_binary(FW w, FOp op) {
  Value b = pop(), a = pop();
  const Fpr ra = use_fpr(a), rb = use_fpr(b);
  const ValType t = w == FW::F32 ? ValType::F32 : ValType::F64;
  const FprDest d = dest_fpr(t, a, ra, b, rb);
  masm_->fbin(op, w, d.reg, ra, rb);
  push_dest(t, d);
}

void Compiler::float_unary(FW w, FUnOp op) {
  Value a = pop();
  const Fpr ra = own_fpr(a);
  masm_->fun(op, w, ra, ra);
  push_reg(w == FW::F32 ? ValType::F32 : ValType::F64, ra.code);
}

void Compiler::float_compare(FW w, FCond cond) {
  Value b = pop(), a = pop();
  const Fpr ra = use_fpr(a), rb = use_fpr(b);
  const Gpr d = alloc_gpr();
  masm_->fcmp_set(cond, w, d, ra, rb);
  free_value(a);
  free_value(b);
  push_reg(ValType::I32, d.code);
}

void Compiler::truncate_op(W to, bool to_signed, FW from, bool saturate) {
  Value a = pop();
  const Fpr ra = use_fpr(a);
  const Gpr d = alloc_gpr();
  Label invalid, overflow;
  if (!saturate) {
    invalid = trap_label(uint8_t(Trap::InvalidConversion));
    overflow = trap_label(uint8_t(Trap::IntegerOverflow));
  }
  masm_->trunc(to, to_signed, from, d, ra, invalid, overflow);
  free_value(a);
  push_reg(to == W::W32 ? ValType::I32 : ValType::I64, d.code);
}

void Compiler::convert_op(FW to, W from, bool from_signed) {
  Value a = pop();
  const Gpr ra = own_gpr(a);  // (may be clobbered)
  const Fpr d = alloc_fpr();
  masm_->convert(to, from, from_signed, d, ra);
  free_value(a);
  push_reg(to == FW::F32 ? ValType::F32 : ValType::F64, d.code);
}

void Compiler::reinterpret(ValType to) {
  Value a = pop();
  if (a.kind == Kind::Const) {
    push_const(to, a.bits);
    return;
  }
  if (is_float(to)) {
    const Gpr ra = use_gpr(a);
    const Fpr d = alloc_fpr();
    masm_->fpr_from_gpr(fwof(to), d, ra);
    free_value(a);
    push_reg(to, d.code);
  } else {
    const Fpr ra = use_fpr(a);
    const Gpr d = alloc_gpr();
    masm_->gpr_from_fpr(to == ValType::I32 ? FW::F32 : FW::F64, d, ra);
    free_value(a);
    push_reg(to, d.code);
  }
}


}  // namespace lvm::jit
