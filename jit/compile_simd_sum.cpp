// Add chains into a v128 local (jit/compiler.h's PendingSum): clang writes
// a vectorised reduction unrolled by four as
//
//   local.get $acc  <x1> i32x4.add  <x2> i32x4.add  ...  local.set $acc
//
// which, compiled as written, makes every term's add wait for the one
// before it: a loop-carried chain of four adds per iteration, which bounds
// the loop (bytecount_simd in `make bench`). The terms are summed first,
// beside the local, and the local added once when the chain ends.
#include "jit/compiler.h"

namespace lvm::jit {

namespace {
bool lane_add(Opcode op) {
  return op == Opcode::I8x16Add || op == Opcode::I16x8Add || op == Opcode::I32x4Add || op == Opcode::I64x2Add;
}
}  // namespace

bool Compiler::sum_keeps(Opcode op, const CodeCursor& c) const {
  const size_t n = stack_.size();
  // The instruction's `k` operands all sit above the pending entry.
  auto above = [&](size_t k) { return sum_.pos + k < n; };
  switch (op) {
    case Opcode::LocalGet: case Opcode::I32Const: case Opcode::I64Const: return true;
    case Opcode::LocalSet: case Opcode::LocalTee: {
      CodeCursor p = c;
      const uint32_t i = p.u32();
      if (i == sum_.local) return sum_.pos + 1 == n;  // the sum into its local (sum_set)
      return above(1);
    }
    case Opcode::I32Add: case Opcode::I32Sub: case Opcode::I32Mul: case Opcode::I32And: case Opcode::I32Or:
    case Opcode::I32Xor: case Opcode::I32Shl: case Opcode::I32ShrS: case Opcode::I32ShrU:
    case Opcode::I64Add: case Opcode::I64Sub: case Opcode::I64Mul: case Opcode::I64And: case Opcode::I64Or:
    case Opcode::I64Xor: case Opcode::I64Shl: case Opcode::I64ShrS: case Opcode::I64ShrU:
      return above(2);
#define LOAD(name, slot, mem) case Opcode::name:
#define STORE(name, slot, mem)
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
    case Opcode::V128Load:
      return above(1);
    case Opcode::V128Const: return true;
    default: break;
  }
  if (op_info(op).feature != Feature::Simd) return false;
  if (op == sum_.op) return true;  // a step of the sum, or an add above it (sum_add)
  if (masm_->vload_inline(op)) return above(1);
  if (op == Opcode::I8x16Shuffle) return masm_->simd_inline(op) && above(2);
  if (!masm_->simd_inline(op)) return false;  // (the generic path spills and calls)
  return above(op_info(op).sig.nparams);
}

void Compiler::settle_sum() {
  sum_.active = false;
  masm_->simd_vv(sum_.op, Fpr{stack_[sum_.pos].reg}, Fpr{locals_[sum_.local].reg});
}

bool Compiler::sum_add(Opcode op) {
  if (!lane_add(op)) return false;
  const size_t n = stack_.size();
  if (sum_.active) {
    // One more term: into the terms' register.
    if (op != sum_.op || sum_.pos + 2 < n) return false;
    Value other = sum_.pos == n - 1 ? stack_[n - 2] : stack_[n - 1];
    const Fpr s{stack_[sum_.pos].reg};
    stack_.pop_back();
    stack_.pop_back();
    const Fpr o = use_fpr(other);
    masm_->simd_vv(op, s, o);
    free_value(other);
    push_reg(ValType::V128, s.code);
    sum_.pos = n - 2;
    ++sum_.terms;
    return true;
  }
  // A new sum: a local homed in a register plus a register of its own.
  auto homed_local = [&](const Value& v) {
    return v.kind == Kind::Local && in_register(locals_[v.local]) && is_vec(locals_[v.local].type);
  };
  const Value l = stack_[n - 2], r = stack_[n - 1];
  const Value* acc = homed_local(l) && r.kind == Kind::Reg ? &l : homed_local(r) && l.kind == Kind::Reg ? &r : nullptr;
  if (!acc) return false;
  const uint8_t terms = (acc == &l ? r : l).reg;
  stack_.pop_back();
  stack_.pop_back();
  push_reg(ValType::V128, terms);
  sum_ = {true, n - 2, acc->local, op, 1};
  return true;
}

bool Compiler::sum_set(uint32_t i, bool tee) {
  if (i != sum_.local || sum_.pos + 1 != stack_.size()) return false;
  const Value v = pop();
  sum_.active = false;
  preserve_local(i);  // (entries still reading the old value get it first)
  masm_->simd_vv(sum_.op, Fpr{locals_[i].reg}, Fpr{v.reg});
  free_value(v);
  if (sum_.terms > 1) ++sums_;
  if (tee) local_get(i);
  return true;
}

}  // namespace lvm::jit
