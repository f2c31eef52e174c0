// Direct x86-64 encodings of the general-purpose instruction forms the
// compiler emits most: moves between registers and memory, lea, the ALU
// operations with a register, memory or immediate operand, compares, push
// and pop. About two thirds of the instructions of compiled code are of
// these forms, and asmjit's generic Assembler::_emit (operand signatures
// matched against its instruction database) cost a third of compile time.
// Each function writes one instruction's bytes at `p` and returns the end;
// the caller has made room (kMaxBytes). The bytes are those asmjit emits
// for the same instruction (tests/jit/encoder_x64_test.cpp compares every
// register, width and displacement class with asmjit's), so `--jit-dump`,
// which lists through asmjit, shows the code that runs. Labels, jumps,
// calls, SSE and everything rare stay with asmjit (jit/x64/masm_x64.cpp).
// Register codes are asmjit's: 0 rax .. 15 r15.
#pragma once

#include <cstdint>
#include <cstring>

namespace lvm::jit::x64 {

// The longest instruction written here (66 REX opcode ModRM SIB disp32 imm32).
constexpr unsigned kMaxBytes = 15;

// A memory operand [base + index * 2^scale_log + disp].
struct MemOp {
  uint8_t base;
  uint8_t index;  // kNoIndex: none
  uint8_t scale_log;
  int32_t disp;
  static constexpr uint8_t kNoIndex = 0xFF;
};

// The ALU operations of the 0x00-0x3F row: the /digit of their immediate
// forms (0x81/0x83) and their opcode base (op*8: r/m,r at +1; r,r/m at +3).
enum class Alu : uint8_t { Add = 0, Or = 1, And = 4, Sub = 5, Xor = 6, Cmp = 7 };

namespace enc_detail {
inline bool fits8(int32_t v) { return v >= -128 && v <= 127; }
inline uint8_t* put32(uint8_t* p, uint32_t v) {
  std::memcpy(p, &v, 4);
  return p + 4;
}
// REX for a ModRM instruction: W, R (reg's bit 3), X (index's), B (base's
// or rm's). `byte_reg`: the reg field names an 8-bit register, for which
// codes 4-7 mean spl..dil only with a REX prefix (else ah..bh).
inline uint8_t* rex(uint8_t* p, bool w, uint8_t reg, uint8_t x, uint8_t b, bool byte_reg = false) {
  const uint8_t r = uint8_t(0x40 | (w ? 8 : 0) | (reg >> 3) << 2 | (x >> 3) << 1 | (b >> 3));
  if (r != 0x40 || (byte_reg && reg >= 4)) *p++ = r;
  return p;
}
// ModRM (and SIB and displacement) for `reg` and memory operand `m`.
inline uint8_t* modrm_mem(uint8_t* p, uint8_t reg, const MemOp& m) {
  const uint8_t r = uint8_t((reg & 7) << 3), base = m.base & 7;
  const bool sib = m.index != MemOp::kNoIndex || base == 4;
  const uint8_t rm = sib ? 4 : base;
  // rbp/r13 as a base has no form without a displacement.
  const uint8_t mod = m.disp == 0 && base != 5 ? 0x00 : fits8(m.disp) ? 0x40 : 0x80;
  *p++ = uint8_t(mod | r | rm);
  if (sib) {
    const uint8_t idx = m.index == MemOp::kNoIndex ? 4 : (m.index & 7);
    *p++ = uint8_t(m.scale_log << 6 | idx << 3 | base);
  }
  if (mod == 0x40) *p++ = uint8_t(int8_t(m.disp));
  else if (mod == 0x80) p = put32(p, uint32_t(m.disp));
  return p;
}
inline uint8_t index_bits(const MemOp& m) { return m.index == MemOp::kNoIndex ? 0 : m.index; }
}  // namespace enc_detail

// `opcode reg, rm` between two registers (ModRM mod 11), with `esc` 0x0F
// before a two-byte opcode (0 for none). `w`: 64-bit operand size.
inline uint8_t* enc_rr(uint8_t* p, bool w, uint8_t esc, uint8_t opcode, uint8_t reg, uint8_t rm,
                       bool byte_rm = false) {
  using namespace enc_detail;
  const uint8_t r = uint8_t(0x40 | (w ? 8 : 0) | (reg >> 3) << 2 | (rm >> 3));
  if (r != 0x40 || (byte_rm && rm >= 4)) *p++ = r;
  if (esc) *p++ = esc;
  *p++ = opcode;
  *p++ = uint8_t(0xC0 | (reg & 7) << 3 | (rm & 7));
  return p;
}

// `opcode reg, [m]` (or `[m], reg`: the direction is the opcode's), with
// an optional operand-size prefix 0x66 and escape 0x0F. `byte_reg`: reg
// is an 8-bit register (a byte store).
inline uint8_t* enc_rm(uint8_t* p, bool p66, bool w, uint8_t esc, uint8_t opcode, uint8_t reg, const MemOp& m,
                       bool byte_reg = false) {
  using namespace enc_detail;
  if (p66) *p++ = 0x66;
  p = rex(p, w, reg, index_bits(m), m.base, byte_reg);
  if (esc) *p++ = esc;
  *p++ = opcode;
  return modrm_mem(p, reg, m);
}

// An SSE instruction `prefix 0F opcode xmm, xmm/r` between registers:
// `prefix` is its mandatory prefix (0x66, 0xF2, 0xF3, or 0 for none), which
// goes before REX; `w` sets REX.W (movq between xmm and a 64-bit register).
inline uint8_t* enc_sse_rr(uint8_t* p, uint8_t prefix, bool w, uint8_t opcode, uint8_t reg, uint8_t rm) {
  if (prefix) *p++ = prefix;
  return enc_rr(p, w, 0x0F, opcode, reg, rm);
}

// `prefix 0F opcode xmm, [m]` (or `[m], xmm`: the opcode's direction).
inline uint8_t* enc_sse_rm(uint8_t* p, uint8_t prefix, uint8_t opcode, uint8_t reg, const MemOp& m) {
  using namespace enc_detail;
  if (prefix) *p++ = prefix;
  p = rex(p, false, reg, index_bits(m), m.base);
  *p++ = 0x0F;
  *p++ = opcode;
  return modrm_mem(p, reg, m);
}

// A shift or rotate of r by an immediate count: `/digit` selects it (rol
// 0, ror 1, shl 4, shr 5, sar 7); a count of 1 has its own opcode.
inline uint8_t* enc_shift_imm(uint8_t* p, uint8_t digit, bool w, uint8_t r, uint8_t count) {
  const uint8_t rx = uint8_t(0x40 | (w ? 8 : 0) | (r >> 3));
  if (rx != 0x40) *p++ = rx;
  *p++ = count == 1 ? 0xD1 : 0xC1;
  *p++ = uint8_t(0xC0 | digit << 3 | (r & 7));
  if (count != 1) *p++ = count;
  return p;
}

// mov r32, imm32 (zero-extends into the 64-bit register).
inline uint8_t* enc_mov_r32_imm(uint8_t* p, uint8_t r, uint32_t imm) {
  if (r >= 8) *p++ = 0x41;
  *p++ = uint8_t(0xB8 | (r & 7));
  return enc_detail::put32(p, imm);
}

// mov r64, simm32 (sign-extended).
inline uint8_t* enc_mov_r64_simm(uint8_t* p, uint8_t r, int32_t imm) {
  *p++ = uint8_t(0x48 | (r >> 3));
  *p++ = 0xC7;
  *p++ = uint8_t(0xC0 | (r & 7));
  return enc_detail::put32(p, uint32_t(imm));
}

// `op r, imm` for the ALU row (add, or, and, sub, xor, cmp): the short
// imm8 form when the value fits, else imm32 (eax/rax's own short form).
inline uint8_t* enc_alu_imm(uint8_t* p, Alu op, bool w, uint8_t r, int32_t imm) {
  using namespace enc_detail;
  const uint8_t rx = uint8_t(0x40 | (w ? 8 : 0) | (r >> 3));
  if (rx != 0x40) *p++ = rx;
  if (fits8(imm)) {
    *p++ = 0x83;
    *p++ = uint8_t(0xC0 | uint8_t(op) << 3 | (r & 7));
    *p++ = uint8_t(int8_t(imm));
    return p;
  }
  if (r == 0) {
    *p++ = uint8_t(uint8_t(op) << 3 | 0x05);
  } else {
    *p++ = 0x81;
    *p++ = uint8_t(0xC0 | uint8_t(op) << 3 | (r & 7));
  }
  return put32(p, uint32_t(imm));
}

// `op r, r2`: the ALU row's `r/m, reg` form (opcode op*8+1), as asmjit
// writes a register-register ALU instruction.
inline uint8_t* enc_alu_rr(uint8_t* p, Alu op, bool w, uint8_t d, uint8_t s) {
  return enc_rr(p, w, 0, uint8_t(uint8_t(op) << 3 | 0x01), s, d);
}

// `op r, [m]`: the ALU row's `reg, r/m` form (op*8+3).
inline uint8_t* enc_alu_rm(uint8_t* p, Alu op, bool w, uint8_t d, const MemOp& m) {
  return enc_rm(p, false, w, 0, uint8_t(uint8_t(op) << 3 | 0x03), d, m);
}

// mov [m], imm of 1, 2, 4 or (sign-extended imm32) 8 bytes.
inline uint8_t* enc_store_imm(uint8_t* p, unsigned bytes, const MemOp& m, uint32_t imm) {
  using namespace enc_detail;
  p = enc_rm(p, bytes == 2, bytes == 8, 0, bytes == 1 ? 0xC6 : 0xC7, 0, m);
  if (bytes == 1) {
    *p++ = uint8_t(imm);
  } else if (bytes == 2) {
    const uint16_t v = uint16_t(imm);
    std::memcpy(p, &v, 2);
    p += 2;
  } else {
    p = put32(p, imm);
  }
  return p;
}

// push r64 / pop r64.
inline uint8_t* enc_push(uint8_t* p, uint8_t r) {
  if (r >= 8) *p++ = 0x41;
  *p++ = uint8_t(0x50 | (r & 7));
  return p;
}
inline uint8_t* enc_pop(uint8_t* p, uint8_t r) {
  if (r >= 8) *p++ = 0x41;
  *p++ = uint8_t(0x58 | (r & 7));
  return p;
}

}  // namespace lvm::jit::x64
