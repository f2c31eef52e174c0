// Tests for jit/x64/encoder_x64.h through the macro-assembler: every method
// with a direct encoding writes, for every register, width, immediate class
// and memory-operand class (each base, with and without an index, every
// scale, displacements of 0, 8 and 32 bits), the same bytes as asmjit does
// for it. A listing turns the direct encodings off (jit/x64/masm_x64.cpp),
// so the same calls made on an assembler with a listing are asmjit's.
#include <doctest/doctest.h>

#include <climits>
#include <cstdint>
#include <functional>
#include <vector>

#include "jit/masm.h"

using namespace lvm::jit;

#if defined(__x86_64__)

namespace {

// The bytes `emit` makes: directly (false) or through asmjit (true).
std::vector<uint8_t> bytes_of(bool through_asmjit, const std::function<void(MacroAssembler&)>& emit) {
  auto m = MacroAssembler::create();
  m->set_listing(through_asmjit);
  emit(*m);
  const size_t n = m->finish();
  REQUIRE_FALSE(m->failed());
  std::vector<uint8_t> out(n);
  // (placed at one made-up address both ways: calls and jumps to stubs are relative to it)
  REQUIRE(m->copy_to(out.data(), reinterpret_cast<void*>(uintptr_t(0x40000000))));
  return out;
}

// Runs `emit` both ways and compares; counts the cases.
size_t g_cases = 0, g_empty = 0;
void same(const std::function<void(MacroAssembler&)>& emit) {
  ++g_cases;
  const std::vector<uint8_t> direct = bytes_of(false, emit), asmjit = bytes_of(true, emit);
  if (asmjit.empty()) ++g_empty;  // (a move to itself, a shift by 0: nothing either way)
  if (direct != asmjit) {
    std::string d, a;
    for (uint8_t b : direct) d += " " + std::to_string(b);
    for (uint8_t b : asmjit) a += " " + std::to_string(b);
    FAIL_CHECK("direct" << d << " != asmjit" << a);
  }
}

std::vector<Address> addresses() {
  std::vector<Address> out;
  const int32_t disps[] = {0, 1, -1, 127, -128, 128, -129, 0x12345678, INT32_MIN, INT32_MAX};
  for (uint8_t base = 0; base < 16; ++base) {
    for (int32_t d : disps) out.push_back(Address{Gpr{base}, Gpr{}, 1, d});
    for (uint8_t index : {0, 5, 8, 12, 13, 15}) {  // (rsp cannot be an index)
      for (uint8_t scale : {1, 2, 4, 8}) {
        for (int32_t d : {0, -8, 1024}) out.push_back(Address{Gpr{base}, Gpr{index}, scale, d});
      }
    }
  }
  return out;
}

const int32_t kImms[] = {0, 1, -1, 127, -128, 128, -129, 0x7FFF, 0x12345678, INT32_MIN, INT32_MAX};

}  // namespace

TEST_CASE("register-register forms: the same bytes as asmjit for every pair of registers and width") {
  g_cases = 0;
  for (uint8_t d = 0; d < 16; ++d) {
    for (uint8_t s = 0; s < 16; ++s) {
      CAPTURE(int(d));
      CAPTURE(int(s));
      for (W w : {W::W32, W::W64}) {
        if (!(d == s && w == W::W64)) same([&](MacroAssembler& m) { m.mov(w, Gpr{d}, Gpr{s}); });
        same([&](MacroAssembler& m) { m.cmp(w, Gpr{d}, Gpr{s}); });
        same([&](MacroAssembler& m) { m.cmov(Cond::LtS, w, Gpr{d}, Gpr{s}); });
        for (IntOp op : {IntOp::Add, IntOp::Sub, IntOp::Mul, IntOp::And, IntOp::Or, IntOp::Xor}) {
          // d = d op s, and d = a op s with a third register (an add is a
          // lea [a + s] then, and rsp, never a value's register, cannot be
          // an index).
          same([&](MacroAssembler& m) { m.alu(op, w, Gpr{d}, Gpr{d}, Gpr{s}); });
          const uint8_t a = uint8_t((d + 3) % 16);
          if (a != s && s != 4) same([&](MacroAssembler& m) { m.alu(op, w, Gpr{d}, Gpr{a}, Gpr{s}); });
        }
      }
      for (ExtOp op : {ExtOp::I32Ext8S, ExtOp::I32Ext16S, ExtOp::I64Ext8S, ExtOp::I64Ext16S, ExtOp::I64Ext32S,
                       ExtOp::I64ExtI32U, ExtOp::Wrap})
        same([&](MacroAssembler& m) { m.ext(op, Gpr{d}, Gpr{s}); });
    }
    for (W w : {W::W32, W::W64}) same([&](MacroAssembler& m) { m.test(w, Gpr{d}); });
    for (Cond c : {Cond::Eq, Cond::Ne, Cond::LtS, Cond::LtU, Cond::GtS, Cond::GtU, Cond::LeS, Cond::LeU, Cond::GeS,
                   Cond::GeU})
      same([&](MacroAssembler& m) { m.set_cc(c, Gpr{d}); });
  }
  MESSAGE(g_cases << " cases");
}

TEST_CASE("register-immediate forms: the same bytes as asmjit for every register and immediate class") {
  for (uint8_t d = 0; d < 16; ++d) {
    CAPTURE(int(d));
    const uint8_t a = uint8_t((d + 5) % 16);
    for (int32_t imm : kImms) {
      CAPTURE(imm);
      for (W w : {W::W32, W::W64}) {
        same([&](MacroAssembler& m) { m.cmp_imm(w, Gpr{d}, imm); });
        for (IntOp op : {IntOp::Add, IntOp::Sub, IntOp::Mul, IntOp::And, IntOp::Or, IntOp::Xor}) {
          same([&](MacroAssembler& m) { m.alu_imm(op, w, Gpr{d}, Gpr{d}, imm); });
          same([&](MacroAssembler& m) { m.alu_imm(op, w, Gpr{d}, Gpr{a}, imm); });
        }
      }
    }
    for (uint64_t v : {uint64_t(0), uint64_t(1), uint64_t(0xFFFFFFFF), uint64_t(0x80000000), ~uint64_t(0),
                       uint64_t(-129), uint64_t(INT32_MIN) | (~uint64_t(0) << 32)}) {
      same([&](MacroAssembler& m) { m.mov_imm(W::W64, Gpr{d}, v); });
      same([&](MacroAssembler& m) { m.mov_imm(W::W32, Gpr{d}, v); });
    }
  }
}

TEST_CASE("memory forms: the same bytes as asmjit for every base, index, scale and displacement class") {
  g_cases = 0;
  const std::vector<Address> all = addresses();
  for (const Address& ad : all) {
    CAPTURE(int(ad.base.code));
    CAPTURE(int(ad.index.code));
    CAPTURE(int(ad.scale));
    CAPTURE(ad.disp);
    // The register operand takes the classes that change the encoding:
    // low, high (REX.R), and the byte registers that need a bare REX.
    for (uint8_t r : {0, 6, 9}) {
      for (LoadKind k : {LoadKind::U8, LoadKind::S8, LoadKind::U16, LoadKind::S16, LoadKind::U32, LoadKind::S32,
                         LoadKind::X64}) {
        same([&](MacroAssembler& m) { m.load(W::W32, Gpr{r}, ad, k); });
        same([&](MacroAssembler& m) { m.load(W::W64, Gpr{r}, ad, k); });
      }
      same([&](MacroAssembler& m) { m.load_ptr(Gpr{r}, ad); });
      same([&](MacroAssembler& m) { m.lea(Gpr{r}, ad); });
      for (unsigned bytes : {1u, 2u, 4u, 8u}) same([&](MacroAssembler& m) { m.store(ad, Gpr{r}, bytes); });
      for (W w : {W::W32, W::W64}) {
        same([&](MacroAssembler& m) { m.cmp_mem(w, Gpr{r}, ad); });
        for (IntOp op : {IntOp::Add, IntOp::Sub, IntOp::Mul, IntOp::And, IntOp::Or, IntOp::Xor}) {
          same([&](MacroAssembler& m) { m.alu_mem(op, w, Gpr{r}, Gpr{r}, ad); });
          same([&](MacroAssembler& m) { m.alu_mem(op, w, Gpr{r}, Gpr{uint8_t(r + 1)}, ad); });
        }
      }
    }
    for (uint64_t v : {uint64_t(0), uint64_t(0x7F), uint64_t(0xFF), uint64_t(0xFFFF), uint64_t(0x12345678),
                       ~uint64_t(0)}) {
      for (unsigned bytes : {1u, 2u, 4u, 8u}) same([&](MacroAssembler& m) { m.store_imm(ad, v, bytes); });
    }
    for (uint8_t imm : {uint8_t(0), uint8_t(0x7F), uint8_t(0x80), uint8_t(0xFF)})
      same([&](MacroAssembler& m) { m.cmp_mem_imm8(ad, imm); });
  }
  MESSAGE(g_cases << " cases");
}

TEST_CASE("SSE moves, scalar arithmetic, compares and shifts by a constant: the same bytes as asmjit") {
  g_cases = g_empty = 0;
  for (const Address& ad : addresses()) {
    CAPTURE(int(ad.base.code));
    CAPTURE(int(ad.index.code));
    CAPTURE(ad.disp);
    for (uint8_t x : {0, 6, 9, 15}) {
      for (FW w : {FW::F32, FW::F64}) {
        same([&](MacroAssembler& m) { m.fload(w, Fpr{x}, ad); });
        same([&](MacroAssembler& m) { m.fstore(w, ad, Fpr{x}); });
      }
      same([&](MacroAssembler& m) { m.vload(Fpr{x}, ad); });
      same([&](MacroAssembler& m) { m.vstore(ad, Fpr{x}); });
    }
  }
  for (uint8_t d = 0; d < 16; ++d) {
    CAPTURE(int(d));
    for (uint8_t s = 0; s < 16; ++s) {
      CAPTURE(int(s));
      for (FW w : {FW::F32, FW::F64}) {
        same([&](MacroAssembler& m) { m.fmov(w, Fpr{d}, Fpr{s}); });
        same([&](MacroAssembler& m) { m.fpr_from_gpr(w, Fpr{d}, Gpr{s}); });
        same([&](MacroAssembler& m) { m.gpr_from_fpr(w, Gpr{d}, Fpr{s}); });
        for (FOp op : {FOp::Add, FOp::Sub, FOp::Mul, FOp::Div}) {
          same([&](MacroAssembler& m) { m.fbin(op, w, Fpr{d}, Fpr{d}, Fpr{s}); });
          same([&](MacroAssembler& m) { m.fbin(op, w, Fpr{d}, Fpr{uint8_t((d + 1) % 14)}, Fpr{s}); });
        }
        // (a compare through ucomis*; its flags then set a register)
        same([&](MacroAssembler& m) { m.fcmp_set(FCond::Gt, w, Gpr{uint8_t(d % 11)}, Fpr{d}, Fpr{s}); });
      }
      same([&](MacroAssembler& m) { m.vmov(Fpr{d}, Fpr{s}); });
      for (ShiftOp op : {ShiftOp::Shl, ShiftOp::ShrS, ShiftOp::ShrU, ShiftOp::Rotl, ShiftOp::Rotr}) {
        for (uint8_t count : {0, 1, 2, 3, 5, 31, 32, 63, 64, 200}) {
          for (W w : {W::W32, W::W64}) {
            same([&](MacroAssembler& m) { m.shift_imm(op, w, Gpr{d}, Gpr{d}, count); });
            if (s != 4) same([&](MacroAssembler& m) { m.shift_imm(op, w, Gpr{d}, Gpr{s}, count); });  // (lea [s + s]: rsp is no index)
          }
        }
      }
    }
    for (FW w : {FW::F32, FW::F64}) same([&](MacroAssembler& m) { m.fconst(w, Fpr{d}, 0); });
  }
  // A call into a stub that may suspend: its return address is a label.
  same([](MacroAssembler& m) {
    m.call_stub_suspending(reinterpret_cast<const void*>(uintptr_t(0x40001000)));
    m.mov(W::W32, Gpr{0}, Gpr{1});
    m.call_stub_suspending(reinterpret_cast<const void*>(uintptr_t(0x3FFF0000)));
  });
  MESSAGE(g_cases << " cases");
  CHECK(g_empty < g_cases / 4);  // (the empty ones: moves to themselves, shifts by a multiple of the width)
}

TEST_CASE("the frame's prologue and epilogue: the same bytes as asmjit for every set of saved registers") {
  for (const std::vector<Gpr>& saved : {std::vector<Gpr>{}, std::vector<Gpr>{Gpr{3}},
                                        std::vector<Gpr>{Gpr{3}, Gpr{12}, Gpr{13}, Gpr{15}}}) {
    for (uint32_t frame : {0u, 8u, 120u, 4096u}) {
      same([&](MacroAssembler& m) {
        const Label slow = m.new_label(), cont = m.new_label();
        m.prologue(saved, frame, 32, slow, cont);
        m.epilogue(saved);
        m.bind(slow);
        m.jmp(cont);
      });
    }
  }
}

TEST_CASE("direct encodings and asmjit's interleave: labels and jumps around them land where asmjit puts them") {
  // A loop of mixed instructions, some direct and some asmjit's, whose
  // branch displacements depend on every length before them.
  same([](MacroAssembler& m) {
    const Label top = m.new_label(), out = m.new_label();
    m.bind(top);
    m.load(W::W32, Gpr{0}, Address{Gpr{15}, Gpr{3}, 1, 0x20}, LoadKind::U32);
    m.shift_imm(ShiftOp::ShrU, W::W32, Gpr{0}, Gpr{0}, 3);  // (asmjit's)
    m.alu_imm(IntOp::Add, W::W32, Gpr{1}, Gpr{0}, 1000);
    m.cmp_imm(W::W32, Gpr{1}, 0);
    m.branch(Cond::Eq, out);
    m.store(Address{Gpr{5}, Gpr{}, 1, -16}, Gpr{1}, 4);
    m.fconst(FW::F64, Fpr{2}, 0x3FF0000000000000ull);  // (asmjit's)
    m.jmp(top);
    m.bind(out);
  });
  // Many instructions: the code buffer grows under the direct writes.
  same([](MacroAssembler& m) {
    for (int i = 0; i < 5000; ++i) {
      m.load(W::W64, Gpr{uint8_t(i % 16)}, Address{Gpr{5}, Gpr{}, 1, -8 * (i % 300)}, LoadKind::X64);
      m.store_imm(Address{Gpr{4}, Gpr{}, 1, 8 * (i % 50)}, uint64_t(i), 4);
    }
  });
}

TEST_CASE("the macro-assembler's own labels: jumps of both reaches, both directions, tables, offsets as asmjit's") {
  // Backward in reach of rel8 and beyond it, forward (always rel32), a
  // label bound before and after a jump table names it, chains of several
  // jumps to one label, and label_offset after finish.
  std::vector<size_t> offsets[2];
  std::vector<uint8_t> bytes[2];
  for (bool through_asmjit : {false, true}) {
    auto m = MacroAssembler::create();
    m->set_listing(through_asmjit);
    const Label near_back = m->new_label(), far_back = m->new_label(), fwd = m->new_label(),
                late = m->new_label(), unused = m->new_label();
    m->bind(far_back);
    for (int i = 0; i < 40; ++i) m->mov_imm(W::W32, Gpr{uint8_t(i % 8)}, 0x1000u + unsigned(i));  // 200 bytes
    m->bind(near_back);
    m->mov(W::W64, Gpr{1}, Gpr{2});
    m->branch(Cond::Ne, near_back);
    m->jmp(near_back);
    m->branch(Cond::GtU, far_back);
    m->jmp(far_back);
    for (int i = 0; i < 3; ++i) {
      m->branch(Cond::LeS, fwd);
      m->jmp(fwd);
    }
    m->jump_table(Gpr{0}, {near_back, late, fwd}, Gpr{2});
    m->bind(fwd);
    m->mov_imm(W::W32, Gpr{0}, 7);
    m->bind(late);
    m->jmp(late);
    (void)unused;  // (made, never bound, never jumped to: no harm)
    const size_t n = m->finish();
    REQUIRE_FALSE(m->failed());
    std::vector<uint8_t> code(n);
    // (placed at one made-up address both times: the table's entries are absolute)
    REQUIRE(m->copy_to(code.data(), reinterpret_cast<void*>(uintptr_t(0x40000000))));
    for (Label l : {near_back, far_back, fwd, late}) offsets[through_asmjit].push_back(m->label_offset(l));
    offsets[through_asmjit].push_back(n);
    bytes[through_asmjit] = code;
  }
  CHECK(offsets[0] == offsets[1]);
  CHECK(bytes[0] == bytes[1]);
  same([](MacroAssembler& m) {
    const Label back = m.new_label(), fwd = m.new_label();
    m.bind(back);
    m.mov(W::W32, Gpr{3}, Gpr{4});
    m.branch(Cond::Eq, back);
    m.branch(Cond::LtS, fwd);
    for (int i = 0; i < 60; ++i) m.store_imm(Address{Gpr{5}, Gpr{}, 1, -8}, uint64_t(i), 4);
    m.branch(Cond::GeU, back);  // (beyond rel8 now)
    m.jmp(back);
    m.bind(fwd);
  });
}

TEST_CASE("a jump to a label that is never bound fails the function instead of leaving a hole") {
  auto m = MacroAssembler::create();
  const Label never = m->new_label();
  m->jmp(never);
  m->finish();
  CHECK(m->failed());
}

#endif  // __x86_64__
