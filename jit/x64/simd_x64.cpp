// The SIMD lane operations as SSE4.1 sequences (jit/x64/simd_x64.h; AVX2
// broadcasts for the splatting loads and AVX-512 mask compares for the
// integer compares SSE lacks, where the CPU has them). Each
// computes what vm/simd.h defines, NaN bit patterns included: the float
// operations used here give per lane what the scalar SSE instructions give
// the interpreter's C++ (the same first-operand NaN propagation); where
// wasm's rules need more than one instruction (f32x4.min and max, the
// unsigned conversions, i64x2.mul...) there is no inline sequence and the
// compiler takes the generic path.
#include "jit/x64/simd_x64.h"

#include "jit/x64/cpu_x64.h"

namespace lvm::jit::x64 {

namespace {
using namespace asmjit;
namespace x = asmjit::x86;
using Id = x::Inst::Id;
const x::Xmm s15 = x::xmm15;
const x::Gp r11 = x::r11;

// An operation's SSE instruction (destructive, `d = d op b`) and its AVX
// (VEX) form, which writes a third register: `d = a op b`.
struct Form {
  Id sse = x::Inst::kIdNone, vex = x::Inst::kIdNone;
  explicit operator bool() const { return sse != x::Inst::kIdNone; }
};
#define I(sse, vex) Form{x::Inst::kId##sse, x::Inst::kIdV##vex}
// Binary operations that are one instruction `d = d op b`.
Form one_instruction(Opcode op) {
  switch (op) {
    case Opcode::I8x16Add: return I(Paddb, paddb);
    case Opcode::I16x8Add: return I(Paddw, paddw);
    case Opcode::I32x4Add: return I(Paddd, paddd);
    case Opcode::I64x2Add: return I(Paddq, paddq);
    case Opcode::I8x16Sub: return I(Psubb, psubb);
    case Opcode::I16x8Sub: return I(Psubw, psubw);
    case Opcode::I32x4Sub: return I(Psubd, psubd);
    case Opcode::I64x2Sub: return I(Psubq, psubq);
    case Opcode::I16x8Mul: return I(Pmullw, pmullw);
    case Opcode::I32x4Mul: return I(Pmulld, pmulld);
    case Opcode::V128And: return I(Pand, pand);
    case Opcode::V128Or: return I(Por, por);
    case Opcode::V128Xor: return I(Pxor, pxor);
    case Opcode::I8x16AddSatS: return I(Paddsb, paddsb);
    case Opcode::I8x16AddSatU: return I(Paddusb, paddusb);
    case Opcode::I16x8AddSatS: return I(Paddsw, paddsw);
    case Opcode::I16x8AddSatU: return I(Paddusw, paddusw);
    case Opcode::I8x16SubSatS: return I(Psubsb, psubsb);
    case Opcode::I8x16SubSatU: return I(Psubusb, psubusb);
    case Opcode::I16x8SubSatS: return I(Psubsw, psubsw);
    case Opcode::I16x8SubSatU: return I(Psubusw, psubusw);
    case Opcode::I8x16MinS: return I(Pminsb, pminsb);
    case Opcode::I8x16MinU: return I(Pminub, pminub);
    case Opcode::I8x16MaxS: return I(Pmaxsb, pmaxsb);
    case Opcode::I8x16MaxU: return I(Pmaxub, pmaxub);
    case Opcode::I16x8MinS: return I(Pminsw, pminsw);
    case Opcode::I16x8MinU: return I(Pminuw, pminuw);
    case Opcode::I16x8MaxS: return I(Pmaxsw, pmaxsw);
    case Opcode::I16x8MaxU: return I(Pmaxuw, pmaxuw);
    case Opcode::I32x4MinS: return I(Pminsd, pminsd);
    case Opcode::I32x4MinU: return I(Pminud, pminud);
    case Opcode::I32x4MaxS: return I(Pmaxsd, pmaxsd);
    case Opcode::I32x4MaxU: return I(Pmaxud, pmaxud);
    case Opcode::I8x16AvgrU: return I(Pavgb, pavgb);
    case Opcode::I16x8AvgrU: return I(Pavgw, pavgw);
    case Opcode::I8x16Eq: return I(Pcmpeqb, pcmpeqb);
    case Opcode::I16x8Eq: return I(Pcmpeqw, pcmpeqw);
    case Opcode::I32x4Eq: return I(Pcmpeqd, pcmpeqd);
    case Opcode::I64x2Eq: return I(Pcmpeqq, pcmpeqq);
    case Opcode::I8x16GtS: return I(Pcmpgtb, pcmpgtb);
    case Opcode::I16x8GtS: return I(Pcmpgtw, pcmpgtw);
    case Opcode::I32x4GtS: return I(Pcmpgtd, pcmpgtd);
    case Opcode::F32x4Add: return I(Addps, addps);
    case Opcode::F32x4Sub: return I(Subps, subps);
    case Opcode::F32x4Mul: return I(Mulps, mulps);
    case Opcode::F32x4Div: return I(Divps, divps);
    case Opcode::F64x2Add: return I(Addpd, addpd);
    case Opcode::F64x2Sub: return I(Subpd, subpd);
    case Opcode::F64x2Mul: return I(Mulpd, mulpd);
    case Opcode::F64x2Div: return I(Divpd, divpd);
    case Opcode::I8x16NarrowI16x8S: return I(Packsswb, packsswb);
    case Opcode::I8x16NarrowI16x8U: return I(Packuswb, packuswb);
    case Opcode::I16x8NarrowI32x4S: return I(Packssdw, packssdw);
    case Opcode::I16x8NarrowI32x4U: return I(Packusdw, packusdw);
    case Opcode::I32x4DotI16x8S: return I(Pmaddwd, pmaddwd);
    default: return {};
  }
}

// `d = b op d` forms (the operands swapped): `a < b` is `b > a`, pmin/pmax
// are minps/maxps with b first (x86's min returns its second operand when
// the compare fails, wasm's pmin its first).
Form swapped(Opcode op) {
  switch (op) {
    case Opcode::I8x16LtS: return I(Pcmpgtb, pcmpgtb);
    case Opcode::I16x8LtS: return I(Pcmpgtw, pcmpgtw);
    case Opcode::I32x4LtS: return I(Pcmpgtd, pcmpgtd);
    case Opcode::F32x4Pmin: return I(Minps, minps);
    case Opcode::F32x4Pmax: return I(Maxps, maxps);
    case Opcode::F64x2Pmin: return I(Minpd, minpd);
    case Opcode::F64x2Pmax: return I(Maxpd, maxpd);
    case Opcode::V128Andnot: return I(Pandn, pandn);  // ~b & a
    default: return {};
  }
}
#undef I

// Negated: `a != b` is not `a == b`, `a <= b` (signed) not `a > b`, ...
Opcode negation(Opcode op) {
  switch (op) {
    case Opcode::I8x16Ne: return Opcode::I8x16Eq;
    case Opcode::I16x8Ne: return Opcode::I16x8Eq;
    case Opcode::I32x4Ne: return Opcode::I32x4Eq;
    case Opcode::I64x2Ne: return Opcode::I64x2Eq;
    case Opcode::I8x16LeS: return Opcode::I8x16GtS;
    case Opcode::I16x8LeS: return Opcode::I16x8GtS;
    case Opcode::I32x4LeS: return Opcode::I32x4GtS;
    case Opcode::I8x16GeS: return Opcode::I8x16LtS;
    case Opcode::I16x8GeS: return Opcode::I16x8LtS;
    case Opcode::I32x4GeS: return Opcode::I32x4LtS;
    case Opcode::I8x16LtU: return Opcode::I8x16GeU;
    case Opcode::I16x8LtU: return Opcode::I16x8GeU;
    case Opcode::I32x4LtU: return Opcode::I32x4GeU;
    case Opcode::I8x16GtU: return Opcode::I8x16LeU;
    case Opcode::I16x8GtU: return Opcode::I16x8LeU;
    case Opcode::I32x4GtU: return Opcode::I32x4LeU;
    default: return op;
  }
}

// Unsigned `a <= b` is `min(a, b) == a`, `a >= b` is `max(a, b) == a`.
struct MinMaxCmp {
  Id minmax, eq;
};
MinMaxCmp unsigned_compare(Opcode op) {
  switch (op) {
    case Opcode::I8x16LeU: return {x::Inst::kIdPminub, x::Inst::kIdPcmpeqb};
    case Opcode::I16x8LeU: return {x::Inst::kIdPminuw, x::Inst::kIdPcmpeqw};
    case Opcode::I32x4LeU: return {x::Inst::kIdPminud, x::Inst::kIdPcmpeqd};
    case Opcode::I8x16GeU: return {x::Inst::kIdPmaxub, x::Inst::kIdPcmpeqb};
    case Opcode::I16x8GeU: return {x::Inst::kIdPmaxuw, x::Inst::kIdPcmpeqw};
    case Opcode::I32x4GeU: return {x::Inst::kIdPmaxud, x::Inst::kIdPcmpeqd};
    default: return {x::Inst::kIdNone, x::Inst::kIdNone};
  }
}

// Integer lane compares that SSE has no one instruction for (the unsigned
// ones, ne, le, ge, signed lt) as AVX-512 compares into a mask register
// (vpcmp predicates: 1 lt, 2 le, 4 ne, 5 ge, 6 gt) and the mask back to
// lanes of ones and zeros: two instructions instead of three to five.
struct MaskCmp {
  Id cmp = x::Inst::kIdNone, to_lanes = x::Inst::kIdNone;
  uint8_t pred = 0;
};
MaskCmp mask_compare(Opcode op) {
  constexpr Id b = x::Inst::kIdVpcmpb, ub = x::Inst::kIdVpcmpub, w = x::Inst::kIdVpcmpw, uw = x::Inst::kIdVpcmpuw,
               d = x::Inst::kIdVpcmpd, ud = x::Inst::kIdVpcmpud, q = x::Inst::kIdVpcmpq;
  constexpr Id mb = x::Inst::kIdVpmovm2b, mw = x::Inst::kIdVpmovm2w, md = x::Inst::kIdVpmovm2d,
               mq = x::Inst::kIdVpmovm2q;
  switch (op) {
    case Opcode::I8x16Ne: return {b, mb, 4};
    case Opcode::I8x16LtS: return {b, mb, 1};
    case Opcode::I8x16LtU: return {ub, mb, 1};
    case Opcode::I8x16GtU: return {ub, mb, 6};
    case Opcode::I8x16LeS: return {b, mb, 2};
    case Opcode::I8x16LeU: return {ub, mb, 2};
    case Opcode::I8x16GeS: return {b, mb, 5};
    case Opcode::I8x16GeU: return {ub, mb, 5};
    case Opcode::I16x8Ne: return {w, mw, 4};
    case Opcode::I16x8LtS: return {w, mw, 1};
    case Opcode::I16x8LtU: return {uw, mw, 1};
    case Opcode::I16x8GtU: return {uw, mw, 6};
    case Opcode::I16x8LeS: return {w, mw, 2};
    case Opcode::I16x8LeU: return {uw, mw, 2};
    case Opcode::I16x8GeS: return {w, mw, 5};
    case Opcode::I16x8GeU: return {uw, mw, 5};
    case Opcode::I32x4Ne: return {d, md, 4};
    case Opcode::I32x4LtS: return {d, md, 1};
    case Opcode::I32x4LtU: return {ud, md, 1};
    case Opcode::I32x4GtU: return {ud, md, 6};
    case Opcode::I32x4LeS: return {d, md, 2};
    case Opcode::I32x4LeU: return {ud, md, 2};
    case Opcode::I32x4GeS: return {d, md, 5};
    case Opcode::I32x4GeU: return {ud, md, 5};
    case Opcode::I64x2Ne: return {q, mq, 4};
    case Opcode::I64x2LtS: return {q, mq, 1};
    case Opcode::I64x2LeS: return {q, mq, 2};
    case Opcode::I64x2GeS: return {q, mq, 5};
    default: return {};
  }
}

// Float compares as cmpps/cmppd predicates (gt and ge swap the operands).
struct FloatCmp {
  Id inst = x::Inst::kIdNone;
  uint8_t pred = 0;
  bool swap = false;
};
FloatCmp float_compare(Opcode op) {
  switch (op) {
    case Opcode::F32x4Eq: return {x::Inst::kIdCmpps, 0, false};
    case Opcode::F32x4Ne: return {x::Inst::kIdCmpps, 4, false};  // (true when unordered, as wasm's ne)
    case Opcode::F32x4Lt: return {x::Inst::kIdCmpps, 1, false};
    case Opcode::F32x4Le: return {x::Inst::kIdCmpps, 2, false};
    case Opcode::F32x4Gt: return {x::Inst::kIdCmpps, 1, true};
    case Opcode::F32x4Ge: return {x::Inst::kIdCmpps, 2, true};
    case Opcode::F64x2Eq: return {x::Inst::kIdCmppd, 0, false};
    case Opcode::F64x2Ne: return {x::Inst::kIdCmppd, 4, false};
    case Opcode::F64x2Lt: return {x::Inst::kIdCmppd, 1, false};
    case Opcode::F64x2Le: return {x::Inst::kIdCmppd, 2, false};
    case Opcode::F64x2Gt: return {x::Inst::kIdCmppd, 1, true};
    case Opcode::F64x2Ge: return {x::Inst::kIdCmppd, 2, true};
    default: return {};
  }
}

// Unary operations that are one instruction `d = op d`.
Id one_unary(Opcode op) {
  switch (op) {
    case Opcode::I8x16Abs: return x::Inst::kIdPabsb;
    case Opcode::I16x8Abs: return x::Inst::kIdPabsw;
    case Opcode::I32x4Abs: return x::Inst::kIdPabsd;
    case Opcode::F32x4Sqrt: return x::Inst::kIdSqrtps;
    case Opcode::F64x2Sqrt: return x::Inst::kIdSqrtpd;
    case Opcode::F32x4ConvertI32x4S: return x::Inst::kIdCvtdq2ps;
    case Opcode::F64x2ConvertLowI32x4S: return x::Inst::kIdCvtdq2pd;
    case Opcode::F32x4DemoteF64x2Zero: return x::Inst::kIdCvtpd2ps;
    case Opcode::F64x2PromoteLowF32x4: return x::Inst::kIdCvtps2pd;
    case Opcode::I16x8ExtendLowI8x16S: return x::Inst::kIdPmovsxbw;
    case Opcode::I16x8ExtendLowI8x16U: return x::Inst::kIdPmovzxbw;
    case Opcode::I32x4ExtendLowI16x8S: return x::Inst::kIdPmovsxwd;
    case Opcode::I32x4ExtendLowI16x8U: return x::Inst::kIdPmovzxwd;
    case Opcode::I64x2ExtendLowI32x4S: return x::Inst::kIdPmovsxdq;
    case Opcode::I64x2ExtendLowI32x4U: return x::Inst::kIdPmovzxdq;
    default: return x::Inst::kIdNone;
  }
}
// The high-half extends: the high 8 bytes moved down, then the low form.
Id extend_high(Opcode op) {
  switch (op) {
    case Opcode::I16x8ExtendHighI8x16S: return x::Inst::kIdPmovsxbw;
    case Opcode::I16x8ExtendHighI8x16U: return x::Inst::kIdPmovzxbw;
    case Opcode::I32x4ExtendHighI16x8S: return x::Inst::kIdPmovsxwd;
    case Opcode::I32x4ExtendHighI16x8U: return x::Inst::kIdPmovzxwd;
    case Opcode::I64x2ExtendHighI32x4S: return x::Inst::kIdPmovsxdq;
    case Opcode::I64x2ExtendHighI32x4U: return x::Inst::kIdPmovzxdq;
    default: return x::Inst::kIdNone;
  }
}
// roundps/roundpd modes (precision exceptions suppressed).
int rounding(Opcode op, Id& inst) {
  switch (op) {
    case Opcode::F32x4Nearest: inst = x::Inst::kIdRoundps; return 0x08;
    case Opcode::F32x4Floor: inst = x::Inst::kIdRoundps; return 0x09;
    case Opcode::F32x4Ceil: inst = x::Inst::kIdRoundps; return 0x0A;
    case Opcode::F32x4Trunc: inst = x::Inst::kIdRoundps; return 0x0B;
    case Opcode::F64x2Nearest: inst = x::Inst::kIdRoundpd; return 0x08;
    case Opcode::F64x2Floor: inst = x::Inst::kIdRoundpd; return 0x09;
    case Opcode::F64x2Ceil: inst = x::Inst::kIdRoundpd; return 0x0A;
    case Opcode::F64x2Trunc: inst = x::Inst::kIdRoundpd; return 0x0B;
    default: inst = x::Inst::kIdNone; return 0;
  }
}
// Shifts by a count in a Gpr: the instruction and the lane width's mask.
struct Shift {
  Id inst = x::Inst::kIdNone;
  uint32_t mask = 0;
};
Shift shift(Opcode op) {
  switch (op) {
    case Opcode::I16x8Shl: return {x::Inst::kIdPsllw, 15};
    case Opcode::I16x8ShrS: return {x::Inst::kIdPsraw, 15};
    case Opcode::I16x8ShrU: return {x::Inst::kIdPsrlw, 15};
    case Opcode::I32x4Shl: return {x::Inst::kIdPslld, 31};
    case Opcode::I32x4ShrS: return {x::Inst::kIdPsrad, 31};
    case Opcode::I32x4ShrU: return {x::Inst::kIdPsrld, 31};
    case Opcode::I64x2Shl: return {x::Inst::kIdPsllq, 63};
    case Opcode::I64x2ShrU: return {x::Inst::kIdPsrlq, 63};
    default: return {};
  }
}

void all_ones(x86::Assembler& a, x::Xmm r) { a.pcmpeqd(r, r); }
void movx(x86::Assembler& a, x::Xmm d, x::Xmm s) {
  if (d != s) a.movaps(d, s);
}
// A 32-bit pattern in every lane.
x::Mem splat32(x86::Assembler& a, ConstPool& pool, uint32_t v) {
  const uint64_t w = uint64_t(v) << 32 | v;
  return pool.get(a, w, w);
}
}  // namespace

x::Mem ConstPool::get(x86::Assembler& a, uint64_t lo, uint64_t hi) {
  for (const Entry& e : entries_)
    if (e.lo == lo && e.hi == hi) return x::ptr(e.label, 0, 16);
  entries_.push_back({a.newLabel(), lo, hi});
  return x::ptr(entries_.back().label, 0, 16);
}

void ConstPool::emit(x86::Assembler& a) {
  if (entries_.empty()) return;
  a.align(AlignMode::kData, 16);
  for (const Entry& e : entries_) {
    a.bind(e.label);
    const uint64_t words[2] = {e.lo, e.hi};
    a.embed(words, 16);
  }
}

bool simd_has_inline(Opcode op) {
  if (one_instruction(op) || swapped(op) || negation(op) != op ||
      unsigned_compare(op).minmax != x::Inst::kIdNone || float_compare(op).inst != x::Inst::kIdNone ||
      one_unary(op) != x::Inst::kIdNone || extend_high(op) != x::Inst::kIdNone || shift(op).inst != x::Inst::kIdNone ||
      (cpu().avx512 && mask_compare(op).cmp != x::Inst::kIdNone))
    return true;
  Id r;
  if (rounding(op, r)) return true;
  switch (op) {
    case Opcode::V128Not: case Opcode::V128Bitselect: case Opcode::V128AnyTrue: case Opcode::I8x16Swizzle:
    case Opcode::I8x16Neg: case Opcode::I16x8Neg: case Opcode::I32x4Neg: case Opcode::I64x2Neg:
    case Opcode::F32x4Abs: case Opcode::F64x2Abs: case Opcode::F32x4Neg: case Opcode::F64x2Neg:
    case Opcode::I8x16AllTrue: case Opcode::I16x8AllTrue: case Opcode::I32x4AllTrue: case Opcode::I64x2AllTrue:
    case Opcode::I8x16Bitmask: case Opcode::I16x8Bitmask: case Opcode::I32x4Bitmask: case Opcode::I64x2Bitmask:
    case Opcode::I8x16ExtractLaneS: case Opcode::I8x16ExtractLaneU: case Opcode::I16x8ExtractLaneS:
    case Opcode::I16x8ExtractLaneU: case Opcode::I32x4ExtractLane: case Opcode::I64x2ExtractLane:
    case Opcode::I8x16ReplaceLane: case Opcode::I16x8ReplaceLane: case Opcode::I32x4ReplaceLane:
    case Opcode::I64x2ReplaceLane: case Opcode::I8x16Splat: case Opcode::I16x8Splat: case Opcode::I32x4Splat:
    case Opcode::I64x2Splat: case Opcode::F32x4Splat: case Opcode::F64x2Splat: case Opcode::F32x4ExtractLane:
    case Opcode::F64x2ExtractLane: case Opcode::F32x4ReplaceLane: case Opcode::F64x2ReplaceLane:
    case Opcode::I8x16Shuffle: case Opcode::I16x8ExtaddPairwiseI8x16S: case Opcode::I16x8ExtaddPairwiseI8x16U:
    case Opcode::I32x4ExtaddPairwiseI16x8S:
      return true;
    default: return false;
  }
}

void simd_v(x86::Assembler& a, ConstPool& pool, Opcode op, x::Xmm d) {
  if (Id i = one_unary(op); i != x::Inst::kIdNone) {
    a.emit(i, d, d);
    return;
  }
  if (Id i = extend_high(op); i != x::Inst::kIdNone) {
    a.pshufd(s15, d, 0xEE);
    a.emit(i, d, s15);
    return;
  }
  Id r;
  if (int mode = rounding(op, r)) {
    a.emit(r, d, d, Imm(mode));
    return;
  }
  switch (op) {
    case Opcode::V128Not: all_ones(a, s15); a.pxor(d, s15); return;
    case Opcode::I8x16Neg: a.pxor(s15, s15); a.psubb(s15, d); a.movaps(d, s15); return;
    case Opcode::I16x8Neg: a.pxor(s15, s15); a.psubw(s15, d); a.movaps(d, s15); return;
    case Opcode::I32x4Neg: a.pxor(s15, s15); a.psubd(s15, d); a.movaps(d, s15); return;
    case Opcode::I64x2Neg: a.pxor(s15, s15); a.psubq(s15, d); a.movaps(d, s15); return;
    case Opcode::F32x4Abs: all_ones(a, s15); a.psrld(s15, 1); a.andps(d, s15); return;
    case Opcode::F64x2Abs: all_ones(a, s15); a.psrlq(s15, 1); a.andpd(d, s15); return;
    case Opcode::F32x4Neg: all_ones(a, s15); a.pslld(s15, 31); a.xorps(d, s15); return;
    case Opcode::F64x2Neg: all_ones(a, s15); a.psllq(s15, 63); a.xorpd(d, s15); return;
    // Pairwise sums: pmaddubsw multiplies unsigned bytes (its first operand)
    // by signed ones (its second), pmaddwd signed words, and adds pairs.
    case Opcode::I16x8ExtaddPairwiseI8x16S:
      a.movdqa(s15, splat32(a, pool, 0x01010101));
      a.pmaddubsw(s15, d);
      a.movaps(d, s15);
      return;
    case Opcode::I16x8ExtaddPairwiseI8x16U: a.pmaddubsw(d, splat32(a, pool, 0x01010101)); return;
    case Opcode::I32x4ExtaddPairwiseI16x8S: a.pmaddwd(d, splat32(a, pool, 0x00010001)); return;
    default: return;
  }
}

void simd_vv(x86::Assembler& a, ConstPool& pool, Opcode op, x::Xmm d, x::Xmm b) {
  if (const Form f = one_instruction(op)) {
    a.emit(f.sse, d, b);
    return;
  }
  if (cpu().avx512)
    if (const MaskCmp m = mask_compare(op); m.cmp != x::Inst::kIdNone) {
      a.emit(m.cmp, x::k1, d, b, Imm(m.pred));
      a.emit(m.to_lanes, d, x::k1);
      return;
    }
  if (const Form f = swapped(op)) {
    a.movaps(s15, b);
    a.emit(f.sse, s15, d);
    a.movaps(d, s15);
    return;
  }
  if (const Opcode n = negation(op); n != op) {
    simd_vv(a, pool, n, d, b);
    all_ones(a, s15);
    a.pxor(d, s15);
    return;
  }
  if (const MinMaxCmp u = unsigned_compare(op); u.minmax != x::Inst::kIdNone) {
    a.movaps(s15, d);
    a.emit(u.minmax, s15, b);
    a.emit(u.eq, d, s15);
    return;
  }
  if (const FloatCmp f = float_compare(op); f.inst != x::Inst::kIdNone) {
    if (f.swap) {
      a.movaps(s15, b);
      a.emit(f.inst, s15, d, Imm(f.pred));
      a.movaps(d, s15);
    } else {
      a.emit(f.inst, d, b, Imm(f.pred));
    }
    return;
  }
  if (op == Opcode::I8x16Swizzle) {
    // pshufb zeroes a lane whose index has bit 7 set and else takes index
    // & 15; wasm zeroes every index >= 16: a saturating + 0x70 does both.
    a.movdqa(s15, splat32(a, pool, 0x70707070));
    a.paddusb(s15, b);
    a.pshufb(d, s15);
  }
}

void simd_vvv(x86::Assembler& a, Opcode op, x::Xmm d, x::Xmm b, x::Xmm c) {
  if (op != Opcode::V128Bitselect) return;
  // (a & c) | (b & ~c)
  a.movaps(s15, c);
  a.pandn(s15, b);
  a.pand(d, c);
  a.por(d, s15);
}

void simd_to_gpr(x86::Assembler& a, Opcode op, x::Gp d, x::Xmm v, uint32_t lane) {
  const x::Gp d32 = d.r32();
  switch (op) {
    case Opcode::I8x16ExtractLaneS: a.pextrb(d32, v, lane); a.movsx(d32, d.r8()); return;
    case Opcode::I8x16ExtractLaneU: a.pextrb(d32, v, lane); return;
    case Opcode::I16x8ExtractLaneS: a.pextrw(d32, v, lane); a.movsx(d32, d.r16()); return;
    case Opcode::I16x8ExtractLaneU: a.pextrw(d32, v, lane); return;
    case Opcode::I32x4ExtractLane:
      if (lane) a.pextrd(d32, v, lane);
      else a.movd(d32, v);
      return;
    case Opcode::I64x2ExtractLane:
      if (lane) a.pextrq(d.r64(), v, lane);
      else a.movq(d.r64(), v);
      return;
    case Opcode::V128AnyTrue:
      a.xor_(d32, d32);
      a.ptest(v, v);
      a.setnz(d.r8());
      return;
    case Opcode::I8x16AllTrue: case Opcode::I16x8AllTrue: case Opcode::I32x4AllTrue: case Opcode::I64x2AllTrue:
      // No lane equal to zero: the compare with zero gives no set bit.
      a.pxor(s15, s15);
      a.emit(op == Opcode::I8x16AllTrue   ? x::Inst::kIdPcmpeqb
             : op == Opcode::I16x8AllTrue ? x::Inst::kIdPcmpeqw
             : op == Opcode::I32x4AllTrue ? x::Inst::kIdPcmpeqd
                                          : x::Inst::kIdPcmpeqq,
             s15, v);
      a.xor_(d32, d32);
      a.ptest(s15, s15);
      a.setz(d.r8());
      return;
    case Opcode::I8x16Bitmask: a.pmovmskb(d32, v); return;
    case Opcode::I16x8Bitmask:
      a.movaps(s15, v);
      a.packsswb(s15, s15);  // (signs kept: saturation does not change them)
      a.pmovmskb(d32, s15);
      a.movzx(d32, d.r8());
      return;
    case Opcode::I32x4Bitmask: a.movmskps(d32, v); return;
    case Opcode::I64x2Bitmask: a.movmskpd(d32, v); return;
    default: return;
  }
}

void simd_gpr(x86::Assembler& a, Opcode op, x::Xmm d, x::Gp x, uint32_t lane) {
  const x::Gp x32 = x.r32();
  if (const Shift s = shift(op); s.inst != x::Inst::kIdNone) {
    // The count modulo the lane width (an SSE shift by more clears the lane).
    a.mov(r11.r32(), x32);
    a.and_(r11.r32(), s.mask);
    a.movd(s15, r11.r32());
    a.emit(s.inst, d, s15);
    return;
  }
  switch (op) {
    case Opcode::I8x16Splat: a.movd(d, x32); a.pxor(s15, s15); a.pshufb(d, s15); return;
    case Opcode::I16x8Splat: a.movd(d, x32); a.pshuflw(d, d, 0); a.pshufd(d, d, 0); return;
    case Opcode::I32x4Splat: a.movd(d, x32); a.pshufd(d, d, 0); return;
    case Opcode::I64x2Splat: a.movq(d, x.r64()); a.punpcklqdq(d, d); return;
    case Opcode::I8x16ReplaceLane: a.pinsrb(d, x32, lane); return;
    case Opcode::I16x8ReplaceLane: a.pinsrw(d, x32, lane); return;
    case Opcode::I32x4ReplaceLane: a.pinsrd(d, x32, lane); return;
    case Opcode::I64x2ReplaceLane: a.pinsrq(d, x.r64(), lane); return;
    default: return;
  }
}

void simd_fpr(x86::Assembler& a, Opcode op, x::Xmm d, x::Xmm x, uint32_t lane) {
  switch (op) {
    case Opcode::F32x4Splat: movx(a, d, x); a.shufps(d, d, 0); return;
    case Opcode::F64x2Splat: movx(a, d, x); a.movlhps(d, d); return;
    case Opcode::F32x4ExtractLane:
      if (lane) a.pshufd(d, x, lane);  // (the lane to the bottom: only it counts)
      else movx(a, d, x);
      return;
    case Opcode::F64x2ExtractLane:
      if (lane) a.pshufd(d, x, 0xEE);
      else movx(a, d, x);
      return;
    case Opcode::F32x4ReplaceLane: a.insertps(d, x, lane << 4); return;
    case Opcode::F64x2ReplaceLane:
      if (lane) a.movlhps(d, x);
      else a.movsd(d, x);
      return;
    default: return;
  }
}

void simd_shuffle(x86::Assembler& a, ConstPool& pool, x::Xmm d, x::Xmm s, x::Xmm b, const uint8_t pattern[16]) {
  // Two pshufb: lanes from s where the index is below 16, from b above;
  // 0x80 zeroes the other's lanes.
  uint64_t m[2][2] = {};
  for (unsigned i = 0; i < 16; ++i) {
    const uint8_t p = pattern[i];
    const uint64_t from_s = p < 16 ? p : 0x80, from_b = p >= 16 ? p - 16 : 0x80;
    m[0][i / 8] |= from_s << (8 * (i % 8));
    m[1][i / 8] |= from_b << (8 * (i % 8));
  }
  const bool uses_b = m[1][0] != 0x8080808080808080ull || m[1][1] != 0x8080808080808080ull;
  const bool uses_s = m[0][0] != 0x8080808080808080ull || m[0][1] != 0x8080808080808080ull;
  const bool avx = cpu().avx2;
  // (b's lanes first: d may be b)
  if (uses_b) {
    if (avx) {
      a.vpshufb(s15, b, pool.get(a, m[1][0], m[1][1]));
    } else {
      a.movaps(s15, b);
      a.pshufb(s15, pool.get(a, m[1][0], m[1][1]));
    }
  }
  if (!uses_s) {
    a.pxor(d, d);
  } else if (avx) {
    a.vpshufb(d, s, pool.get(a, m[0][0], m[0][1]));
  } else {
    movx(a, d, s);
    a.pshufb(d, pool.get(a, m[0][0], m[0][1]));
  }
  if (uses_b) a.por(d, s15);
}

bool simd_has_vv3(Opcode op) {
  return (cpu().avx2 && (one_instruction(op) || swapped(op))) ||
         (cpu().avx512 && mask_compare(op).cmp != x::Inst::kIdNone);
}

void simd_vv3(x86::Assembler& a, Opcode op, x::Xmm d, x::Xmm l, x::Xmm r) {
  if (cpu().avx2) {
    if (const Form f = one_instruction(op)) {
      a.emit(f.vex, d, l, r);
      return;
    }
    if (const Form f = swapped(op)) {
      a.emit(f.vex, d, r, l);
      return;
    }
  }
  const MaskCmp m = mask_compare(op);
  a.emit(m.cmp, x::k1, l, r, Imm(m.pred));
  a.emit(m.to_lanes, d, x::k1);
}

}  // namespace lvm::jit::x64

namespace lvm::jit::x64 {

uint32_t simd_load_bytes(Opcode op) {
  switch (op) {
    case Opcode::V128Load8x8S: case Opcode::V128Load8x8U: case Opcode::V128Load16x4S: case Opcode::V128Load16x4U:
    case Opcode::V128Load32x2S: case Opcode::V128Load32x2U: case Opcode::V128Load64Zero:
    case Opcode::V128Load64Splat:
      return 8;
    case Opcode::V128Load32Zero: case Opcode::V128Load32Splat: return 4;
    case Opcode::V128Load16Splat: return 2;
    case Opcode::V128Load8Splat: return 1;
    default: return 0;
  }
}

void simd_load(x86::Assembler& a, Opcode op, x::Xmm d, const x::Mem& m, bool avx2) {
  switch (op) {
    case Opcode::V128Load8x8S: a.pmovsxbw(d, m); return;
    case Opcode::V128Load8x8U: a.pmovzxbw(d, m); return;
    case Opcode::V128Load16x4S: a.pmovsxwd(d, m); return;
    case Opcode::V128Load16x4U: a.pmovzxwd(d, m); return;
    case Opcode::V128Load32x2S: a.pmovsxdq(d, m); return;
    case Opcode::V128Load32x2U: a.pmovzxdq(d, m); return;
    case Opcode::V128Load32Zero: a.movd(d, m); return;
    case Opcode::V128Load64Zero: a.movq(d, m); return;
    case Opcode::V128Load64Splat: a.movddup(d, m); return;
    // (A broadcast from memory is a load alone: no shuffle-port work.)
    case Opcode::V128Load32Splat:
      if (avx2) {
        a.vpbroadcastd(d, m);
        return;
      }
      a.movd(d, m);
      a.pshufd(d, d, 0);
      return;
    case Opcode::V128Load16Splat:
      if (avx2) {
        a.vpbroadcastw(d, m);
        return;
      }
      a.pinsrw(d, m, 0);
      a.pshuflw(d, d, 0);
      a.punpcklqdq(d, d);
      return;
    case Opcode::V128Load8Splat:
      if (avx2) {
        a.vpbroadcastb(d, m);
        return;
      }
      a.pinsrb(d, m, 0);
      a.pxor(s15, s15);
      a.pshufb(d, s15);
      return;
    default: return;
  }
}

}  // namespace lvm::jit::x64
