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

// The <load>Abs / <store>Abs form of a load or store.
IOp abs_form(Opcode op) {
  switch (op) {
#define LOAD(name, S, M) case Opcode::name: return IOp::name##Abs;
#define STORE(name, S, M) LOAD(name, S, M)
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
    default: return IOp::Count;
  }
}
}  // namespace

bool Translator::constant_address(const Entry& base, uint32_t offset, uint32_t& ea) {
  if (base.where != Where::Const) return false;
  const uint64_t a = uint64_t(uint32_t(base.value)) + offset;
  if (a > UINT32_MAX) return false;
  ea = uint32_t(a);
  return true;
}

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
    uint32_t ea;
    if (constant_address(addr, offset, ea)) {
      emit_result(abs_form(op), sig.results[0], {addr.canon, ea});
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
    uint32_t ea;
    if (constant_address(addr, offset, ea)) {
      const uint32_t lv = loc(value);
      const uint32_t at = emit(abs_form(op));
      operand(lv);
      operand(ea);
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
  if (info.feature == Feature::Simd) {
    simd(op, c);
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
