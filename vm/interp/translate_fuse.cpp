// The translator's fusions of an instruction with the one (or two) just
// emitted into one internal instruction: each is decided when the second is
// translated, and pinned by tests/vm/interp_fusion_test.cpp (see the table in
// docs/design.md).
#include <array>
#include <iterator>

#include "vm/interp/translator.h"

namespace lvm::interp {

Translator::Entry* Translator::operand_beside_last_def(Entry& a, Entry& b) {
  auto produced = [&](const Entry& e) { return e.where == Where::Temp && last_def_is(e.canon); };
  Entry* other = produced(b) ? &a : produced(a) ? &b : nullptr;
  // A constant would need its code after the producer, which must stay last.
  return other && other->where != Where::Const ? other : nullptr;
}

bool Translator::fuse_load_after(Opcode op, Entry& a, Entry& b) {
  if (op != Opcode::F64Sub || a.where != Where::Temp || b.where != Where::Temp || !last_def_is(b.canon)) return false;
  const Def load = prev_def_;
  if (load.op != wasm_iop(Opcode::F64Load) || load.slot != a.canon) return false;
  const uint32_t load_start = load.pos - kHandlerWords, last_start = last_def_pos_ - kHandlerWords;
  const uint32_t addr = code_[load.pos + 1], offset = code_[load.pos + 2];
  // The load may move after the last instruction if no branch lands
  // between them, the last one does not read the loaded value (any
  // operand word equal to its slot counts) and does not write the address.
  if (barrier_ > load_start || b.canon == addr) return false;
  for (uint32_t k = last_def_pos_ + 1; k < code_.size(); ++k)
    if (code_[k] == a.canon) return false;
  std::vector<uint32_t> last(code_.begin() + last_start, code_.end());
  code_.resize(load_start);
  code_.insert(code_.end(), last.begin(), last.end());
  forget_last_def();
  prev_def_ = {};
  add_run_ = add_run_end_ = UINT32_MAX;
  copies_ = consts_ = {};
  emit_result(IOp::F64RSubLoad, ValType::F64, {a.canon, b.canon, addr, offset});
  return true;
}

bool Translator::fuse_load(Opcode op, Entry& a, Entry& b) {
  IOp fused = IOp::Count;
  Opcode load = Opcode::Nop;
  bool commutative = false;
  IOp fused_r = IOp::Count, fused_i = IOp::Count;
  switch (op) {
#define X(name, l, comm)               \
  case Opcode::name:                   \
    fused = IOp::name##Load;           \
    fused_r = IOp::name##LoadAddR;     \
    fused_i = IOp::name##LoadAddI;     \
    load = Opcode::l;                  \
    commutative = comm;                \
    break;
    LVM_INTERP_LOAD_OPS(X)
#undef X
    default: return false;
  }
  // The loaded value must be the operand just produced by that load, with
  // a plain address or one folded from an add; for i32 operators also an
  // 8/16-bit load (plain address), extended as the load would.
  IOp narrow = IOp::Count;
#define X(o, l, c, M) \
  if (op == Opcode::o && last_def_op_ == wasm_iop(Opcode::l)) narrow = IOp::o##With##l;
  LVM_INTERP_NARROW_LOAD_OPS(X)
#undef X
  if (narrow != IOp::Count) fused = narrow;
  const auto [load_r, load_i] = add_forms(load);
  const bool plain = last_def_op_ == wasm_iop(load) || narrow != IOp::Count;
  const bool add_r = last_def_op_ == load_r, add_i = last_def_op_ == load_i;
  auto loaded = [&](const Entry& e) {
    return e.where == Where::Temp && last_def_is(e.canon) && (plain || add_r || add_i);
  };
  const bool swap = !loaded(b);
  if (swap && (!commutative || !loaded(a))) return false;
  Entry& other = swap ? b : a;
  // A constant operand would need code after the load: leave it to the
  // immediate forms.
  if (other.where == Where::Const) return false;
  // The load's address operands: (address, offset) or (p, q or immediate, offset).
  const auto addr = take_last_def(plain ? 2 : 3);
  const uint32_t dst = a.canon;  // the lower of the two stack positions
  const uint32_t lo = loc(other);
  const ValType result = op_info(op).sig.results[0];
  if (plain)
    emit_result(fused, result, {dst, lo, addr[0], addr[1]});
  else
    emit_result(add_r ? fused_r : fused_i, result, {dst, lo, addr[0], addr[1], addr[2]});
  return true;
}

bool Translator::fuse_mul_add(Opcode op, Entry& a, Entry& b) {
  IOp mul, fused;
  if (op == Opcode::I32Add) {
    mul = wasm_iop(Opcode::I32Mul);
    fused = IOp::I32MulAdd;
  } else if (op == Opcode::I64Add) {
    mul = wasm_iop(Opcode::I64Mul);
    fused = IOp::I64MulAdd;
  } else {
    return false;
  }
  if (last_def_op_ != mul) return false;
  Entry* other = operand_beside_last_def(a, b);
  if (!other) return false;
  const auto [x, y, unused] = take_last_def(2);
  const uint32_t dst = a.canon;
  emit_result(fused, op_info(op).sig.results[0], {dst, x, y, loc(*other)});
  return true;
}

bool Translator::fuse_shift(Opcode op, Entry& a, Entry& b) {
  // Which shifts-by-immediate this operator can absorb, and into what: both
  // in LVM_INTERP_SHIFTS_FOR's order.
#define SHIFT_IMM(op, sh) IOp::sh##Imm,
  static constexpr IOp kShifts[] = {LVM_INTERP_SHIFTS_FOR(SHIFT_IMM, I32Add)};
#undef SHIFT_IMM
#define SHIFT_FORM(op, sh) IOp::op##With##sh,
#define FORMS(op)                                                                 \
  case Opcode::op: {                                                              \
    static constexpr IOp f[] = {LVM_INTERP_SHIFTS_FOR(SHIFT_FORM, op)};          \
    forms = f;                                                                    \
    break;                                                                        \
  }
  const IOp* forms = nullptr;
  switch (op) {
    FORMS(I32Add)
    FORMS(I32Xor)
    FORMS(I32Or)
    FORMS(I32And)
    default: return false;
  }
#undef FORMS
#undef SHIFT_FORM
  int which = -1;
  for (int k = 0; k < int(std::size(kShifts)); ++k)
    if (last_def_op_ == kShifts[k]) which = k;
  if (which < 0) return false;
  // All four operators are commutative: the shifted value may be either side.
  Entry* other = operand_beside_last_def(a, b);
  if (!other) return false;
  const auto [x, k, unused] = take_last_def(2);
  const uint32_t dst = a.canon;
  if (op == Opcode::I32Xor && fuse_rotate_xor(*other, forms[which], dst, x, k)) return true;
  emit_result(forms[which], ValType::I32, {dst, loc(*other), x, k});
  return true;
}

bool Translator::fuse_add_rotate_xor(Opcode op, Entry& a, Entry& b) {
  if (op != Opcode::I32Add) return false;
  const bool rotl = last_def_op_ == IOp::I32XorRotlRotlRotl;
  if (!rotl && last_def_op_ != IOp::I32XorRotlRotlShrU) return false;
  Entry* other = operand_beside_last_def(a, b);  // add is commutative
  if (!other) return false;
  uint32_t w[4];
  for (uint32_t k = 0; k < 4; ++k) w[k] = code_[last_def_pos_ + 1 + k];
  take_last_def(0);
  emit_result(rotl ? IOp::I32AddOfXorRotlRotlRotl : IOp::I32AddOfXorRotlRotlShrU, ValType::I32,
              {a.canon, loc(*other), w[0], w[1], w[2], w[3]});
  return true;
}

bool Translator::fuse_rotate_xor(const Entry& other, IOp form, uint32_t dst, uint32_t x, uint32_t k) {
  if (other.where != Where::Temp || !last_def_is(other.canon)) return false;
  if (code_[last_def_pos_ + 1] != x) return false;  // rotates of another value
  if (last_def_op_ == IOp::I32RotlImm && form == IOp::I32XorWithI32Rotl) {
    const uint32_t k0 = take_last_def(2)[1];
    emit_result(IOp::I32XorRotlRotl, ValType::I32, {dst, x, k0, k});
    return true;
  }
  if (last_def_op_ == IOp::I32XorRotlRotl && (form == IOp::I32XorWithI32Rotl || form == IOp::I32XorWithI32ShrU)) {
    const auto [x0, k0, k1] = take_last_def(3);
    emit_result(form == IOp::I32XorWithI32Rotl ? IOp::I32XorRotlRotlRotl : IOp::I32XorRotlRotlShrU, ValType::I32,
                {dst, x0, k0, k1, k});
    return true;
  }
  return false;
}

bool Translator::fuse_f64_product(Opcode op, Entry& a, Entry& b) {
  if (op != Opcode::F64Add && op != Opcode::F64Mul && op != Opcode::F64Sub) return false;
  if (last_def_op_ != wasm_iop(Opcode::F64Mul)) return false;
  Entry* other = operand_beside_last_def(a, b);
  if (!other) return false;
  const bool product_right = other == &a;
  IOp form = op == Opcode::F64Add   ? IOp::F64AddMul
             : op == Opcode::F64Mul ? IOp::F64MulMul
             : product_right        ? IOp::F64SubMul
                                    : IOp::F64MulSub;
  const auto [x, y, unused] = take_last_def(2);
  const uint32_t dst = a.canon;
  emit_result(form, ValType::F64, {dst, loc(*other), x, y});
  return true;
}

bool Translator::fuse_alu2(Opcode op, Entry& a, Entry& b) {
  IOp form = IOp::Count;
#define X(o, inner) \
  if (op == Opcode::o && last_def_op_ == wasm_iop(Opcode::inner)) form = IOp::o##Of##inner;
  LVM_INTERP_ALU2_OPS(X)
#undef X
  if (form == IOp::Count) return false;
  // The four outer operators are commutative: the inner result may be either side.
  Entry* other = operand_beside_last_def(a, b);
  if (!other) return false;
  const auto [x, y, unused] = take_last_def(2);
  const uint32_t dst = a.canon;
  emit_result(form, ValType::I32, {dst, loc(*other), x, y});
  return true;
}

bool Translator::fuse_rmw(Opcode store, const Entry& addr, const Entry& value, uint32_t offset) {
  if (value.where != Where::Temp || !last_def_is(value.canon) || addr.where == Where::Const) return false;
  IOp rmw = IOp::Count;
  Opcode load = Opcode::Nop;
  switch (uint16_t(last_def_op_)) {
#define X(name, l, comm)                \
  case uint16_t(IOp::name##Load):       \
    rmw = IOp::name##Rmw;               \
    load = Opcode::l;                   \
    break;
    LVM_INTERP_LOAD_OPS(X)
#undef X
    case uint16_t(IOp::F64RSubLoad):
      rmw = IOp::F64RSubRmw;
      load = Opcode::F64Load;
      break;
    default: return false;
  }
  // The store must write the loaded type back to the very address read:
  // same address slot, same offset, and the result must not have replaced
  // the address (dst == address slot).
  static constexpr std::pair<Opcode, Opcode> kStoreOf[] = {{Opcode::I32Load, Opcode::I32Store},
                                                           {Opcode::I64Load, Opcode::I64Store},
                                                           {Opcode::F32Load, Opcode::F32Store},
                                                           {Opcode::F64Load, Opcode::F64Store}};
  bool same_type = false;
  for (auto [l, s] : kStoreOf) same_type |= l == load && s == store;
  const uint32_t start = last_def_pos_ - kHandlerWords;
  const uint32_t dst = code_[start + kHandlerWords], a = code_[start + kHandlerWords + 1];
  const uint32_t mem_addr = code_[start + kHandlerWords + 2], mem_offset = code_[start + kHandlerWords + 3];
  const uint32_t store_addr = addr.where == Where::Local ? addr.local : addr.canon;
  if (!same_type || store_addr != mem_addr || offset != mem_offset || dst == mem_addr) return false;
  if (rmw == IOp::F64AddRmw && fuse_axpy(start, a, mem_addr, mem_offset)) return true;
  code_.resize(start);
  forget_last_def();
  uint32_t at = emit(rmw);
  operand(a);
  operand(mem_addr);
  operand(mem_offset);
  end_instr(at);
  return true;
}

bool Translator::fuse_axpy(uint32_t rmw_start, uint32_t a, uint32_t addr, uint32_t offset) {
  // The F64AddLoad at rmw_start adds temporary `a`, which the instruction
  // right before must have computed as x * mem[...] (and nothing else may
  // read: a stack temporary is consumed once).
  const Def& d = prev_def_;
  if (d.op == IOp::Count || d.slot != a || a < local_slots_) return false;
  IOp form;
  uint32_t words;  // x, the address operands and offset of the product's load
  if (d.op == IOp::F64MulLoad) form = IOp::F64MulLoadAddRmw, words = 3;
  else if (d.op == IOp::F64MulLoadAddI) form = IOp::F64MulLoadAddIAddRmw, words = 4;
  else if (d.op == IOp::F64MulLoadAddR) form = IOp::F64MulLoadAddRAddRmw, words = 4;
  else return false;
  if (d.pos + 1 + words > rmw_start || addr == a) return false;
  std::array<uint32_t, 4> ops{};
  for (uint32_t k = 0; k < words; ++k) ops[k] = code_[d.pos + 1 + k];
  code_.resize(d.pos - kHandlerWords);
  forget_last_def();
  const uint32_t at = emit(form);
  for (uint32_t k = 0; k < words; ++k) operand(ops[k]);
  operand(addr);
  operand(offset);
  end_instr(at);
  return true;
}

bool Translator::fuse_sign_extend(Opcode op, const Entry& a, const Entry& b) {
  if (b.where != Where::Const || a.where != Where::Temp || !last_def_is(a.canon)) return false;
  const bool i32 = op == Opcode::I32ShrS;
  if (!i32 && op != Opcode::I64ShrS) return false;
  if (last_def_op_ != (i32 ? IOp::I32ShlImm : IOp::I64ShlImm)) return false;
  const uint32_t bits = i32 ? 32 : 64;
  const uint32_t k = uint32_t(b.value) & (bits - 1);
  if ((code_[last_def_pos_ + 2] & (bits - 1)) != k) return false;
  Opcode ext;
  switch (bits - k) {
    case 8: ext = i32 ? Opcode::I32Extend8S : Opcode::I64Extend8S; break;
    case 16: ext = i32 ? Opcode::I32Extend16S : Opcode::I64Extend16S; break;
    case 32:
      if (i32) return false;
      ext = Opcode::I64Extend32S;
      break;
    default: return false;
  }
  const uint32_t x = take_last_def(1)[0];
  emit_result(wasm_iop(ext), i32 ? ValType::I32 : ValType::I64, {a.canon, x});
  return true;
}

}  // namespace lvm::interp
