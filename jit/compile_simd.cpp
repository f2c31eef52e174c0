// SIMD instructions (spec 4.4.3, 4.4.7): v128 values live in Fprs, in
// 16-byte frame slots (a function where v128 values flow has 16-byte stack
// slots) and as two 64-bit slots in argument and result areas.
//
// v128.load, v128.store and v128.const are inline. The other loads and
// stores are a scalar load or store of the bytes they move plus a lane
// operation (v128.load8_splat is i32.load8_u then i8x16.splat; a lane
// store extracts the lane, then stores it), so bounds checks and fault
// sites are the scalar ones'. A lane operation is an inline sequence where
// the macro-assembler has one (x86-64: SSE4.1, jit/x64/simd_x64.cpp), else
// the generic path (simd_call: vm/simd.h's function for the opcode, on the
// host stack); both compute exactly what the interpreter does.
#include "jit/compiler.h"
#include "jit/runtime.h"
#include "jit/stubs.h"
#include "vm/trap.h"

namespace lvm::jit {

void Compiler::simd_call(Opcode op, uint32_t lane, std::span<const ValType> operands, uint64_t ximm,
                         ValType result) {
  MacroAssembler& a = *masm_;
  spill_all_regs();
  save_vhomes();
  const size_t n = operands.size(), first = stack_.size() - n;
  unsigned ptr = 2;  // the C arguments a, b, c
  bool x_set = false;
  for (size_t i = 0; i < n; ++i) {
    const Value& v = stack_[first + i];
    if (is_vec(v.type)) {
      a.lea(a.c_arg(ptr++), v.kind == Kind::Local ? local_addr(locals_[v.local]) : slot_addr(v.local));
    } else {
      const Gpr x = a.c_arg(5);
      if (is_float(v.type)) {
        store_value(v, slot_addr(first + i));
        a.load(W::W64, x, slot_addr(first + i), LoadKind::X64);
      } else {
        load_value(v, x.code);
      }
      x_set = true;
    }
  }
  if (!x_set) a.mov_imm(W::W64, a.c_arg(5), ximm);
  a.lea(a.c_arg(1), slot_addr(first));
  a.mov_imm(W::W64, a.c_arg(0), uint64_t(op) | uint64_t(lane) << 16);
  truncate(first);
  a.mov_imm(W::W64, Regs::scratch(), uint64_t(uintptr_t(&rt::simd_apply)));
  a.call_stub(stub_entry(kStubRuntime));
  reload_vhomes();
  stack_.push_back({result, Kind::Slot, 0, uint32_t(first), 0});
}

namespace {
constexpr ValType kV = ValType::V128, kI32 = ValType::I32, kI64 = ValType::I64;

// The bytes an extending, zero-filling or splatting load reads.
uint32_t load_bytes(Opcode op) {
  switch (op) {
    case Opcode::V128Load32Zero: case Opcode::V128Load32Splat: return 4;
    case Opcode::V128Load16Splat: return 2;
    case Opcode::V128Load8Splat: return 1;
    default: return 8;
  }
}

// The splatting load a scalar load followed by a splat of its value is.
Opcode splat_load(Opcode load, Opcode next) {
  switch (load) {
    case Opcode::I32Load: case Opcode::F32Load:
      return next == Opcode::I32x4Splat || next == Opcode::F32x4Splat ? Opcode::V128Load32Splat : Opcode::Nop;
    case Opcode::I64Load: case Opcode::F64Load:
      return next == Opcode::I64x2Splat || next == Opcode::F64x2Splat ? Opcode::V128Load64Splat : Opcode::Nop;
    case Opcode::I32Load16U: case Opcode::I32Load16S:
      return next == Opcode::I16x8Splat ? Opcode::V128Load16Splat : Opcode::Nop;
    case Opcode::I32Load8U: case Opcode::I32Load8S:
      return next == Opcode::I8x16Splat ? Opcode::V128Load8Splat : Opcode::Nop;
    default: return Opcode::Nop;
  }
}
}  // namespace

void Compiler::vector_load(Opcode op, uint64_t offset) {
  MacroAssembler& a = *masm_;
  Value addr = pop();
  Gpr ea_reg;
  bool guard;
  const Address at = bounds_checked(addr, offset, load_bytes(op), ea_reg, guard);
  const Fpr d = alloc_fpr();
  const uint32_t begin = uint32_t(a.offset());
  a.vload_op(op, d, at);
  if (guard) faults_.push_back({begin, uint32_t(a.offset())});
  free_value(addr);
  if (ea_reg.valid()) gpr_free_ |= 1u << ea_reg.code;
  push_reg(kV, d.code);
}

bool Compiler::fused_splat_load(Opcode op, CodeCursor& c) {
  // A scalar load whose value only feeds the splat right after it (clang
  // writes i32.load + i32x4.splat for a v128.load32_splat) is that load:
  // the bytes go straight into the vector (the splat's lanes are the
  // loaded value's bits, and the access and its trap are the same).
  CodeCursor peek = c;
  peek.u32();
  const uint64_t offset = peek.u32();
  const Opcode fused = splat_load(op, peek.opcode());
  if (fused == Opcode::Nop || !masm_->vload_inline(fused)) return false;
  c = peek;
  vector_load(fused, offset);
  return true;
}

void Compiler::simd(Opcode op, CodeCursor& c) {
  MacroAssembler& a = *masm_;
  const OpInfo& info = op_info(op);
  switch (op) {
    case Opcode::V128Const: {
      const uint64_t lo = c.fixed64(), hi = c.fixed64();
      const FprDest d = dest_fpr(kV, Fpr{});  // (straight into a local a set or tee writes)
      a.vconst(d.reg, lo, hi);
      push_dest(kV, d);
      return;
    }
    case Opcode::V128Load: {
      c.u32();  // alignment: a hint
      const uint64_t offset = c.u32();
      Value addr = pop();
      Gpr ea_reg;
      bool guard;
      const Address at = bounds_checked(addr, offset, 16, ea_reg, guard);
      const Fpr d = alloc_fpr();
      const uint32_t begin = uint32_t(a.offset());
      a.vload(d, at);
      if (guard) faults_.push_back({begin, uint32_t(a.offset())});
      free_value(addr);
      if (ea_reg.valid()) gpr_free_ |= 1u << ea_reg.code;
      push_reg(kV, d.code);
      return;
    }
    case Opcode::V128Store: {
      c.u32();
      const uint64_t offset = c.u32();
      Value v = pop(), addr = pop();
      const Fpr fv = use_fpr(v);
      Gpr ea_reg;
      bool guard;
      const Address at = bounds_checked(addr, offset, 16, ea_reg, guard);
      const uint32_t begin = uint32_t(a.offset());
      a.vstore(at, fv);
      if (guard) faults_.push_back({begin, uint32_t(a.offset())});
      free_value(v);
      mark_dirty(addr, offset);
      free_value(addr);
      if (ea_reg.valid()) gpr_free_ |= 1u << ea_reg.code;
      return;
    }
    // Loads that widen, zero-fill or splat: one access where the
    // macro-assembler has the sequence.
    case Opcode::V128Load8x8S: case Opcode::V128Load8x8U: case Opcode::V128Load16x4S:
    case Opcode::V128Load16x4U: case Opcode::V128Load32x2S: case Opcode::V128Load32x2U:
    case Opcode::V128Load64Zero: case Opcode::V128Load32Zero: case Opcode::V128Load8Splat:
    case Opcode::V128Load16Splat: case Opcode::V128Load32Splat: case Opcode::V128Load64Splat:
      if (a.vload_inline(op)) {
        c.u32();  // alignment: a hint
        vector_load(op, c.u32());
        return;
      }
      break;
    default: break;
  }
  switch (op) {
    // Else the bytes as a scalar, then the lanes.
    case Opcode::V128Load8x8S: case Opcode::V128Load8x8U: case Opcode::V128Load16x4S:
    case Opcode::V128Load16x4U: case Opcode::V128Load32x2S: case Opcode::V128Load32x2U:
    case Opcode::V128Load64Zero: {
      memory_access(Opcode::I64Load, c);
      const ValType t[] = {kI64};
      simd_call(op, 0, t, 0, kV);
      return;
    }
    case Opcode::V128Load32Zero: {
      memory_access(Opcode::I32Load, c);
      const ValType t[] = {kI32};
      simd_call(op, 0, t, 0, kV);
      return;
    }
    case Opcode::V128Load8Splat: case Opcode::V128Load16Splat: case Opcode::V128Load32Splat:
    case Opcode::V128Load64Splat: {
      const bool wide = op == Opcode::V128Load64Splat;
      memory_access(op == Opcode::V128Load8Splat    ? Opcode::I32Load8U
                    : op == Opcode::V128Load16Splat ? Opcode::I32Load16U
                    : wide                          ? Opcode::I64Load
                                                    : Opcode::I32Load,
                    c);
      const ValType t[] = {wide ? kI64 : kI32};
      simd_call(op == Opcode::V128Load8Splat    ? Opcode::I8x16Splat
                : op == Opcode::V128Load16Splat ? Opcode::I16x8Splat
                : wide                          ? Opcode::I64x2Splat
                                                : Opcode::I32x4Splat,
                0, t, 0, kV);
      return;
    }
    // A lane from memory: the scalar load below the vector, then replace_lane.
    case Opcode::V128Load8Lane: case Opcode::V128Load16Lane: case Opcode::V128Load32Lane:
    case Opcode::V128Load64Lane: {
      spill(stack_.size() - 1);  // (the vector waits in its slot)
      Value v = pop();
      const bool wide = op == Opcode::V128Load64Lane;
      memory_access(op == Opcode::V128Load8Lane    ? Opcode::I32Load8U
                    : op == Opcode::V128Load16Lane ? Opcode::I32Load16U
                    : wide                         ? Opcode::I64Load
                                                   : Opcode::I32Load,
                    c);
      const uint32_t lane = c.u8();
      stack_.push_back(v);
      const ValType t[] = {wide ? kI64 : kI32, kV};
      simd_call(op == Opcode::V128Load8Lane    ? Opcode::I8x16ReplaceLane
                : op == Opcode::V128Load16Lane ? Opcode::I16x8ReplaceLane
                : wide                         ? Opcode::I64x2ReplaceLane
                                               : Opcode::I32x4ReplaceLane,
                lane, t, 0, kV);
      return;
    }
    // A lane to memory: extract_lane, then the scalar store.
    case Opcode::V128Store8Lane: case Opcode::V128Store16Lane: case Opcode::V128Store32Lane:
    case Opcode::V128Store64Lane: {
      CodeCursor peek = c;
      peek.u32();
      peek.u32();
      const uint32_t lane = peek.u8();
      const bool wide = op == Opcode::V128Store64Lane;
      const ValType t[] = {kV};
      simd_call(op == Opcode::V128Store8Lane    ? Opcode::I8x16ExtractLaneU
                : op == Opcode::V128Store16Lane ? Opcode::I16x8ExtractLaneU
                : wide                          ? Opcode::I64x2ExtractLane
                                                : Opcode::I32x4ExtractLane,
                lane, t, 0, wide ? kI64 : kI32);
      memory_access(op == Opcode::V128Store8Lane    ? Opcode::I32Store8
                    : op == Opcode::V128Store16Lane ? Opcode::I32Store16
                    : wide                          ? Opcode::I64Store
                                                    : Opcode::I32Store,
                    c);
      c.u8();
      return;
    }
    case Opcode::I8x16Shuffle: {
      if (a.simd_inline(op)) {
        uint8_t pattern[16];
        for (uint8_t& b : pattern) b = c.u8();
        Value vb = pop(), va = pop();
        bool uses_b = false;
        for (uint8_t l : pattern) uses_b |= l >= 16;
        const Fpr fa = use_fpr(va);
        // (an operand no lane comes from is not loaded: clang's widening
        // shuffles name a vector twice)
        const Fpr fb = uses_b ? use_fpr(vb) : fa;
        const FprDest d = dest_fpr(kV, va.kind == Kind::Reg ? fa : Fpr{});
        a.simd_shuffle(d.reg, fa, fb, pattern);
        if (!(vb.kind == Kind::Reg && vb.reg == d.reg.code)) free_value(vb);
        push_dest(kV, d);
        return;
      }
      // The pattern is read where it sits in the module's code (which
      // lives as long as this code).
      const uint64_t pattern = uint64_t(uintptr_t(c.p));
      c.p += 16;
      const ValType t[] = {kV, kV};
      simd_call(op, 0, t, pattern, kV);
      return;
    }
    default: break;
  }
  uint32_t lane = 0;
  if (info.imm == ImmKind::Lane2 || info.imm == ImmKind::Lane4 || info.imm == ImmKind::Lane8 ||
      info.imm == ImmKind::Lane16)
    lane = c.u8();
  if (a.simd_inline(op)) {
    simd_inline(op, lane);
    return;
  }
  simd_call(op, lane, std::span<const ValType>(info.sig.params.data(), info.sig.nparams), 0, info.sig.results[0]);
}

void Compiler::simd_inline(Opcode op, uint32_t lane) {
  MacroAssembler& a = *masm_;
  const OpSignature& sig = op_info(op).sig;
  const ValType r = sig.results[0];
  if (sig.nparams == 3) {
    Value vc = pop(), vb = pop(), va = pop();
    const Fpr d = own_fpr(va), fb = use_fpr(vb), fc = use_fpr(vc);
    a.simd_vvv(op, d, fb, fc);
    free_value(vb);
    free_value(vc);
    push_reg(kV, d.code);
    return;
  }
  if (sig.nparams == 2) {
    if (sum_add(op)) return;
    Value x = pop(), v = pop();
    if (is_vec(x.type) && a.simd_vv3_ok(op)) {  // (no copy of a first operand that lives on)
      const Fpr l = use_fpr(v), r = use_fpr(x);
      const FprDest d = dest_fpr(kV, v, l, x, r);
      a.simd_vv3(op, d.reg, l, r);
      push_dest(kV, d);
      return;
    }
    const Fpr d = own_fpr(v);
    if (is_vec(x.type)) {
      a.simd_vv(op, d, use_fpr(x));
    } else if (is_float(x.type)) {
      a.simd_fpr(op, d, use_fpr(x), lane);  // replace_lane
    } else {
      a.simd_gpr(op, d, use_gpr(x), lane);  // replace_lane, shifts
    }
    free_value(x);
    push_reg(kV, d.code);
    return;
  }
  Value x = pop();
  if (is_vec(x.type) && is_vec(r)) {
    const Fpr d = own_fpr(x);
    a.simd_v(op, d);
    push_reg(kV, d.code);
  } else if (is_vec(x.type) && is_float(r)) {  // extract_lane
    const Fpr v = use_fpr(x), d = alloc_fpr();
    a.simd_fpr(op, d, v, lane);
    free_value(x);
    push_reg(r, d.code);
  } else if (is_vec(x.type)) {  // extract_lane, any_true, all_true, bitmask
    const Fpr v = use_fpr(x);
    const Gpr d = alloc_gpr();
    a.simd_to_gpr(op, d, v, lane);
    free_value(x);
    push_reg(r, d.code);
  } else if (is_float(x.type)) {  // splat
    const Fpr s = use_fpr(x), d = alloc_fpr();
    a.simd_fpr(op, d, s, 0);
    free_value(x);
    push_reg(kV, d.code);
  } else {  // splat
    const Gpr s = use_gpr(x);
    const Fpr d = alloc_fpr();
    a.simd_gpr(op, d, s, 0);
    free_value(x);
    push_reg(kV, d.code);
  }
}

}  // namespace lvm::jit
