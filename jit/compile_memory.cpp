// Memory, globals, select, tables and references (spec 4.4.3-4.4.7). In a
// guarded reservation a load or store is one instruction whose fault means
// out of bounds (its code range is recorded for jit/signals.h); in a small
// slot it first checks its range against memory 0's size in the context.
// Stores mark the granule they write, as the interpreter's do.
#include "jit/compiler.h"
#include "jit/runtime.h"
#include "vm/memory.h"
#include "vm/trap.h"

namespace lvm::jit {

namespace {
struct MemOp {
  unsigned bytes;
  bool store;
  ValType type;
  LoadKind kind;
};
MemOp mem_op(Opcode op) {
  switch (op) {
    case Opcode::I32Load: return {4, false, ValType::I32, LoadKind::U32};
    case Opcode::I64Load: return {8, false, ValType::I64, LoadKind::X64};
    case Opcode::F32Load: return {4, false, ValType::F32, LoadKind::U32};
    case Opcode::F64Load: return {8, false, ValType::F64, LoadKind::X64};
    case Opcode::I32Load8S: return {1, false, ValType::I32, LoadKind::S8};
    case Opcode::I32Load8U: return {1, false, ValType::I32, LoadKind::U8};
    case Opcode::I32Load16S: return {2, false, ValType::I32, LoadKind::S16};
    case Opcode::I32Load16U: return {2, false, ValType::I32, LoadKind::U16};
    case Opcode::I64Load8S: return {1, false, ValType::I64, LoadKind::S8};
    case Opcode::I64Load8U: return {1, false, ValType::I64, LoadKind::U8};
    case Opcode::I64Load16S: return {2, false, ValType::I64, LoadKind::S16};
    case Opcode::I64Load16U: return {2, false, ValType::I64, LoadKind::U16};
    case Opcode::I64Load32S: return {4, false, ValType::I64, LoadKind::S32};
    case Opcode::I64Load32U: return {4, false, ValType::I64, LoadKind::U32};
    case Opcode::I32Store: return {4, true, ValType::I32, LoadKind::U32};
    case Opcode::I64Store: return {8, true, ValType::I64, LoadKind::X64};
    case Opcode::F32Store: return {4, true, ValType::F32, LoadKind::U32};
    case Opcode::F64Store: return {8, true, ValType::F64, LoadKind::X64};
    case Opcode::I32Store8: return {1, true, ValType::I32, LoadKind::U8};
    case Opcode::I32Store16: return {2, true, ValType::I32, LoadKind::U16};
    case Opcode::I64Store8: return {1, true, ValType::I64, LoadKind::U8};
    case Opcode::I64Store16: return {2, true, ValType::I64, LoadKind::U16};
    case Opcode::I64Store32: return {4, true, ValType::I64, LoadKind::U32};
    default: return {0, false, ValType::Bottom, LoadKind::U8};
  }
}
constexpr uint64_t kDispMax = uint64_t(INT32_MAX) - 16;
// A guarded reservation covers every 32-bit address plus an offset below
// 4 GiB; offsets up to here are also within a displacement's reach.
static_assert(LinearMemory::kReservation >= (uint64_t(1) << 32) + kDispMax + 16);
}  // namespace

Address Compiler::bounds_checked(Value& addr, uint64_t offset, unsigned bytes, Gpr& ea_reg, bool& guard_fault) {
  MacroAssembler& a = *masm_;
  const Gpr s = Regs::scratch();
  ea_reg = Gpr{};
  guard_fault = false;
  if (mode_ == MemoryMode::Guarded && offset + bytes <= kDispMax) {
    guard_fault = true;
    if (addr.kind == Kind::Const && uint64_t(uint32_t(addr.bits)) + offset <= kDispMax)
      return Address{Regs::mem(), Gpr{}, 1, int32_t(uint32_t(addr.bits) + offset)};
    return Address{Regs::mem(), use_gpr(addr), 1, int32_t(offset)};
  }
  const Label oob = trap_label(uint8_t(Trap::MemoryOutOfBounds));
  if (addr.kind == Kind::Const) {
    const uint64_t ea = uint64_t(uint32_t(addr.bits)) + offset;
    if (ea + bytes <= kDispMax) {
      a.mov_imm(W::W64, s, ea + bytes);
      a.cmp_mem(W::W64, s, a.ctx(Ctx::mem_size()));
      a.branch(Cond::GtU, oob);
      return Address{Regs::mem(), Gpr{}, 1, int32_t(ea)};
    }
  }
  const Gpr ra = use_gpr(addr);
  if (offset + bytes <= kDispMax) {
    a.lea(s, Address{ra, Gpr{}, 1, int32_t(offset + bytes)});
    a.cmp_mem(W::W64, s, a.ctx(Ctx::mem_size()));
    a.branch(Cond::GtU, oob);
    return Address{Regs::mem(), ra, 1, int32_t(offset)};
  }
  // An offset beyond the displacement's reach: the address in a register.
  const Gpr t = alloc_gpr();
  a.mov_imm(W::W64, t, offset);
  a.alu(IntOp::Add, W::W64, t, t, ra);
  a.lea(s, Address{t, Gpr{}, 1, int32_t(bytes)});
  a.cmp_mem(W::W64, s, a.ctx(Ctx::mem_size()));
  a.branch(Cond::GtU, oob);
  ea_reg = t;
  return Address{Regs::mem(), t, 1, 0};
}

void Compiler::mark_dirty(Value& addr, uint64_t offset) {
  if (!track_writes_) return;
  MacroAssembler& a = *masm_;
  const Gpr s = Regs::scratch();
  const Gpr t = alloc_gpr();
  a.load_ptr(t, a.ctx(Ctx::dirty()));
  if (addr.kind == Kind::Const && uint64_t(uint32_t(addr.bits)) + offset <= kDispMax) {
    const uint64_t granule = (uint64_t(uint32_t(addr.bits)) + offset) >> LinearMemory::kDirtyShift;
    a.store_imm(Address{t, Gpr{}, 1, int32_t(granule)}, 1, 1);
  } else {
    const Gpr ra = use_gpr(addr);
    if (offset <= kDispMax) {
      a.lea(s, Address{ra, Gpr{}, 1, int32_t(offset)});
    } else {
      a.mov_imm(W::W64, s, offset);
      a.alu(IntOp::Add, W::W64, s, s, ra);
    }
    a.shift_imm(ShiftOp::ShrU, W::W64, s, s, LinearMemory::kDirtyShift);
    a.store_imm(Address{t, s, 1, 0}, 1, 1);
  }
  gpr_free_ |= 1u << t.code;
}

void Compiler::memory_access(Opcode op, CodeCursor& c) {
  MacroAssembler& a = *masm_;
  c.u32();  // alignment: a hint
  const uint64_t offset = c.u32();
  const MemOp mo = mem_op(op);
  if (!mo.store) {
    Value addr = pop();
    Gpr ea_reg;
    bool guard;
    const Address at = bounds_checked(addr, offset, mo.bytes, ea_reg, guard);
    if (is_float(mo.type)) {
      const FprDest d = dest_fpr(mo.type, Fpr{});
      const uint32_t begin = uint32_t(a.offset());
      a.fload(fwof(mo.type), d.reg, at);
      if (guard) faults_.push_back({begin, uint32_t(a.offset())});
      push_dest(mo.type, d);
    } else {
      const GprDest d = dest_gpr(mo.type, Gpr{});
      const uint32_t begin = uint32_t(a.offset());
      a.load(wof(mo.type), d.reg, at, mo.kind);
      if (guard) faults_.push_back({begin, uint32_t(a.offset())});
      push_dest(mo.type, d);
    }
    free_value(addr);
    if (ea_reg.valid()) gpr_free_ |= 1u << ea_reg.code;
    return;
  }
  Value v = pop(), addr = pop();
  // The value in a register (or an immediate) first; then the check, which
  // uses the scratch register, then the store.
  bool imm = false;
  Gpr rv;
  Fpr fv;
  if (v.kind == Kind::Const && (mo.bytes < 8 || int64_t(v.bits) == int64_t(int32_t(v.bits)))) imm = true;
  else if (is_float(v.type)) fv = use_fpr(v);
  else rv = use_gpr(v);
  Gpr ea_reg;
  bool guard;
  const Address at = bounds_checked(addr, offset, mo.bytes, ea_reg, guard);
  const uint32_t begin = uint32_t(a.offset());
  if (imm) a.store_imm(at, v.bits, mo.bytes);
  else if (is_float(v.type)) a.fstore(fwof(v.type), at, fv);
  else a.store(at, rv, mo.bytes);
  if (guard) faults_.push_back({begin, uint32_t(a.offset())});
  free_value(v);
  mark_dirty(addr, offset);
  free_value(addr);
  if (ea_reg.valid()) gpr_free_ |= 1u << ea_reg.code;
}

void Compiler::global_get(uint32_t i) {
  MacroAssembler& a = *masm_;
  const ValType t = m_.globals[i].type.type;
  const Gpr p = alloc_gpr();
  a.load_ptr(p, a.ctx(Ctx::globals()));
  a.load_ptr(p, Address{p, Gpr{}, 1, int32_t(8 * i)});
  if (is_vec(t)) {  // (GlobalInst::value: 16 bytes)
    const Fpr d = alloc_fpr();
    a.vload(d, Address{p, Gpr{}, 1, 0});
    gpr_free_ |= 1u << p.code;
    push_reg(t, d.code);
    return;
  }
  if (is_float(t)) {
    const Fpr d = alloc_fpr();
    a.fload(fwof(t), d, Address{p, Gpr{}, 1, 0});
    gpr_free_ |= 1u << p.code;
    push_reg(t, d.code);
  } else {
    a.load(wof(t), p, Address{p, Gpr{}, 1, 0}, t == ValType::I32 ? LoadKind::U32 : LoadKind::X64);
    push_reg(t, p.code);
  }
}

void Compiler::global_set(uint32_t i) {
  MacroAssembler& a = *masm_;
  Value v = pop();
  if (is_vec(v.type)) {
    const Fpr f = use_fpr(v);
    const Gpr p = alloc_gpr();
    a.load_ptr(p, a.ctx(Ctx::globals()));
    a.load_ptr(p, Address{p, Gpr{}, 1, int32_t(8 * i)});
    a.vstore(Address{p, Gpr{}, 1, 0}, f);
    gpr_free_ |= 1u << p.code;
    free_value(v);
    return;
  }
  // The whole 64-bit word is written, as the interpreter writes its slot.
  Gpr rv;
  bool owned = false;
  if (is_float(v.type)) {
    const Fpr f = use_fpr(v);
    rv = alloc_gpr();
    owned = true;
    a.gpr_from_fpr(fwof(v.type), rv, f);
  } else if (v.kind != Kind::Const) {
    rv = use_gpr(v);
  }
  const Gpr p = alloc_gpr();
  a.load_ptr(p, a.ctx(Ctx::globals()));
  a.load_ptr(p, Address{p, Gpr{}, 1, int32_t(8 * i)});
  if (!rv.valid()) a.store_imm(Address{p, Gpr{}, 1, 0}, v.type == ValType::I32 ? uint32_t(v.bits) : v.bits, 8);
  else a.store(Address{p, Gpr{}, 1, 0}, rv, 8);
  gpr_free_ |= 1u << p.code;
  if (owned) gpr_free_ |= 1u << rv.code;
  free_value(v);
}

void Compiler::select_() {
  MacroAssembler& a = *masm_;
  Value cond = pop(), b = pop(), av = pop();
  if (cond.kind == Kind::Const) {
    Value keep = uint32_t(cond.bits) ? av : b;
    free_value(uint32_t(cond.bits) ? b : av);
    stack_.push_back(keep);
    if (keep.kind == Kind::Slot) {
      // Its slot is that of its old position; the result's is lower.
      stack_.pop_back();
      if (in_fpr(keep.type)) {
        const Fpr r = own_fpr(keep);
        push_reg(keep.type, r.code);
      } else {
        const Gpr r = own_gpr(keep);
        push_reg(keep.type, r.code);
      }
    }
    return;
  }
  if (in_fpr(av.type)) {  // (fselect moves whole registers: v128 too)
    const Fpr fa = own_fpr(av), fb = use_fpr(b);
    const Gpr rc = use_gpr(cond);
    a.test(W::W32, rc);
    a.fselect(fa, fb, Cond::Eq);
    free_value(b);
    free_value(cond);
    push_reg(av.type, fa.code);
    return;
  }
  const Gpr ra = own_gpr(av), rb = use_gpr(b), rc = use_gpr(cond);
  a.test(W::W32, rc);
  a.cmov(Cond::Eq, wof(av.type), ra, rb);
  free_value(b);
  free_value(cond);
  push_reg(av.type, ra.code);
}

bool Compiler::misc(Opcode op, CodeCursor& c) {
  MacroAssembler& a = *masm_;
  switch (op) {
    case Opcode::MemorySize: {
      c.u8();
      const Gpr d = alloc_gpr();
      a.load(W::W64, d, a.ctx(Ctx::mem_size()), LoadKind::X64);
      a.shift_imm(ShiftOp::ShrU, W::W64, d, d, 16);
      push_reg(ValType::I32, d.code);
      return true;
    }
    case Opcode::MemoryGrow:
      c.u8();
      call_runtime(reinterpret_cast<const void*>(&rt::memory_grow), {}, 1, false, ValType::I32);
      return true;
    case Opcode::MemoryInit: {
      const uint32_t seg = c.u32();
      c.u8();
      call_runtime(reinterpret_cast<const void*>(&rt::memory_init), {seg}, 3, true);
      return true;
    }
    case Opcode::DataDrop:
      call_runtime(reinterpret_cast<const void*>(&rt::data_drop), {c.u32()}, 0, false);
      return true;
    case Opcode::MemoryCopy:
      c.u8();
      c.u8();
      call_runtime(reinterpret_cast<const void*>(&rt::memory_copy), {}, 3, true);
      return true;
    case Opcode::MemoryFill:
      c.u8();
      call_runtime(reinterpret_cast<const void*>(&rt::memory_fill), {}, 3, true);
      return true;
    case Opcode::TableGet: {
      const uint32_t t = c.u32();
      call_runtime(reinterpret_cast<const void*>(&rt::table_get), {t}, 1, true, m_.tables[t].type.elem);
      return true;
    }
    case Opcode::TableSet:
      call_runtime(reinterpret_cast<const void*>(&rt::table_set), {c.u32()}, 2, true);
      return true;
    case Opcode::TableSize:
      call_runtime(reinterpret_cast<const void*>(&rt::table_size), {c.u32()}, 0, false, ValType::I32);
      return true;
    case Opcode::TableGrow:
      call_runtime(reinterpret_cast<const void*>(&rt::table_grow), {c.u32()}, 2, false, ValType::I32);
      return true;
    case Opcode::TableFill:
      call_runtime(reinterpret_cast<const void*>(&rt::table_fill), {c.u32()}, 3, true);
      return true;
    case Opcode::TableCopy: {
      const uint32_t dt = c.u32(), st = c.u32();
      call_runtime(reinterpret_cast<const void*>(&rt::table_copy), {dt, st}, 3, true);
      return true;
    }
    case Opcode::TableInit: {
      const uint32_t seg = c.u32(), t = c.u32();
      call_runtime(reinterpret_cast<const void*>(&rt::table_init), {seg, t}, 3, true);
      return true;
    }
    case Opcode::ElemDrop:
      call_runtime(reinterpret_cast<const void*>(&rt::elem_drop), {c.u32()}, 0, false);
      return true;
    case Opcode::RefNull: push_const(ValType(c.u8()), 0); return true;
    case Opcode::RefIsNull: {
      Value v = pop();
      const Gpr r = use_gpr(v);
      a.test(W::W64, r);
      const Gpr d = v.kind == Kind::Reg ? r : alloc_gpr();
      a.set_cc(Cond::Eq, d);
      push_reg(ValType::I32, d.code);
      return true;
    }
    case Opcode::RefFunc: {
      const uint32_t f = c.u32();
      const Gpr d = alloc_gpr();
      a.load_ptr(d, a.ctx(Ctx::funcs()));
      a.load_ptr(d, Address{d, Gpr{}, 1, int32_t(8 * f)});
      push_reg(ValType::FuncRef, d.code);
      return true;
    }
    default: return false;
  }
}

}  // namespace lvm::jit
