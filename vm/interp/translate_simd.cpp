// The translator's SIMD instructions (spec 5.4.8): operands in slots as
// the scalar ones (a v128 takes two), lane indices, shuffle patterns and
// v128 constants as operand words. The handlers are exec_simd.inc's.
#include <cstring>

#include "vm/interp/translator.h"

namespace lvm::interp {

void Translator::simd(Opcode op, CodeCursor& c) {
  const OpInfo& info = op_info(op);
  const OpSignature& sig = info.sig;
  const IOp form = wasm_iop(op);
  auto words16 = [&](uint32_t out[4]) {
    uint8_t bytes[16];
    for (uint8_t& b : bytes) b = c.u8();
    std::memcpy(out, bytes, 16);
  };
  switch (info.imm) {
    case ImmKind::V128: {
      uint32_t w[4];
      words16(w);
      emit_result(form, ValType::V128, {next_slot(), w[0], w[1], w[2], w[3]});
      return;
    }
    case ImmKind::Shuffle: {
      uint32_t w[4];
      words16(w);
      Entry b = pop(), a = pop();
      const uint32_t la = loc(a), lb = loc(b);
      emit_result(form, ValType::V128, {a.canon, la, lb, w[0], w[1], w[2], w[3]});
      return;
    }
    case ImmKind::Lane2: case ImmKind::Lane4: case ImmKind::Lane8: case ImmKind::Lane16: {
      const uint32_t lane = c.u8();
      if (sig.nparams == 1) {  // extract_lane
        Entry v = pop();
        const uint32_t lv = loc(v);
        emit_result(form, sig.results[0], {v.canon, lv, lane});
      } else {  // replace_lane
        Entry x = pop(), v = pop();
        const uint32_t lv = loc(v), lx = loc(x);
        emit_result(form, ValType::V128, {v.canon, lv, lx, lane});
      }
      return;
    }
    case ImmKind::Mem1: case ImmKind::Mem2: case ImmKind::Mem4: case ImmKind::Mem8: case ImmKind::Mem16: {
      c.u32();  // alignment: a hint
      const uint32_t offset = c.u32();
      if (sig.nresults == 1) {  // a load: dst, address, offset
        Entry addr = pop();
        const uint32_t la = loc(addr);
        emit_result(form, ValType::V128, {addr.canon, la, offset});
      } else {  // v128.store: address, value, offset
        Entry v = pop(), addr = pop();
        const uint32_t la = loc(addr), lv = loc(v);
        const uint32_t at = emit(form);
        operand(la);
        operand(lv);
        operand(offset);
        end_instr(at);
      }
      return;
    }
    case ImmKind::MemLane1: case ImmKind::MemLane2: case ImmKind::MemLane4: case ImmKind::MemLane8: {
      c.u32();
      const uint32_t offset = c.u32();
      const uint32_t lane = c.u8();
      Entry v = pop(), addr = pop();
      const uint32_t la = loc(addr), lv = loc(v);
      if (sig.nresults == 1) {  // load lane: dst, address, v, offset, lane
        emit_result(form, ValType::V128, {addr.canon, la, lv, offset, lane});
      } else {  // store lane: address, v, offset, lane
        const uint32_t at = emit(form);
        operand(la);
        operand(lv);
        operand(offset);
        operand(lane);
        end_instr(at);
      }
      return;
    }
    default: break;
  }
  // No immediate: dst (the first operand's slots), then the operands.
  Entry e[3];
  for (int k = int(sig.nparams) - 1; k >= 0; --k) e[k] = pop();
  uint32_t l[3] = {};
  for (uint32_t k = 0; k < sig.nparams; ++k) l[k] = loc(e[k]);
  const uint32_t at = emit(form);
  const uint32_t pos = uint32_t(code_.size());
  operand(e[0].canon);
  for (uint32_t k = 0; k < sig.nparams; ++k) operand(l[k]);
  end_instr(at);
  push_temp(sig.results[0]);
  set_last_def(form, pos, e[0].canon);
}

}  // namespace lvm::interp
