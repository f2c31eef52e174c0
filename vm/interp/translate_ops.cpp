// Translation of everything but control flow: variables, constants,
// numeric operators, memory, tables and references.
#include "vm/interp/translator.h"

#include <iterator>

namespace lvm::interp {

namespace {
bool has_imm_form(Opcode op) {
  switch (op) {
#define X(name) case Opcode::name:
    LVM_INTERP_IMM_OPS(X)
#undef X
    return true;
    default: return false;
  }
}
IOp imm_form(Opcode op) {
  switch (op) {
#define X(name) case Opcode::name: return IOp::name##Imm;
    LVM_INTERP_IMM_OPS(X)
#undef X
    default: return IOp::Unreachable;
  }
}
}  // namespace

void Translator::unsupported(Opcode op, CodeCursor& c) {
  c.skip(op_info(op).imm);
  uint32_t at = emit(IOp::TrapUnsupported);
  operand(uint32_t(op));
  end_instr(at);
  dead_ = true;
}

namespace {
std::pair<IOp, IOp> add_forms(Opcode op);
}  // namespace

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
  auto product = [&](const Entry& e) { return e.where == Where::Temp && last_def_is(e.canon) && last_def_op_ == mul; };
  const bool swap = !product(b);
  if (swap && !product(a)) return false;
  Entry& other = swap ? b : a;
  if (other.where == Where::Const) return false;  // its constant would need code after the mul
  const auto [x, y, unused] = take_last_def(2);
  const uint32_t dst = a.canon;
  emit_result(fused, op_info(op).sig.results[0], {dst, x, y, loc(other)});
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
  auto shifted = [&](const Entry& e) { return e.where == Where::Temp && last_def_is(e.canon); };
  // All four operators are commutative: the shifted value may be either side.
  const bool swap = !shifted(b);
  if (swap && !shifted(a)) return false;
  Entry& other = swap ? b : a;
  if (other.where == Where::Const) return false;  // its constant would need code after the shift
  const auto [x, k, unused] = take_last_def(2);
  const uint32_t dst = a.canon;
  if (op == Opcode::I32Xor && fuse_rotate_xor(other, forms[which], dst, x, k)) return true;
  emit_result(forms[which], ValType::I32, {dst, loc(other), x, k});
  return true;
}

bool Translator::fuse_add_rotate_xor(Opcode op, Entry& a, Entry& b) {
  if (op != Opcode::I32Add) return false;
  const bool rotl = last_def_op_ == IOp::I32XorRotlRotlRotl;
  if (!rotl && last_def_op_ != IOp::I32XorRotlRotlShrU) return false;
  auto fused = [&](const Entry& e) { return e.where == Where::Temp && last_def_is(e.canon); };
  const bool swap = !fused(b);  // add is commutative
  if (swap && !fused(a)) return false;
  Entry& other = swap ? b : a;
  if (other.where == Where::Const) return false;  // its constant would need code after the xor
  uint32_t w[4];
  for (uint32_t k = 0; k < 4; ++k) w[k] = code_[last_def_pos_ + 1 + k];
  take_last_def(0);
  emit_result(rotl ? IOp::I32AddOfXorRotlRotlRotl : IOp::I32AddOfXorRotlRotlShrU, ValType::I32,
              {a.canon, loc(other), w[0], w[1], w[2], w[3]});
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
  auto product = [&](const Entry& e) { return e.where == Where::Temp && last_def_is(e.canon); };
  const bool product_right = product(b);
  if (!product_right && !product(a)) return false;
  Entry& other = product_right ? a : b;
  if (other.where == Where::Const) return false;  // its constant would need code after the product
  IOp form = op == Opcode::F64Add   ? IOp::F64AddMul
             : op == Opcode::F64Mul ? IOp::F64MulMul
             : product_right        ? IOp::F64SubMul
                                    : IOp::F64MulSub;
  const auto [x, y, unused] = take_last_def(2);
  const uint32_t dst = a.canon;
  emit_result(form, ValType::F64, {dst, loc(other), x, y});
  return true;
}

bool Translator::fuse_alu2(Opcode op, Entry& a, Entry& b) {
  IOp form = IOp::Count;
#define X(o, inner) \
  if (op == Opcode::o && last_def_op_ == wasm_iop(Opcode::inner)) form = IOp::o##Of##inner;
  LVM_INTERP_ALU2_OPS(X)
#undef X
  if (form == IOp::Count) return false;
  auto inner = [&](const Entry& e) { return e.where == Where::Temp && last_def_is(e.canon); };
  // The four outer operators are commutative: the inner result may be either side.
  const bool inner_right = inner(b);
  if (!inner_right && !inner(a)) return false;
  Entry& other = inner_right ? a : b;
  if (other.where == Where::Const) return false;  // its constant would need code after the inner op
  const auto [x, y, unused] = take_last_def(2);
  const uint32_t dst = a.canon;
  emit_result(form, ValType::I32, {dst, loc(other), x, y});
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

void Translator::numeric(Opcode op) {
  const OpSignature& sig = op_info(op).sig;
  uint32_t dst;
  if (sig.nparams == 2) {
    Entry b = pop();
    Entry a = pop();
    if (fuse_load_after(op, a, b)) return;
    if (fuse_load(op, a, b)) return;
    if (fuse_mul_add(op, a, b)) return;
    if (fuse_shift(op, a, b)) return;
    if (fuse_f64_product(op, a, b)) return;
    if (fuse_alu2(op, a, b)) return;
    if (fuse_add_rotate_xor(op, a, b)) return;
    dst = a.canon;
    if (op == Opcode::I32And && b.where == Where::Const && a.where == Where::Temp && last_def_is(a.canon) &&
        last_def_op_ == IOp::I32ShrUImm) {
      const auto [x, k, unused] = take_last_def(2);
      emit_result(IOp::I32ShrUAndImm, ValType::I32, {dst, x, k, uint32_t(b.value)});
      return;
    }
    if (fuse_sign_extend(op, a, b)) return;
    if (b.where == Where::Const && has_imm_form(op)) {
      uint32_t la = loc(a);
      uint32_t at = emit(imm_form(op));
      uint32_t pos = uint32_t(code_.size());
      operand(dst);
      operand(la);
      operand(uint32_t(b.value));
      if (sig.params[0] == ValType::I64) operand(uint32_t(b.value >> 32));
      end_instr(at);
      set_last_def(imm_form(op), pos, dst);
    } else {
      uint32_t la = loc(a), lb = loc(b);
      uint32_t at = emit(wasm_iop(op));
      uint32_t pos = uint32_t(code_.size());
      operand(dst);
      operand(la);
      operand(lb);
      end_instr(at);
      set_last_def(wasm_iop(op), pos, dst);
    }
  } else {
    Entry a = pop();
    dst = a.canon;
    uint32_t la = loc(a);
    uint32_t at = emit(wasm_iop(op));
    uint32_t pos = uint32_t(code_.size());
    operand(dst);
    operand(la);
    end_instr(at);
    set_last_def(wasm_iop(op), pos, dst);
  }
  push_temp(sig.results[0]);
}

namespace {
// The constant-value forms of a store: plain, AddR and AddI addresses.
struct StoreImmForms {
  IOp plain, add_r, add_i;
};
StoreImmForms store_imm_forms(Opcode op) {
  switch (op) {
#define LOAD(name, S, M)
#define STORE(name, S, M) case Opcode::name: return {IOp::name##Imm, IOp::name##AddRImm, IOp::name##AddIImm};
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
    default: return {IOp::Count, IOp::Count, IOp::Count};
  }
}

// The AddR / AddI forms of a load or store.
std::pair<IOp, IOp> add_forms(Opcode op) {
  switch (op) {
#define LOAD(name, S, M) case Opcode::name: return {IOp::name##AddR, IOp::name##AddI};
#define STORE(name, S, M) LOAD(name, S, M)
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
    default: return {IOp::Count, IOp::Count};
  }
}
}  // namespace

bool Translator::take_address_add(const Entry& addr, IOp& form, uint32_t& a, uint32_t& b, Opcode op) {
  if (addr.where != Where::Temp || !last_def_is(addr.canon)) return false;
  const bool reg = last_def_op_ == wasm_iop(Opcode::I32Add);
  if (!reg && last_def_op_ != IOp::I32AddImm) return false;
  const uint32_t start = last_def_pos_ - kHandlerWords;
  a = code_[start + kHandlerWords + 1];
  b = code_[start + kHandlerWords + 2];
  auto [r, i] = add_forms(op);
  form = reg ? r : i;
  code_.resize(start);
  forget_last_def();
  return true;
}

void Translator::memory_access(Opcode op, CodeCursor& c) {
  c.u32();  // alignment: a hint only
  uint32_t offset = c.u32();
  const OpSignature& sig = op_info(op).sig;
  IOp form;
  uint32_t a, b;
  if (sig.nresults == 1) {  // load
    Entry addr = pop();
    if (take_address_add(addr, form, a, b, op)) {
      emit_result(form, sig.results[0], {addr.canon, a, b, offset});
      return;
    }
    uint32_t la = loc(addr);
    emit_result(wasm_iop(op), sig.results[0], {addr.canon, la, offset});
  } else {  // store
    Entry value = pop();
    Entry addr = pop();
    if (fuse_rmw(op, addr, value, offset)) return;
    if (value.where == Where::Const) {
      // The constant travels in the instruction: no slot, no extra dispatch.
      const StoreImmForms f = store_imm_forms(op);
      const uint32_t lo = uint32_t(value.value), hi = uint32_t(value.value >> 32);
      uint32_t at;
      if (take_address_add(addr, form, a, b, op)) {
        at = emit(form == add_forms(op).first ? f.add_r : f.add_i);
        operand(a);
        operand(b);
      } else {
        const uint32_t la = loc(addr);
        at = emit(f.plain);
        operand(la);
      }
      operand(lo);
      operand(hi);
      operand(offset);
      end_instr(at);
      return;
    }
    // The value is pushed after the address: only a value that needs no
    // code (a local, a constant) leaves the address's add as the last
    // instruction. A constant is written to its slot after the add is
    // taken out, which changes nothing the add reads.
    if (value.where != Where::Temp && take_address_add(addr, form, a, b, op)) {
      uint32_t lv = loc(value);
      uint32_t at = emit(form);
      operand(a);
      operand(b);
      operand(lv);
      operand(offset);
      end_instr(at);
      return;
    }
    uint32_t la = loc(addr), lv = loc(value);
    uint32_t at = emit(wasm_iop(op));
    operand(la);
    operand(lv);
    operand(offset);
    end_instr(at);
  }
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

void Translator::merge_add_into_run(uint32_t start) {
  // `start` is an I32AddImm just retargeted to a local; it is the last
  // instruction. Join the previous run if nothing jumps between them.
  if (add_run_end_ == start && add_run_ >= barrier_ && start >= barrier_) {
    const uint32_t d = code_[start + kHandlerWords], a = code_[start + kHandlerWords + 1],
                   imm = code_[start + kHandlerWords + 2];
    code_.resize(start);
    uint32_t at = add_run_;
    if (handler_at(&code_[at]) == handler_table()[size_t(IOp::I32AddImm)]) {
      const uint32_t d0 = code_[at + kHandlerWords], a0 = code_[at + kHandlerWords + 1],
                     i0 = code_[at + kHandlerWords + 2];
      code_.resize(at);
      emit(IOp::I32AddImmMany);
      operand(1);
      operand(d0);
      operand(a0);
      operand(i0);
    } else if (code_.size() - at > kHandlerWords + 1 + 3 * code_[at + kHandlerWords]) {
      code_.pop_back();  // the padding word
    }
    ++code_[at + kHandlerWords];
    operand(d);
    operand(a);
    operand(imm);
    end_instr(at);
    add_run_end_ = uint32_t(code_.size());
    forget_last_def();  // the add is no longer an instruction of its own
    return;
  }
  add_run_ = start;
  add_run_end_ = uint32_t(code_.size());
}

void Translator::local_set(uint32_t index, bool tee, bool branch_next) {
  Entry v = pop();
  const uint32_t slot = local_slot_[index];
  const ValType t = local_type_[index];
  if (before_first_loop_) {
    if (entry_zero_[index] && v.where == Where::Const && v.value == 0 && t != ValType::V128) {
      forget_last_def();
      if (tee) push_local(t, slot);
      return;  // it is zero already
    }
    entry_zero_[index] = false;
  }
  if (v.where == Where::Temp && last_def_is(v.canon)) {
    // The producer can write the local directly. Stack entries still
    // reading the local's old value are copied out first, in front of the
    // producer (which only ever reads the local before writing it): a
    // label there changes nothing, as those entries were pushed after it.
    const uint32_t start = last_def_pos_ - kHandlerWords;
    std::vector<uint32_t> producer(code_.begin() + start, code_.end());
    code_.resize(start);
    preserve_local(slot);
    const uint32_t moved = uint32_t(code_.size()) - start;
    code_.insert(code_.end(), producer.begin(), producer.end());
    code_[last_def_pos_ + moved] = slot;
    if (last_def_op_ == IOp::I32AddImm) {
      if (branch_next) {
        // Kept on its own for emit_cond_branch to fuse with the branch.
        add_run_ = add_run_end_ = UINT32_MAX;
        tee_add_ = start + moved + kHandlerWords;
      } else {
        merge_add_into_run(start + moved);
      }
    }
  } else if (v.where == Where::Const) {
    preserve_local(slot);
    emit_const(t, slot, v.value);
  } else {
    preserve_local(slot);
    uint32_t src = v.where == Where::Local ? v.local : v.canon;
    if (src != slot) emit_copy(t, slot, src);
  }
  forget_last_def();
  if (tee) {
    push_local(t, slot);
    if (tee_add_ != UINT32_MAX) set_last_def(IOp::I32AddImm, tee_add_, slot);
    tee_add_ = UINT32_MAX;
  }
}

void Translator::instruction(Opcode op, CodeCursor& c) {
  if (dead_) {
    // Unreachable code: only the block structure matters.
    switch (op) {
      case Opcode::Block: case Opcode::Loop: case Opcode::If: block(op, c); return;
      case Opcode::Else: else_(); return;
      case Opcode::End: end(); return;
      default: c.skip(op_info(op).imm); return;
    }
  }
  switch (op) {
    case Opcode::Unreachable: {
      uint32_t at = emit(IOp::Unreachable);
      end_instr(at);
      dead_ = true;
      return;
    }
    case Opcode::Nop: return;
    case Opcode::Block: case Opcode::Loop: case Opcode::If: block(op, c); return;
    case Opcode::Else: else_(); return;
    case Opcode::End: end(); return;
    case Opcode::Br: br(c.u32()); return;
    case Opcode::BrIf: br_if(c.u32()); return;
    case Opcode::BrTable: br_table(c); return;
    case Opcode::Return: return_(); return;
    case Opcode::Call: call(c.u32()); return;
    case Opcode::CallIndirect: {
      uint32_t type = c.u32();
      call_indirect(type, c.u32());
      return;
    }
    case Opcode::Drop: pop(); return;
    case Opcode::Select: case Opcode::SelectT: {
      if (op == Opcode::SelectT) c.skip(ImmKind::SelectT);
      Entry cond = pop();
      Entry b = pop();
      Entry a = pop();
      uint32_t la = loc(a), lb = loc(b), lc = loc(cond);
      emit_result(a.type == ValType::V128 ? IOp::Select128 : IOp::Select, a.type, {a.canon, la, lb, lc});
      return;
    }
    case Opcode::LocalGet: {
      uint32_t i = c.u32();
      push_local(local_type_[i], local_slot_[i]);
      return;
    }
    case Opcode::LocalSet: local_set(c.u32(), false); return;
    case Opcode::LocalTee: {
      const uint32_t index = c.u32();
      // A tee whose value a br_if or if tests next: keep an add producing
      // it apart so emit_cond_branch can fuse the two.
      local_set(index, true, *c.p == op_info(Opcode::BrIf).code || *c.p == op_info(Opcode::If).code);
      return;
    }
    case Opcode::GlobalGet: {
      uint32_t g = c.u32();
      ValType t = m_.globals[g].type.type;
      emit_result(t == ValType::V128 ? IOp::GlobalGet128 : IOp::GlobalGet, t, {next_slot(), g});
      return;
    }
    case Opcode::GlobalSet: {
      uint32_t g = c.u32();
      Entry v = pop();
      uint32_t lv = loc(v);
      uint32_t at = emit(v.type == ValType::V128 ? IOp::GlobalSet128 : IOp::GlobalSet);
      operand(g);
      operand(lv);
      end_instr(at);
      return;
    }
    case Opcode::I32Const: push_const(ValType::I32, uint32_t(int32_t(c.sleb()))); return;
    case Opcode::I64Const: push_const(ValType::I64, uint64_t(c.sleb())); return;
    case Opcode::F32Const: push_const(ValType::F32, c.fixed32()); return;
    case Opcode::F64Const: push_const(ValType::F64, c.fixed64()); return;
    case Opcode::RefNull: push_const(ValType(c.u8()), 0); return;
    case Opcode::RefIsNull: {
      Entry a = pop();
      uint32_t la = loc(a);
      emit_result(IOp::RefIsNull, ValType::I32, {a.canon, la});
      return;
    }
    case Opcode::RefFunc: {
      uint32_t f = c.u32();
      emit_result(IOp::RefFunc, ValType::FuncRef, {next_slot(), f});
      return;
    }
    case Opcode::MemorySize: {
      c.u8();
      emit_result(IOp::MemorySize, ValType::I32, {next_slot()});
      return;
    }
    case Opcode::MemoryGrow: {
      c.u8();
      Entry d = pop();
      uint32_t ld = loc(d);
      emit_result(IOp::MemoryGrow, ValType::I32, {d.canon, ld});
      return;
    }
    default: break;
  }
  // Instructions with three operands and no result, and the table ones.
  auto pop3 = [&](uint32_t out[3]) {
    Entry n = pop(), s = pop(), d = pop();
    out[0] = loc(d);
    out[1] = loc(s);
    out[2] = loc(n);
  };
  switch (op) {
    case Opcode::MemoryInit: {
      uint32_t seg = c.u32();
      c.u8();
      uint32_t o[3];
      pop3(o);
      uint32_t at = emit(IOp::MemoryInit);
      operand(seg);
      for (uint32_t w : o) operand(w);
      end_instr(at);
      return;
    }
    case Opcode::DataDrop: case Opcode::ElemDrop: {
      uint32_t seg = c.u32();
      uint32_t at = emit(op == Opcode::DataDrop ? IOp::DataDrop : IOp::ElemDrop);
      operand(seg);
      end_instr(at);
      return;
    }
    case Opcode::MemoryCopy: case Opcode::MemoryFill: {
      c.skip(op_info(op).imm);
      uint32_t o[3];
      pop3(o);
      uint32_t at = emit(op == Opcode::MemoryCopy ? IOp::MemoryCopy : IOp::MemoryFill);
      for (uint32_t w : o) operand(w);
      end_instr(at);
      return;
    }
    case Opcode::TableInit: case Opcode::TableCopy: {
      uint32_t a = c.u32(), b = c.u32();
      uint32_t o[3];
      pop3(o);
      // table.init elem table / table.copy dst src: operands (table, segment)
      // or (dst table, src table).
      uint32_t at = emit(op == Opcode::TableInit ? IOp::TableInit : IOp::TableCopy);
      operand(op == Opcode::TableInit ? b : a);
      operand(op == Opcode::TableInit ? a : b);
      for (uint32_t w : o) operand(w);
      end_instr(at);
      return;
    }
    case Opcode::TableGet: {
      uint32_t t = c.u32();
      Entry i = pop();
      uint32_t li = loc(i);
      emit_result(IOp::TableGet, m_.tables[t].type.elem, {i.canon, t, li});
      return;
    }
    case Opcode::TableSet: {
      uint32_t t = c.u32();
      Entry v = pop(), i = pop();
      uint32_t li = loc(i), lv = loc(v);
      uint32_t at = emit(IOp::TableSet);
      operand(t);
      operand(li);
      operand(lv);
      end_instr(at);
      return;
    }
    case Opcode::TableSize: {
      uint32_t t = c.u32();
      emit_result(IOp::TableSize, ValType::I32, {next_slot(), t});
      return;
    }
    case Opcode::TableGrow: {
      uint32_t t = c.u32();
      Entry n = pop(), init = pop();
      uint32_t linit = loc(init), ln = loc(n);
      emit_result(IOp::TableGrow, ValType::I32, {init.canon, t, linit, ln});
      return;
    }
    case Opcode::TableFill: {
      uint32_t t = c.u32();
      Entry n = pop(), v = pop(), i = pop();
      uint32_t li = loc(i), lv = loc(v), ln = loc(n);
      uint32_t at = emit(IOp::TableFill);
      operand(t);
      operand(li);
      operand(lv);
      operand(ln);
      end_instr(at);
      return;
    }
    default: break;
  }
  const OpInfo& info = op_info(op);
  if (!has_wasm_handler(op)) {
    unsupported(op, c);
    return;
  }
  switch (info.imm) {
    case ImmKind::Mem1: case ImmKind::Mem2: case ImmKind::Mem4: case ImmKind::Mem8:
      memory_access(op, c);
      return;
    default:
      numeric(op);
      return;
  }
}

}  // namespace lvm::interp
