// MacroAssembler on x86-64 with asmjit's Assembler. r11 and xmm14/xmm15 are
// this file's scratch registers: no value the compiler tracks lives there.
#include <asmjit/x86.h>

#include <cmath>
#include <cstring>

#include "jit/masm.h"
#include "jit/x64/cpu_x64.h"
#include "jit/x64/encoder_x64.h"
#include "jit/x64/simd_x64.h"

namespace lvm::jit {

Cond negate(Cond c) {
  switch (c) {
    case Cond::Eq: return Cond::Ne;
    case Cond::Ne: return Cond::Eq;
    case Cond::LtS: return Cond::GeS;
    case Cond::LtU: return Cond::GeU;
    case Cond::GtS: return Cond::LeS;
    case Cond::GtU: return Cond::LeU;
    case Cond::LeS: return Cond::GtS;
    case Cond::LeU: return Cond::GtU;
    case Cond::GeS: return Cond::LtS;
    case Cond::GeU: return Cond::LtU;
  }
  return c;
}

Cond swap_operands(Cond c) {
  switch (c) {
    case Cond::LtS: return Cond::GtS;
    case Cond::LtU: return Cond::GtU;
    case Cond::GtS: return Cond::LtS;
    case Cond::GtU: return Cond::LtU;
    case Cond::LeS: return Cond::GeS;
    case Cond::LeU: return Cond::GeU;
    case Cond::GeS: return Cond::LeS;
    case Cond::GeU: return Cond::LeU;
    default: return c;
  }
}

namespace {

using namespace asmjit;
namespace x = asmjit::x86;

x86::CondCode cc(Cond c) {
  switch (c) {
    case Cond::Eq: return x86::CondCode::kE;
    case Cond::Ne: return x86::CondCode::kNE;
    case Cond::LtS: return x86::CondCode::kL;
    case Cond::LtU: return x86::CondCode::kB;
    case Cond::GtS: return x86::CondCode::kG;
    case Cond::GtU: return x86::CondCode::kA;
    case Cond::LeS: return x86::CondCode::kLE;
    case Cond::LeU: return x86::CondCode::kBE;
    case Cond::GeS: return x86::CondCode::kGE;
    case Cond::GeU: return x86::CondCode::kAE;
  }
  return x86::CondCode::kE;
}

// The condition's 4-bit code in jcc/setcc/cmovcc (0x70+cc, 0x0F 0x90+cc, 0x0F 0x40+cc).
uint8_t x64_cc(Cond c) {
  switch (c) {
    case Cond::Eq: return 0x4;
    case Cond::Ne: return 0x5;
    case Cond::LtS: return 0xC;
    case Cond::LtU: return 0x2;
    case Cond::GtS: return 0xF;
    case Cond::GtU: return 0x7;
    case Cond::LeS: return 0xE;
    case Cond::LeU: return 0x6;
    case Cond::GeS: return 0xD;
    case Cond::GeU: return 0x3;
  }
  return 0x4;
}

class ErrorFlag : public ErrorHandler {
 public:
  bool failed = false;
  void handleError(Error, const char*, BaseEmitter*) override { failed = true; }
};

const x86::Gp r11 = x86::r11;
const x86::Xmm s15 = x86::xmm15, s14 = x86::xmm14;

class X64Masm final : public MacroAssembler {
 public:
  X64Masm() { start(); }
  void reset() override {
    labels_.clear();
    fixups_.clear();
    pending_fixups_ = 0;
    code_.reset(ResetPolicy::kSoft);
    pool_.clear();
    err_.failed = false;
    logger_.clear();
    start();
  }
  void start() {
    code_.init(Environment::host());
    code_.setErrorHandler(&err_);
    if (listing_) code_.setLogger(&logger_);
    code_.attach(&a_);
  }
  void set_listing(bool on) override {
    if (on == listing_) return;
    listing_ = on;
    code_.setLogger(on ? &logger_ : nullptr);
  }
  std::string listing() const override { return std::string(logger_.data(), logger_.dataSize()); }

  // ---- helpers ----
  static x86::Gp q(Gpr r) { return x86::gpq(r.code); }
  static x86::Gp d32(Gpr r) { return x86::gpd(r.code); }
  static x86::Gp g(W w, Gpr r) { return w == W::W64 ? q(r) : d32(r); }
  static x86::Xmm xm(Fpr r) { return x86::xmm(r.code); }
  static asmjit::Label L(Label l) { return asmjit::Label(l.id); }
  static x86::Mem mem(Address a, uint32_t size = 0) {
    if (a.index.valid()) {
      uint32_t shift = a.scale == 8 ? 3 : a.scale == 4 ? 2 : a.scale == 2 ? 1 : 0;
      return x86::Mem(q(a.base), q(a.index), shift, a.disp, size);
    }
    return x86::Mem(q(a.base), a.disp, size);
  }
  void load_fconst(FW w, x86::Xmm d, uint64_t bits) {
    if (bits == 0) {
      if (direct()) d_sse(0, 0x57, uint8_t(d.id()), uint8_t(d.id()));  // xorps
      else a_.xorps(d, d);
      return;
    }
    if (w == FW::F32) {
      a_.mov(r11.r32(), uint32_t(bits));
      a_.movd(d, r11.r32());
    } else {
      a_.mov(r11, bits);
      a_.movq(d, r11);
    }
  }
  void fmov_x(x86::Xmm d, x86::Xmm s) {
    if (d == s) return;
    if (direct()) d_sse(0, 0x28, uint8_t(d.id()), uint8_t(s.id()));  // movaps
    else a_.movaps(d, s);
  }
  void ucomi(FW w, x86::Xmm a, x86::Xmm b) {
    if (direct()) d_sse(w == FW::F32 ? 0 : 0x66, 0x2E, uint8_t(a.id()), uint8_t(b.id()));
    else if (w == FW::F32) a_.ucomiss(a, b);
    else a_.ucomisd(a, b);
  }

  // ---- direct encoding (jit/x64/encoder_x64.h) ----
  // The commonest forms are written straight into the code buffer, unless
  // a listing is asked for: asmjit's logger sees only what asmjit emits.
  bool direct() const { return !listing_; }
  // Room for one instruction at the buffer's end (a sink if the buffer
  // cannot grow: the assembler has failed then, and the code is dropped).
  uint8_t* room() {
    if (size_t(a_._bufferEnd - a_._bufferPtr) >= x64::kMaxBytes) [[likely]]
      return a_._bufferPtr;
    if (code_.growBuffer(&a_._section->_buffer, x64::kMaxBytes) != kErrorOk) {
      err_.failed = true;
      return sink_;
    }
    return a_._bufferPtr;
  }
  // The instruction written from room() ends at `end`.
  void put(uint8_t* end) {
    if (end >= sink_ && end <= sink_ + sizeof sink_) return;
    a_._bufferPtr = end;
    CodeBuffer& b = a_._section->_buffer;
    b._size = std::max(b._size, size_t(end - a_._bufferData));
  }
  static x64::MemOp mo(const Address& a) {
    const uint8_t shift = a.scale == 8 ? 3 : a.scale == 4 ? 2 : a.scale == 2 ? 1 : 0;
    return {a.base.code, a.index.valid() ? a.index.code : x64::MemOp::kNoIndex, shift, a.disp};
  }
  static x64::Alu alu_of(IntOp op) {
    switch (op) {
      case IntOp::Add: return x64::Alu::Add;
      case IntOp::Sub: return x64::Alu::Sub;
      case IntOp::And: return x64::Alu::And;
      case IntOp::Or: return x64::Alu::Or;
      default: return x64::Alu::Xor;  // (Mul is not of the row: callers test first)
    }
  }
  void d_rr(bool w, uint8_t esc, uint8_t op, uint8_t reg, uint8_t rm, bool byte_rm = false) {
    put(x64::enc_rr(room(), w, esc, op, reg, rm, byte_rm));
  }
  void d_rm(bool p66, bool w, uint8_t esc, uint8_t op, uint8_t reg, const Address& m, bool byte_reg = false) {
    put(x64::enc_rm(room(), p66, w, esc, op, reg, mo(m), byte_reg));
  }
  void d_mov(bool w, Gpr d, Gpr s) { d_rr(w, 0, 0x89, s.code, d.code); }
  void d_sse(uint8_t prefix, uint8_t op, uint8_t reg, uint8_t rm, bool w = false) {
    put(x64::enc_sse_rr(room(), prefix, w, op, reg, rm));
  }
  void d_sse_m(uint8_t prefix, uint8_t op, uint8_t reg, const Address& m) {
    put(x64::enc_sse_rm(room(), prefix, op, reg, mo(m)));
  }

  // ---- code layout ----
  // Labels: without a listing, the macro-assembler's own (an offset and a
  // chain of rel32 fields to patch when it is bound), so that a jump is a
  // few stores and not asmjit's label entry, link and relocation; an
  // asmjit label is made only for the rare use that needs one (a jump
  // table's entries). With a listing, asmjit's, for its logger to name.
  Label new_label() override {
    if (!direct()) return Label{a_.newLabel().id()};
    labels_.push_back(OwnLabel{});
    return Label{uint32_t(labels_.size() - 1)};
  }
  void bind(Label l) override {
    if (!direct()) {
      a_.bind(L(l));
      return;
    }
    OwnLabel& o = labels_[l.id];
    o.offset = int32_t(a_.offset());
    for (uint32_t f = o.fixups; f != kNone; f = fixups_[f].next) {
      const int32_t rel = o.offset - int32_t(fixups_[f].at + 4);
      std::memcpy(a_._bufferData + fixups_[f].at, &rel, 4);
      --pending_fixups_;
    }
    o.fixups = kNone;
    if (o.asm_id != kNone) a_.bind(asmjit::Label(o.asm_id));
  }
  // The asmjit label of label `l` (made on first use, bound where `l` is).
  asmjit::Label asm_label(Label l) {
    if (!direct()) return L(l);
    OwnLabel& o = labels_[l.id];
    if (o.asm_id == kNone) {
      const asmjit::Label al = a_.newLabel();
      o.asm_id = al.id();
      if (o.offset >= 0) code_.bindLabel(al, a_._section->id(), uint64_t(o.offset));
    }
    return asmjit::Label(o.asm_id);
  }
  // A jump to `l` in direct mode: `short_op rel8` back to a bound label in
  // reach, else `long_op rel32` (one or two opcode bytes), as asmjit
  // chooses.
  void jump_to(Label l, uint8_t short_op, uint8_t long0, uint8_t long1) {
    OwnLabel& o = labels_[l.id];
    uint8_t* p = room();
    const int64_t at = int64_t(a_.offset());
    if (o.offset >= 0 && o.offset - (at + 2) >= -128) {
      p[0] = short_op;
      p[1] = uint8_t(int8_t(o.offset - (at + 2)));
      put(p + 2);
      return;
    }
    uint8_t* q = p;
    if (long0) *q++ = long0;
    *q++ = long1;
    const int64_t field = at + (q - p);
    int32_t rel = 0;
    if (o.offset >= 0) {
      rel = int32_t(o.offset - (field + 4));
    } else {
      fixups_.push_back({uint32_t(field), o.fixups});
      o.fixups = uint32_t(fixups_.size() - 1);
      ++pending_fixups_;
    }
    std::memcpy(q, &rel, 4);
    put(q + 4);
  }
  size_t finish() override {
    if (pending_fixups_) err_.failed = true;  // (a jump to a label never bound)
    pool_.emit(a_);
    if (code_.flatten() || code_.resolveUnresolvedLinks()) err_.failed = true;
    return code_.codeSize();
  }
  bool copy_to(void* rw, void* rx) override {
    if (code_.relocateToBase(uint64_t(uintptr_t(rx)))) return false;
    return code_.copyFlattenedData(rw, code_.codeSize(), CopySectionFlags::kPadSectionBuffer) == kErrorOk;
  }
  size_t offset() const override { return a_.offset(); }
  size_t label_offset(Label l) const override {
    if (!direct()) return size_t(code_.labelOffsetFromBase(L(l)));
    return size_t(labels_[l.id].offset);  // (.text is the first section, at 0)
  }
  bool failed() const override { return err_.failed; }

  // ---- frame ----
  void prologue(const std::vector<Gpr>& saved, uint32_t frame_bytes, int32_t limit_off, Label slow,
                Label cont) override {
    if (direct()) {
      put(x64::enc_push(room(), 5));
      d_mov(true, Gpr{5}, Gpr{4});
      for (Gpr r : saved) put(x64::enc_push(room(), r.code));
    } else {
      a_.push(x86::rbp);
      a_.mov(x86::rbp, x86::rsp);
      for (Gpr r : saved) a_.push(q(r));
    }
    a_.lea(r11, x86::ptr(x86::rsp, -int32_t(frame_bytes)));
    a_.cmp(r11, x86::ptr(x86::r14, limit_off));
    branch(Cond::LtU, slow);
    bind(cont);
    if (frame_bytes) a_.sub(x86::rsp, frame_bytes);
  }
  void zero_frame(int32_t lowest_disp, uint32_t count) override {
    if (count <= 8) {
      for (uint32_t i = 0; i < count; ++i) a_.mov(x86::qword_ptr(x86::rbp, lowest_disp + int32_t(8 * i)), 0);
      return;
    }
    a_.lea(x86::rdi, x86::ptr(x86::rbp, lowest_disp));
    a_.mov(x86::ecx, count);
    a_.xor_(x86::eax, x86::eax);
    a_.rep().stosq();
  }
  void epilogue(const std::vector<Gpr>& saved) override {
    if (direct()) {
      d_rm(false, true, 0, 0x8D, 4, frame(-int32_t(8 * saved.size())));
      for (size_t i = saved.size(); i-- > 0;) put(x64::enc_pop(room(), saved[i].code));
      put(x64::enc_pop(room(), 5));
      uint8_t* p = room();
      *p = 0xC3;  // ret
      put(p + 1);
      return;
    }
    a_.lea(x86::rsp, x86::ptr(x86::rbp, -int32_t(8 * saved.size())));
    for (size_t i = saved.size(); i-- > 0;) a_.pop(q(saved[i]));
    a_.pop(x86::rbp);
    a_.ret();
  }
  Address frame(int32_t disp) const override { return Address{Gpr{5}, Gpr{}, 1, disp}; }
  Address stack(int32_t disp) const override { return Address{Gpr{4}, Gpr{}, 1, disp}; }
  Address ctx(int32_t disp) const override { return Address{Gpr{14}, Gpr{}, 1, disp}; }

  // ---- moves ----
  void mov(W w, Gpr d, Gpr s) override {
    if (d == s && w == W::W64) return;
    if (direct()) d_mov(w == W::W64, d, s);
    else a_.mov(g(w, d), g(w, s));
  }
  void mov_imm(W w, Gpr d, uint64_t v) override {
    if (direct() && (w == W::W32 || v <= UINT32_MAX || int64_t(v) == int64_t(int32_t(v)))) {
      if (w == W::W32 || v <= UINT32_MAX) {
        if (uint32_t(v) == 0) put(x64::enc_rr(room(), false, 0, 0x31, d.code, d.code));  // xor r32, r32
        else put(x64::enc_mov_r32_imm(room(), d.code, uint32_t(v)));
      } else {
        put(x64::enc_mov_r64_simm(room(), d.code, int32_t(v)));
      }
      return;
    }
    if (w == W::W32 || v <= UINT32_MAX) {
      if (uint32_t(v) == 0) a_.xor_(d32(d), d32(d));
      else a_.mov(d32(d), uint32_t(v));
    } else if (int64_t(v) == int64_t(int32_t(v))) {
      a_.mov(q(d), int32_t(v));
    } else {
      a_.mov(q(d), v);
    }
  }
  void load(W w, Gpr d, Address ad, LoadKind k) override {
    if (direct()) {
      const bool w64 = w == W::W64;
      switch (k) {
        case LoadKind::U8: d_rm(false, false, 0x0F, 0xB6, d.code, ad); return;
        case LoadKind::S8: d_rm(false, w64, 0x0F, 0xBE, d.code, ad); return;
        case LoadKind::U16: d_rm(false, false, 0x0F, 0xB7, d.code, ad); return;
        case LoadKind::S16: d_rm(false, w64, 0x0F, 0xBF, d.code, ad); return;
        case LoadKind::U32: d_rm(false, false, 0, 0x8B, d.code, ad); return;
        case LoadKind::S32:
          if (w64) d_rm(false, true, 0, 0x63, d.code, ad);
          else d_rm(false, false, 0, 0x8B, d.code, ad);
          return;
        case LoadKind::X64: d_rm(false, true, 0, 0x8B, d.code, ad); return;
      }
    }
    switch (k) {
      case LoadKind::U8: a_.movzx(d32(d), mem(ad, 1)); return;
      case LoadKind::S8: a_.movsx(g(w, d), mem(ad, 1)); return;
      case LoadKind::U16: a_.movzx(d32(d), mem(ad, 2)); return;
      case LoadKind::S16: a_.movsx(g(w, d), mem(ad, 2)); return;
      case LoadKind::U32: a_.mov(d32(d), mem(ad, 4)); return;
      case LoadKind::S32:
        if (w == W::W64) a_.movsxd(q(d), mem(ad, 4));
        else a_.mov(d32(d), mem(ad, 4));
        return;
      case LoadKind::X64: a_.mov(q(d), mem(ad, 8)); return;
    }
  }
  void load_ptr(Gpr d, Address ad) override {
    if (direct()) d_rm(false, true, 0, 0x8B, d.code, ad);
    else a_.mov(q(d), mem(ad, 8));
  }
  void store(Address ad, Gpr s, unsigned bytes) override {
    if (direct()) {
      if (bytes == 1) d_rm(false, false, 0, 0x88, s.code, ad, /*byte_reg=*/true);
      else d_rm(bytes == 2, bytes == 8, 0, 0x89, s.code, ad);
      return;
    }
    switch (bytes) {
      case 1: a_.mov(mem(ad, 1), x86::gpb(s.code)); return;
      case 2: a_.mov(mem(ad, 2), x86::gpw(s.code)); return;
      case 4: a_.mov(mem(ad, 4), d32(s)); return;
      default: a_.mov(mem(ad, 8), q(s)); return;
    }
  }
  void store_imm(Address ad, uint64_t v, unsigned bytes) override {
    if (direct() && (bytes != 8 || int64_t(v) == int64_t(int32_t(v)))) {
      put(x64::enc_store_imm(room(), bytes == 1 || bytes == 2 || bytes == 4 ? bytes : 8, mo(ad), uint32_t(v)));
      return;
    }
    switch (bytes) {
      case 1: a_.mov(mem(ad, 1), uint8_t(v)); return;
      case 2: a_.mov(mem(ad, 2), uint16_t(v)); return;
      case 4: a_.mov(mem(ad, 4), uint32_t(v)); return;
      default:
        if (int64_t(v) == int64_t(int32_t(v))) {
          a_.mov(mem(ad, 8), int32_t(v));
        } else {
          a_.mov(r11, v);
          a_.mov(mem(ad, 8), r11);
        }
    }
  }
  void lea(Gpr d, Address ad) override {
    if (direct()) d_rm(false, true, 0, 0x8D, d.code, ad);
    else a_.lea(q(d), mem(ad));
  }
  void fmov(FW, Fpr d, Fpr s) override { fmov_x(xm(d), xm(s)); }
  void fload(FW w, Fpr d, Address ad) override {
    if (direct()) d_sse_m(w == FW::F32 ? 0xF3 : 0xF2, 0x10, d.code, ad);
    else if (w == FW::F32) a_.movss(xm(d), mem(ad, 4));
    else a_.movsd(xm(d), mem(ad, 8));
  }
  void fstore(FW w, Address ad, Fpr s) override {
    if (direct()) d_sse_m(w == FW::F32 ? 0xF3 : 0xF2, 0x11, s.code, ad);
    else if (w == FW::F32) a_.movss(mem(ad, 4), xm(s));
    else a_.movsd(mem(ad, 8), xm(s));
  }
  void fconst(FW w, Fpr d, uint64_t bits) override { load_fconst(w, xm(d), bits); }
  void vmov(Fpr d, Fpr s) override { fmov_x(xm(d), xm(s)); }
  void vload(Fpr d, Address ad) override {
    if (direct()) d_sse_m(0xF3, 0x6F, d.code, ad);
    else a_.movdqu(xm(d), mem(ad, 16));
  }
  bool vload_inline(Opcode op) const override { return cpu().sse41 && x64::simd_load_bytes(op) != 0; }
  void vload_op(Opcode op, Fpr d, Address ad) override {
    x64::simd_load(a_, op, xm(d), mem(ad, x64::simd_load_bytes(op)), cpu().avx2);
  }
  void vstore(Address ad, Fpr s) override {
    if (direct()) d_sse_m(0xF3, 0x7F, s.code, ad);
    else a_.movdqu(mem(ad, 16), xm(s));
  }
  void vconst(Fpr d, uint64_t lo, uint64_t hi) override {
    const x86::Xmm x = xm(d);
    if (!lo && !hi) {
      a_.pxor(x, x);
      return;
    }
    if (!~lo && !~hi) {
      a_.pcmpeqd(x, x);
      return;
    }
    a_.movdqa(x, pool_.get(a_, lo, hi));
  }
  bool simd_inline(Opcode op) const override { return cpu().sse41 && x64::simd_has_inline(op); }
  void simd_v(Opcode op, Fpr d) override { x64::simd_v(a_, pool_, op, xm(d)); }
  void simd_vv(Opcode op, Fpr d, Fpr b) override { x64::simd_vv(a_, pool_, op, xm(d), xm(b)); }
  void simd_vvv(Opcode op, Fpr d, Fpr b, Fpr c) override { x64::simd_vvv(a_, op, xm(d), xm(b), xm(c)); }
  void simd_to_gpr(Opcode op, Gpr d, Fpr v, uint32_t lane) override { x64::simd_to_gpr(a_, op, q(d), xm(v), lane); }
  void simd_gpr(Opcode op, Fpr d, Gpr x, uint32_t lane) override { x64::simd_gpr(a_, op, xm(d), q(x), lane); }
  void simd_fpr(Opcode op, Fpr d, Fpr x, uint32_t lane) override { x64::simd_fpr(a_, op, xm(d), xm(x), lane); }
  bool simd_vv3_ok(Opcode op) const override { return x64::simd_has_vv3(op); }
  void simd_vv3(Opcode op, Fpr d, Fpr l, Fpr r) override { x64::simd_vv3(a_, op, xm(d), xm(l), xm(r)); }
  void simd_shuffle(Fpr d, Fpr a, Fpr b, const uint8_t pattern[16]) override {
    x64::simd_shuffle(a_, pool_, xm(d), xm(a), xm(b), pattern);
  }
  void copy16(Address d, Address s) override {
    a_.movdqu(s15, mem(s, 16));
    a_.movdqu(mem(d, 16), s15);
  }
  void fpr_from_gpr(FW w, Fpr d, Gpr s) override {
    if (direct()) d_sse(0x66, 0x6E, d.code, s.code, w == FW::F64);  // movd / movq xmm, r
    else if (w == FW::F32) a_.movd(xm(d), d32(s));
    else a_.movq(xm(d), q(s));
  }
  void gpr_from_fpr(FW w, Gpr d, Fpr s) override {
    if (direct()) d_sse(0x66, 0x7E, s.code, d.code, w == FW::F64);  // movd / movq r, xmm
    else if (w == FW::F32) a_.movd(d32(d), xm(s));
    else a_.movq(q(d), xm(s));
  }

  // ---- integer arithmetic ----
  void alu_mem(IntOp op, W w, Gpr d_, Gpr a, Address b) override {
    if (direct()) {
      const bool w64 = w == W::W64;
      if (d_ != a) d_mov(w64, d_, a);
      if (op == IntOp::Mul) d_rm(false, w64, 0x0F, 0xAF, d_.code, b);
      else put(x64::enc_alu_rm(room(), alu_of(op), w64, d_.code, mo(b)));
      return;
    }
    const x86::Gp d = g(w, d_);
    const x86::Mem m = mem(b, w == W::W64 ? 8 : 4);
    if (d_ != a) a_.mov(d, g(w, a));
    switch (op) {
      case IntOp::Add: a_.add(d, m); return;
      case IntOp::Sub: a_.sub(d, m); return;
      case IntOp::Mul: a_.imul(d, m); return;
      case IntOp::And: a_.and_(d, m); return;
      case IntOp::Or: a_.or_(d, m); return;
      case IntOp::Xor: a_.xor_(d, m); return;
    }
  }
  void alu_op(IntOp op, x86::Gp d, x86::Gp b) {
    if (direct()) {
      const bool w64 = d.size() == 8;
      if (op == IntOp::Mul) d_rr(w64, 0x0F, 0xAF, uint8_t(d.id()), uint8_t(b.id()));
      else put(x64::enc_alu_rr(room(), alu_of(op), w64, uint8_t(d.id()), uint8_t(b.id())));
      return;
    }
    switch (op) {
      case IntOp::Add: a_.add(d, b); return;
      case IntOp::Sub: a_.sub(d, b); return;
      case IntOp::Mul: a_.imul(d, b); return;
      case IntOp::And: a_.and_(d, b); return;
      case IntOp::Or: a_.or_(d, b); return;
      case IntOp::Xor: a_.xor_(d, b); return;
    }
  }
  void alu(IntOp op, W w, Gpr d, Gpr a, Gpr b) override {
    if (direct() && d != a && d != b) {
      if (op == IntOp::Add) {
        d_rm(false, w == W::W64, 0, 0x8D, d.code, Address{a, b, 1, 0});  // lea d, [a + b]
      } else {
        d_mov(w == W::W64, d, a);
        alu_op(op, g(w, d), g(w, b));
      }
      return;
    }
    if (d == a) {
      alu_op(op, g(w, d), g(w, b));
    } else if (d == b) {
      if (op == IntOp::Sub) {
        a_.mov(g(w, Gpr{11}), g(w, b));
        a_.mov(g(w, d), g(w, a));
        alu_op(op, g(w, d), g(w, Gpr{11}));
      } else {
        alu_op(op, g(w, d), g(w, a));  // commutative
      }
    } else if (op == IntOp::Add) {
      a_.lea(g(w, d), x86::ptr(q(a), q(b)));  // one instruction, not mov + add
    } else {
      a_.mov(g(w, d), g(w, a));
      alu_op(op, g(w, d), g(w, b));
    }
  }
  void alu_imm(IntOp op, W w, Gpr d, Gpr a, int32_t imm) override {
    if (direct()) {
      const bool w64 = w == W::W64;
      if (d != a && (op == IntOp::Add || (op == IntOp::Sub && imm != INT32_MIN))) {  // one lea, not mov + op
        d_rm(false, w64, 0, 0x8D, d.code, Address{a, Gpr{}, 1, op == IntOp::Add ? imm : -imm});
        return;
      }
      if (op == IntOp::Mul) {
        const bool short_imm = imm >= -128 && imm <= 127;
        uint8_t* p = x64::enc_rr(room(), w64, 0, short_imm ? 0x6B : 0x69, d.code, a.code);
        if (short_imm) {
          *p++ = uint8_t(int8_t(imm));
        } else {
          std::memcpy(p, &imm, 4);
          p += 4;
        }
        put(p);
        return;
      }
      if (d != a) d_mov(w64, d, a);
      put(x64::enc_alu_imm(room(), alu_of(op), w64, d.code, imm));
      return;
    }
    const x86::Gp dd = g(w, d);
    if (d != a && (op == IntOp::Add || (op == IntOp::Sub && imm != INT32_MIN))) {  // one lea, not mov + op
      a_.lea(dd, x86::ptr(q(a), op == IntOp::Add ? imm : -imm));
      return;
    }
    if (op == IntOp::Mul) {
      a_.imul(dd, g(w, a), imm);
      return;
    }
    if (d != a) a_.mov(dd, g(w, a));
    switch (op) {
      case IntOp::Add: a_.add(dd, imm); return;
      case IntOp::Sub: a_.sub(dd, imm); return;
      case IntOp::And: a_.and_(dd, imm); return;
      case IntOp::Or: a_.or_(dd, imm); return;
      case IntOp::Xor: a_.xor_(dd, imm); return;
      case IntOp::Mul: return;
    }
  }
  uint32_t shift_clobbers() const override { return 1u << 1; }         // rcx
  uint32_t div_clobbers() const override { return (1u << 0) | (1u << 2); }  // rax, rdx
  void shift_op(ShiftOp op, x86::Gp d, const Operand_& count) {
    switch (op) {
      case ShiftOp::Shl: a_.emit(x86::Inst::kIdShl, d, count); return;
      case ShiftOp::ShrS: a_.emit(x86::Inst::kIdSar, d, count); return;
      case ShiftOp::ShrU: a_.emit(x86::Inst::kIdShr, d, count); return;
      case ShiftOp::Rotl: a_.emit(x86::Inst::kIdRol, d, count); return;
      case ShiftOp::Rotr: a_.emit(x86::Inst::kIdRor, d, count); return;
    }
  }
  void shift(ShiftOp op, W w, Gpr d, Gpr a, Gpr count) override {
    const x86::Gp t = g(w, Gpr{11});
    a_.mov(t, g(w, a));
    if (count.code != 1) a_.mov(x86::ecx, d32(count));
    shift_op(op, t, x86::cl);
    a_.mov(g(w, d), t);
  }
  void shift_imm(ShiftOp op, W w, Gpr d, Gpr a, uint8_t count) override {
    count &= w == W::W64 ? 63 : 31;
    if (d != a && op == ShiftOp::Shl && count >= 1 && count <= 3) {  // one lea, not mov + shl
      if (count == 1) a_.lea(g(w, d), x86::ptr(q(a), q(a)));
      else a_.lea(g(w, d), x86::ptr_abs(0, q(a), count));
      return;
    }
    if (direct()) {
      if (d != a) d_mov(w == W::W64, d, a);
      static constexpr uint8_t kDigit[] = {4, 7, 5, 0, 1};  // by ShiftOp: shl sar shr rol ror
      if (count) put(x64::enc_shift_imm(room(), kDigit[unsigned(op)], w == W::W64, d.code, count));
      return;
    }
    if (d != a) a_.mov(g(w, d), g(w, a));  // (an i32 in a register is always zero-extended)
    if (count) shift_op(op, g(w, d), Imm(count));
  }
  void unop(IntUnOp op, W w, Gpr d, Gpr a) override {
    const x86::Gp dd = g(w, d), aa = g(w, a);
    const unsigned bits = w == W::W64 ? 64 : 32;
    switch (op) {
      case IntUnOp::Popcnt: a_.popcnt(dd, aa); return;
      case IntUnOp::Clz:
        if (cpu().lzcnt) {
          a_.lzcnt(dd, aa);
        } else {
          // bsr gives the index of the highest set bit (undefined for 0).
          const x86::Gp t = g(w, Gpr{11});
          a_.mov(t, uint32_t(2 * bits - 1));
          a_.bsr(dd, aa);
          a_.cmovz(dd, t);
          a_.xor_(dd, bits - 1);
        }
        return;
      case IntUnOp::Ctz:
        if (cpu().bmi1) {
          a_.tzcnt(dd, aa);
        } else {
          const x86::Gp t = g(w, Gpr{11});
          a_.mov(t, bits);
          a_.bsf(dd, aa);
          a_.cmovz(dd, t);
        }
        return;
    }
  }
  void ext(ExtOp op, Gpr d, Gpr a) override {
    if (direct()) {
      switch (op) {
        case ExtOp::I32Ext8S: d_rr(false, 0x0F, 0xBE, d.code, a.code, /*byte_rm=*/true); return;
        case ExtOp::I32Ext16S: d_rr(false, 0x0F, 0xBF, d.code, a.code); return;
        case ExtOp::I64Ext8S: d_rr(true, 0x0F, 0xBE, d.code, a.code, /*byte_rm=*/true); return;
        case ExtOp::I64Ext16S: d_rr(true, 0x0F, 0xBF, d.code, a.code); return;
        case ExtOp::I64Ext32S: d_rr(true, 0, 0x63, d.code, a.code); return;
        case ExtOp::I64ExtI32U:
        case ExtOp::Wrap: d_mov(false, d, a); return;
      }
    }
    switch (op) {
      case ExtOp::I32Ext8S: a_.movsx(d32(d), x86::gpb(a.code)); return;
      case ExtOp::I32Ext16S: a_.movsx(d32(d), x86::gpw(a.code)); return;
      case ExtOp::I64Ext8S: a_.movsx(q(d), x86::gpb(a.code)); return;
      case ExtOp::I64Ext16S: a_.movsx(q(d), x86::gpw(a.code)); return;
      case ExtOp::I64Ext32S: a_.movsxd(q(d), d32(a)); return;
      case ExtOp::I64ExtI32U:
      case ExtOp::Wrap: a_.mov(d32(d), d32(a)); return;
    }
  }
  void div(DivOp op, W w, Gpr d, Gpr a, Gpr b, Label div0, Label overflow) override {
    const bool is_signed = op == DivOp::DivS || op == DivOp::RemS;
    const bool rem = op == DivOp::RemS || op == DivOp::RemU;
    const x86::Gp t = g(w, Gpr{11}), ax = g(w, Gpr{0}), dx = g(w, Gpr{2});
    asmjit::Label done = a_.newLabel(), normal = a_.newLabel();
    a_.mov(t, g(w, b));
    a_.mov(ax, g(w, a));
    a_.test(t, t);
    branch(Cond::Eq, div0);
    if (is_signed) {
      a_.cmp(t, -1);
      a_.jne(normal);
      if (rem) {
        a_.xor_(d32(d), d32(d));  // MIN % -1 == 0; anything % -1 == 0
        a_.jmp(done);
      } else {
        // x / -1 overflows only for MIN; otherwise it is -x.
        if (w == W::W64) {
          a_.mov(dx, uint64_t(1) << 63);
          a_.cmp(ax, dx);
        } else {
          a_.cmp(ax, 0x80000000u);
        }
        branch(Cond::Eq, overflow);
        a_.neg(ax);
        a_.mov(g(w, d), ax);
        a_.jmp(done);
      }
    }
    a_.bind(normal);
    if (is_signed) {
      if (w == W::W64) a_.cqo();
      else a_.cdq();
      a_.idiv(t);
    } else {
      a_.xor_(x86::edx, x86::edx);
      a_.div(t);
    }
    a_.mov(g(w, d), rem ? dx : ax);
    a_.bind(done);
  }

  // ---- compares and branches ----
  void cmp(W w, Gpr a, Gpr b) override {
    if (direct()) put(x64::enc_alu_rr(room(), x64::Alu::Cmp, w == W::W64, a.code, b.code));
    else a_.cmp(g(w, a), g(w, b));
  }
  void cmp_imm(W w, Gpr a, int32_t imm) override {
    if (direct()) {
      if (imm == 0) d_rr(w == W::W64, 0, 0x85, a.code, a.code);  // test a, a
      else put(x64::enc_alu_imm(room(), x64::Alu::Cmp, w == W::W64, a.code, imm));
      return;
    }
    if (imm == 0) a_.test(g(w, a), g(w, a));
    else a_.cmp(g(w, a), imm);
  }
  void cmp_mem_imm8(Address ad, uint8_t imm) override {
    if (direct()) {
      uint8_t* p = x64::enc_rm(room(), false, false, 0, 0x80, 7, mo(ad));  // cmp byte [m], imm8
      *p = imm;
      put(p + 1);
      return;
    }
    a_.cmp(mem(ad, 1), imm);
  }
  void cmp_mem(W w, Gpr a, Address b) override {
    if (direct()) put(x64::enc_alu_rm(room(), x64::Alu::Cmp, w == W::W64, a.code, mo(b)));
    else a_.cmp(g(w, a), mem(b, w == W::W64 ? 8 : 4));
  }
  void test(W w, Gpr a) override {
    if (direct()) d_rr(w == W::W64, 0, 0x85, a.code, a.code);
    else a_.test(g(w, a), g(w, a));
  }
  void set_cc(Cond c, Gpr d) override {
    if (direct()) {
      d_rr(false, 0x0F, uint8_t(0x90 | x64_cc(c)), 0, d.code, /*byte_rm=*/true);  // setcc d8
      d_rr(false, 0x0F, 0xB6, d.code, d.code, /*byte_rm=*/true);                   // movzx d32, d8
      return;
    }
    a_.set(cc(c), x86::gpb(d.code));
    a_.movzx(d32(d), x86::gpb(d.code));
  }
  void branch(Cond c, Label l) override {
    if (direct()) jump_to(l, uint8_t(0x70 | x64_cc(c)), 0x0F, uint8_t(0x80 | x64_cc(c)));
    else a_.j(cc(c), L(l));
  }
  void jmp(Label l) override {
    if (direct()) jump_to(l, 0xEB, 0, 0xE9);
    else a_.jmp(L(l));
  }
  void jmp_reg(Gpr r) override { a_.jmp(q(r)); }
  void cmov(Cond c, W w, Gpr d, Gpr s) override {
    if (direct()) d_rr(w == W::W64, 0x0F, uint8_t(0x40 | x64_cc(c)), d.code, s.code);
    else a_.cmov(cc(c), g(w, d), g(w, s));
  }
  void jump_table(Gpr index, const std::vector<Label>& targets, Gpr scratch) override {
    asmjit::Label table = a_.newLabel();
    a_.mov(r11.r32(), uint32_t(targets.size() - 1));
    a_.cmp(d32(index), r11.r32());
    a_.cmova(d32(index), r11.r32());
    a_.lea(q(scratch), x86::ptr(table));
    a_.jmp(x86::ptr(q(scratch), q(index), 3, 0, 8));
    a_.align(AlignMode::kData, 8);
    a_.bind(table);
    for (Label l : targets) a_.embedLabel(asm_label(l), 8);
  }

  // ---- floats ----
  void fbin(FOp op, FW w, Fpr d_, Fpr a_r, Fpr b_r) override {
    const x86::Xmm d = xm(d_), a = xm(a_r), b = xm(b_r);
    const bool f32 = w == FW::F32;
    switch (op) {
      case FOp::Add: case FOp::Sub: case FOp::Mul: case FOp::Div: {
        auto emit_op = [&](x86::Xmm dst, x86::Xmm src) {
          if (direct()) {
            const uint8_t code = op == FOp::Add ? 0x58 : op == FOp::Sub ? 0x5C : op == FOp::Mul ? 0x59 : 0x5E;
            d_sse(f32 ? 0xF3 : 0xF2, code, uint8_t(dst.id()), uint8_t(src.id()));
            return;
          }
          switch (op) {
            case FOp::Add: f32 ? a_.addss(dst, src) : a_.addsd(dst, src); break;
            case FOp::Sub: f32 ? a_.subss(dst, src) : a_.subsd(dst, src); break;
            case FOp::Mul: f32 ? a_.mulss(dst, src) : a_.mulsd(dst, src); break;
            default: f32 ? a_.divss(dst, src) : a_.divsd(dst, src); break;
          }
        };
        if (d == a) {
          emit_op(d, b);
        } else if (d == b && (op == FOp::Add || op == FOp::Mul)) {
          emit_op(d, a);  // commutative (of two NaNs, either may be the result: spec 4.3.3)
        } else if (d == b) {
          fmov_x(s15, a);
          emit_op(s15, b);
          fmov_x(d, s15);
        } else {
          fmov_x(d, a);
          emit_op(d, b);
        }
        return;
      }
      case FOp::Min: case FOp::Max: {
        // wasm fmin/fmax (spec 4.3.3): NaN if either is NaN, -0 < +0.
        asmjit::Label nan = a_.newLabel(), ordinary = a_.newLabel(), done = a_.newLabel();
        const bool is_min = op == FOp::Min;
        fmov_x(s15, a);
        ucomi(w, s15, b);
        a_.jp(nan);
        a_.jne(ordinary);
        // Equal: the zeros differ only by sign; or keeps a -0, and keeps a +0.
        if (is_min) a_.orps(s15, b);
        else a_.andps(s15, b);
        a_.jmp(done);
        a_.bind(nan);
        f32 ? a_.addss(s15, b) : a_.addsd(s15, b);  // a quiet NaN from whichever is NaN
        a_.jmp(done);
        a_.bind(ordinary);
        if (is_min) f32 ? a_.minss(s15, b) : a_.minsd(s15, b);
        else f32 ? a_.maxss(s15, b) : a_.maxsd(s15, b);
        a_.bind(done);
        fmov_x(d, s15);
        return;
      }
      case FOp::Copysign: {
        const uint64_t sign = f32 ? 0x80000000u : uint64_t(1) << 63;
        load_fconst(w, s14, sign);
        fmov_x(s15, b);
        a_.andps(s15, s14);   // b's sign
        a_.andnps(s14, a);    // a without its sign
        a_.orps(s14, s15);
        fmov_x(d, s14);
        return;
      }
    }
  }
  void fun(FUnOp op, FW w, Fpr d_, Fpr a_r) override {
    const x86::Xmm d = xm(d_), a = xm(a_r);
    const bool f32 = w == FW::F32;
    switch (op) {
      case FUnOp::Abs: case FUnOp::Neg: {
        const x86::Gp t = f32 ? r11.r32() : r11;
        f32 ? a_.movd(t, a) : a_.movq(t, a);
        if (op == FUnOp::Abs) a_.btr(t, f32 ? 31 : 63);
        else a_.btc(t, f32 ? 31 : 63);
        f32 ? a_.movd(d, t) : a_.movq(d, t);
        return;
      }
      case FUnOp::Sqrt: f32 ? a_.sqrtss(d, a) : a_.sqrtsd(d, a); return;
      default: {
        const uint32_t mode = op == FUnOp::Nearest ? 0 : op == FUnOp::Floor ? 1 : op == FUnOp::Ceil ? 2 : 3;
        f32 ? a_.roundss(d, a, mode | 8) : a_.roundsd(d, a, mode | 8);
        return;
      }
    }
  }
  void fcmp_set(FCond c, FW w, Gpr d_, Fpr a_r, Fpr b_r) override {
    const x86::Xmm a = xm(a_r), b = xm(b_r);
    const x86::Gp d8 = x86::gpb(d_.code);
    switch (c) {
      case FCond::Eq:
        ucomi(w, a, b);
        a_.sete(d8);
        a_.setnp(r11.r8());
        a_.and_(d8, r11.r8());
        break;
      case FCond::Ne:
        ucomi(w, a, b);
        a_.setne(d8);
        a_.setp(r11.r8());
        a_.or_(d8, r11.r8());
        break;
      case FCond::Lt: ucomi(w, b, a); a_.seta(d8); break;
      case FCond::Gt: ucomi(w, a, b); a_.seta(d8); break;
      case FCond::Le: ucomi(w, b, a); a_.setae(d8); break;
      case FCond::Ge: ucomi(w, a, b); a_.setae(d8); break;
    }
    a_.movzx(d32(d_), d8);
  }
  void fselect(Fpr d, Fpr s, Cond c) override {
    asmjit::Label skip = a_.newLabel();
    a_.j(cc(negate(c)), skip);
    fmov_x(xm(d), xm(s));
    a_.bind(skip);
  }
  void cvtt(W to, FW from, x86::Gp d, x86::Xmm a) {
    const x86::Gp dd = to == W::W64 ? x86::Gp(d.r64()) : x86::Gp(d.r32());
    if (from == FW::F32) a_.cvttss2si(dd, a);
    else a_.cvttsd2si(dd, a);
  }
  void trunc(W to, bool to_signed, FW from, Gpr d_, Fpr a_r, Label invalid, Label overflow) override {
    const bool saturate = !invalid.valid();
    const x86::Xmm a = xm(a_r);
    const x86::Gp d = q(d_);
    const unsigned n = to == W::W64 ? 64 : 32;
    const bool f32 = from == FW::F32;
    auto fbits = [&](double v) -> uint64_t {
      if (f32) {
        float f = float(v);
        uint32_t b;
        std::memcpy(&b, &f, 4);
        return b;
      }
      uint64_t b;
      std::memcpy(&b, &v, 8);
      return b;
    };
    // The bounds of num::trunc: fits iff lower < a < upper (or lower <= a
    // when lower - 1 is not representable).
    const double two_n1 = std::ldexp(1.0, int(n) - 1);
    double upper = to_signed ? two_n1 : 2 * two_n1;
    double lower;
    bool strict;
    if (to_signed) {
      const double below = -two_n1 - 1;
      const bool representable = f32 ? float(below) != float(-two_n1) : below != -two_n1;
      lower = representable ? below : -two_n1;
      strict = representable;
    } else {
      lower = -1;
      strict = true;
    }
    asmjit::Label nan = a_.newLabel(), over = a_.newLabel(), under = a_.newLabel(), done = a_.newLabel();
    ucomi(from, a, a);
    a_.jp(nan);
    load_fconst(from, s15, fbits(upper));
    ucomi(from, a, s15);
    a_.jae(over);
    load_fconst(from, s15, fbits(lower));
    ucomi(from, a, s15);
    if (strict) a_.jbe(under);
    else a_.jb(under);
    if (!to_signed && n == 64) {
      asmjit::Label big = a_.newLabel();
      load_fconst(from, s15, fbits(two_n1));
      ucomi(from, a, s15);
      a_.jae(big);
      cvtt(W::W64, from, d, a);
      a_.jmp(done);
      a_.bind(big);
      fmov_x(s14, a);
      f32 ? a_.subss(s14, s15) : a_.subsd(s14, s15);
      cvtt(W::W64, from, d, s14);
      a_.btc(d, 63);
    } else if (!to_signed) {
      cvtt(W::W64, from, d, a);
      a_.mov(d.r32(), d.r32());
    } else {
      cvtt(to, from, d, a);
    }
    a_.jmp(done);
    // Out of range or NaN.
    a_.bind(nan);
    if (saturate) {
      a_.xor_(d.r32(), d.r32());
      a_.jmp(done);
    } else {
      jmp(invalid);
    }
    a_.bind(over);
    if (saturate) {
      const uint64_t max = to_signed ? (n == 64 ? uint64_t(INT64_MAX) : uint64_t(INT32_MAX))
                                     : (n == 64 ? UINT64_MAX : uint64_t(UINT32_MAX));
      a_.mov(d, max);
      a_.jmp(done);
    } else {
      jmp(overflow);
    }
    a_.bind(under);
    if (saturate) {
      const uint64_t min = to_signed ? (n == 64 ? uint64_t(INT64_MIN) : uint64_t(uint32_t(INT32_MIN))) : 0;
      a_.mov(d, min);
    } else {
      jmp(overflow);
    }
    a_.bind(done);
  }
  void convert(FW to, W from, bool from_signed, Fpr d_, Gpr a_r) override {
    const x86::Xmm d = xm(d_);
    const bool f32 = to == FW::F32;
    auto cvt = [&](x86::Gp src) { f32 ? a_.cvtsi2ss(d, src) : a_.cvtsi2sd(d, src); };
    a_.xorps(d, d);  // no false dependency on d's old value
    if (from == W::W32) {
      if (from_signed) {
        cvt(d32(a_r));
      } else {
        a_.mov(r11.r32(), d32(a_r));
        cvt(r11);
      }
      return;
    }
    if (from_signed) {
      cvt(q(a_r));
      return;
    }
    // u64: halve values with the top bit set (keeping the low bit, so the
    // rounding is right), convert, double.
    asmjit::Label big = a_.newLabel(), done = a_.newLabel();
    a_.test(q(a_r), q(a_r));
    a_.js(big);
    cvt(q(a_r));
    a_.jmp(done);
    a_.bind(big);
    a_.mov(r11, q(a_r));
    a_.shr(r11, 1);
    a_.and_(q(a_r), 1);
    a_.or_(r11, q(a_r));
    cvt(r11);
    f32 ? a_.addss(d, d) : a_.addsd(d, d);
    a_.bind(done);
  }
  void promote(Fpr d, Fpr a) override { a_.cvtss2sd(xm(d), xm(a)); }
  void demote(Fpr d, Fpr a) override { a_.cvtsd2ss(xm(d), xm(a)); }

  // ---- calls ----
  // (A call or jump to an absolute address is a rel32 one once the code
  // is placed, or goes through asmjit's address table if the stub is out
  // of reach.)
  void call_stub(const void* stub) override {
    if (!stub) err_.failed = true;
    a_.call(Imm(uint64_t(uintptr_t(stub))));
  }
  void call_stub_suspending(const void* stub) override {
    if (!stub) err_.failed = true;
    if (direct()) {
      // lea rax, [rip + back]; push rax; jmp stub; back:
      const Label back = new_label();
      uint8_t* p = room();
      p[0] = 0x48, p[1] = 0x8D, p[2] = 0x05;
      OwnLabel& o = labels_[back.id];
      fixups_.push_back({uint32_t(a_.offset() + 3), o.fixups});
      o.fixups = uint32_t(fixups_.size() - 1);
      ++pending_fixups_;
      std::memset(p + 3, 0, 4);
      p[7] = 0x50;
      put(p + 8);
      a_.jmp(Imm(uint64_t(uintptr_t(stub))));
      bind(back);
      return;
    }
    asmjit::Label back = a_.newLabel();
    a_.lea(x86::rax, x86::ptr(back));
    a_.push(x86::rax);
    a_.jmp(Imm(uint64_t(uintptr_t(stub))));
    a_.bind(back);
  }
  void call_indirect_abs(const void* slot) override {
    const uintptr_t at = uintptr_t(slot);
    if (at <= uintptr_t(INT32_MAX)) {  // (a low heap address: one instruction, [disp32])
      a_.call(x86::ptr_abs(at, 8));
      return;
    }
    a_.mov(r11, uint64_t(at));
    a_.call(x86::ptr(r11, 0, 8));
  }
  void call_reg(Gpr r) override { a_.call(q(r)); }
  void jmp_stub(const void* stub) override {
    if (!stub) err_.failed = true;
    a_.jmp(Imm(uint64_t(uintptr_t(stub))));
  }
  Gpr c_arg(unsigned i) const override {
    static constexpr uint8_t regs[] = {7, 6, 2, 1, 8, 9};  // rdi rsi rdx rcx r8 r9
    return Gpr{regs[i]};
  }
  Gpr c_result() const override { return Gpr{0}; }
  void trap_stub(Label l, TrapCode code, const void* trap) override {
    bind(l);
    a_.mov(x86::edi, uint32_t(code));
    call_stub(trap);
  }
  void trap_stub_dynamic(Label l, const void* trap) override {
    bind(l);
    a_.mov(x86::edi, x86::eax);
    call_stub(trap);
  }

 private:
  ErrorFlag err_;
  StringLogger logger_;  // (declared before code_, which points to it)
  bool listing_ = false;
  CodeHolder code_;
  x64::ConstPool pool_;
  x86::Assembler a_;
  uint8_t sink_[x64::kMaxBytes];  // where room() writes once the buffer cannot grow
  // Direct mode's labels (new_label) and their unpatched rel32 fields.
  static constexpr uint32_t kNone = UINT32_MAX;
  struct OwnLabel {
    int32_t offset = -1;     // bound here, or -1
    uint32_t fixups = kNone;  // first of the chain in fixups_
    uint32_t asm_id = kNone;  // its asmjit label, if one was needed
  };
  struct Fixup {
    uint32_t at;  // offset of a rel32 field
    uint32_t next;
  };
  std::vector<OwnLabel> labels_;
  std::vector<Fixup> fixups_;
  size_t pending_fixups_ = 0;
};

}  // namespace

std::unique_ptr<MacroAssembler> MacroAssembler::create() { return std::make_unique<X64Masm>(); }

}  // namespace lvm::jit
