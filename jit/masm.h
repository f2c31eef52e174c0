// The macro-assembler the compiler emits through (brief section 3): a small
// set of architecture-neutral operations on registers, frame slots and
// linear memory. jit/x64/ implements it with asmjit's x86 Assembler; an
// AArch64 backend implements the same interface with asmjit's a64. Nothing
// outside jit/<arch>/ sees an asmjit type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "loader/opcodes.h"

namespace lvm::jit {

// A general-purpose or floating-point register by its architecture code.
struct Gpr {
  uint8_t code = 0xFF;
  bool valid() const { return code != 0xFF; }
  bool operator==(const Gpr&) const = default;
};
struct Fpr {
  uint8_t code = 0xFF;
  bool valid() const { return code != 0xFF; }
  bool operator==(const Fpr&) const = default;
};

// Operand widths: 32- or 64-bit integers, f32 or f64.
enum class W : uint8_t { W32, W64 };
enum class FW : uint8_t { F32, F64 };

// A code position; bound once, referred to any number of times.
struct Label {
  uint32_t id = UINT32_MAX;
  bool valid() const { return id != UINT32_MAX; }
};

// A memory operand: base + index * scale + disp. An invalid index means none.
struct Address {
  Gpr base;
  Gpr index;
  uint8_t scale = 1;
  int32_t disp = 0;
};

// Integer conditions (after cmp): signed and unsigned orders.
enum class Cond : uint8_t { Eq, Ne, LtS, LtU, GtS, GtU, LeS, LeU, GeS, GeU };
Cond negate(Cond c);
Cond swap_operands(Cond c);  // a < b  <=>  b > a

// Float conditions (ordered compares: false when either operand is NaN,
// except Ne, which is true then).
enum class FCond : uint8_t { Eq, Ne, Lt, Gt, Le, Ge };

enum class IntOp : uint8_t { Add, Sub, Mul, And, Or, Xor };
enum class ShiftOp : uint8_t { Shl, ShrS, ShrU, Rotl, Rotr };
enum class IntUnOp : uint8_t { Clz, Ctz, Popcnt };
enum class DivOp : uint8_t { DivS, DivU, RemS, RemU };
enum class FOp : uint8_t { Add, Sub, Mul, Div, Min, Max, Copysign };
enum class FUnOp : uint8_t { Abs, Neg, Ceil, Floor, Trunc, Nearest, Sqrt };
// Extensions within the integer registers.
enum class ExtOp : uint8_t { I32Ext8S, I32Ext16S, I64Ext8S, I64Ext16S, I64Ext32S, I64ExtI32U, Wrap };
// Loads: the memory type read and how it extends.
enum class LoadKind : uint8_t { U8, S8, U16, S16, U32, S32, X64 };

// Traps an instruction may raise, by the vm's Trap values (vm/trap.h), kept
// as the integers the trap stubs pass on.
using TrapCode = uint8_t;

class MacroAssembler {
 public:
  virtual ~MacroAssembler() = default;
  // A fresh assembler for one function.
  static std::unique_ptr<MacroAssembler> create();
  // Empties it for another function, keeping the memory it allocated.
  virtual void reset() = 0;

  // ---- code layout ----
  virtual Label new_label() = 0;
  virtual void bind(Label l) = 0;
  // Finishes the code; its size in bytes (copy_to writes it at `rx`,
  // through the writable alias `rw`).
  virtual size_t finish() = 0;
  virtual bool copy_to(void* rw, void* rx) = 0;
  // Offset of the next instruction.
  virtual size_t offset() const = 0;
  // The offset a bound label ended up at (after finish()).
  virtual size_t label_offset(Label l) const = 0;
  // True if asmjit reported an error (out of memory, an invalid encoding).
  virtual bool failed() const = 0;
  // Whether to keep a text listing of what is emitted (`lvm run
  // --jit-dump`); off by default, and it stays as set across reset().
  virtual void set_listing(bool on) = 0;
  // The listing of everything emitted since reset() (empty when off).
  virtual std::string listing() const = 0;

  // ---- frame ----
  // push fp; fp = sp; push each of `saved`; sp -= frame_bytes. The entry
  // check compares sp - frame_bytes (before moving sp, left in the scratch
  // register) with the limit at [ctx + limit_off] and jumps to `slow`
  // below it; `cont`, bound here, is where the slow path comes back to.
  virtual void prologue(const std::vector<Gpr>& saved, uint32_t frame_bytes, int32_t limit_off, Label slow,
                        Label cont) = 0;
  // Zeroes `count` 8-byte frame slots from [fp + lowest_disp] upwards
  // (locals on entry; may clobber any register the compiler allocates).
  virtual void zero_frame(int32_t lowest_disp, uint32_t count) = 0;
  // Restores `saved` and fp and returns.
  virtual void epilogue(const std::vector<Gpr>& saved) = 0;
  // Addresses relative to the frame pointer, the stack pointer and the context.
  virtual Address frame(int32_t disp) const = 0;
  virtual Address stack(int32_t disp) const = 0;
  virtual Address ctx(int32_t disp) const = 0;

  // ---- moves ----
  virtual void mov(W w, Gpr d, Gpr s) = 0;
  virtual void mov_imm(W w, Gpr d, uint64_t v) = 0;
  virtual void load(W w, Gpr d, Address a, LoadKind k) = 0;
  virtual void load_ptr(Gpr d, Address a) = 0;
  virtual void store(Address a, Gpr s, unsigned bytes) = 0;
  virtual void store_imm(Address a, uint64_t v, unsigned bytes) = 0;  // v must fit in 32 bits signed for 8 bytes
  virtual void lea(Gpr d, Address a) = 0;
  virtual void fmov(FW w, Fpr d, Fpr s) = 0;
  virtual void fload(FW w, Fpr d, Address a) = 0;
  virtual void fstore(FW w, Address a, Fpr s) = 0;
  virtual void fconst(FW w, Fpr d, uint64_t bits) = 0;
  virtual void fpr_from_gpr(FW w, Fpr d, Gpr s) = 0;  // bit copy
  virtual void gpr_from_fpr(FW w, Gpr d, Fpr s) = 0;  // bit copy

  // ---- 128-bit vectors (a v128 in an Fpr; memory operands of any alignment) ----
  virtual void vmov(Fpr d, Fpr s) = 0;
  virtual void vload(Fpr d, Address a) = 0;
  virtual void vstore(Address a, Fpr s) = 0;
  // Whether vload_op has an inline sequence for SIMD load `op`.
  virtual bool vload_inline(Opcode op) const = 0;
  // d = the lanes SIMD load `op` (v128.load8x8_s ... v128.load64_splat,
  // the zero-filling loads) makes of the bytes at `a`: one memory access,
  // by the sequence's first instruction (its fault site).
  virtual void vload_op(Opcode op, Fpr d, Address a) = 0;
  virtual void vconst(Fpr d, uint64_t lo, uint64_t hi) = 0;  // lane bytes 0-7, 8-15
  // 16 bytes from memory to memory (through the assembler's scratch).
  virtual void copy16(Address d, Address s) = 0;

  // ---- SIMD lane operations (vm/simd_ops.def's shapes) ----
  // Whether this CPU has an inline sequence for SIMD instruction `op`; if
  // not, the compiler takes the generic path (vm/simd.h on the host stack).
  virtual bool simd_inline(Opcode op) const = 0;
  // d = op(d), op(d, b), op(d, b, c): d holds the first operand.
  virtual void simd_v(Opcode op, Fpr d) = 0;
  virtual void simd_vv(Opcode op, Fpr d, Fpr b) = 0;
  virtual void simd_vvv(Opcode op, Fpr d, Fpr b, Fpr c) = 0;
  // Whether binary `op` can write a register other than its operands'
  // (x86: AVX's VEX forms), so that simd_vv3 needs no copy of the first.
  virtual bool simd_vv3_ok(Opcode op) const = 0;
  // d = op(l, r), d any register (l or r included); only if simd_vv3_ok.
  virtual void simd_vv3(Opcode op, Fpr d, Fpr l, Fpr r) = 0;
  // Integer extract_lane, any_true, all_true, bitmask: d = op(v).
  virtual void simd_to_gpr(Opcode op, Gpr d, Fpr v, uint32_t lane) = 0;
  // Integer splat (d written whole), replace_lane and shifts (d the vector).
  virtual void simd_gpr(Opcode op, Fpr d, Gpr x, uint32_t lane) = 0;
  // Float splat (d from x), extract_lane (d from the vector x), replace_lane (d the vector).
  virtual void simd_fpr(Opcode op, Fpr d, Fpr x, uint32_t lane) = 0;
  // d = i8x16.shuffle(a, b) by `pattern` (16 lane indices below 32); d
  // may be a, b or another register.
  virtual void simd_shuffle(Fpr d, Fpr a, Fpr b, const uint8_t pattern[16]) = 0;

  // ---- integer arithmetic (d may equal a or b) ----
  virtual void alu(IntOp op, W w, Gpr d, Gpr a, Gpr b) = 0;
  virtual void alu_imm(IntOp op, W w, Gpr d, Gpr a, int32_t imm) = 0;
  // d = a op [b] (d may equal a): the second operand read from memory.
  virtual void alu_mem(IntOp op, W w, Gpr d, Gpr a, Address b) = 0;
  // The registers shift() and div() need free (x86: rcx for counts,
  // rax/rdx for division), as a mask of codes.
  virtual uint32_t shift_clobbers() const = 0;
  virtual uint32_t div_clobbers() const = 0;
  virtual void shift(ShiftOp op, W w, Gpr d, Gpr a, Gpr count) = 0;
  virtual void shift_imm(ShiftOp op, W w, Gpr d, Gpr a, uint8_t count) = 0;
  virtual void unop(IntUnOp op, W w, Gpr d, Gpr a) = 0;
  virtual void ext(ExtOp op, Gpr d, Gpr a) = 0;
  // d = a op b with the traps of division (spec 4.3.2): `div0` on a zero
  // divisor, `overflow` on MIN / -1 for DivS.
  virtual void div(DivOp op, W w, Gpr d, Gpr a, Gpr b, Label div0, Label overflow) = 0;

  // ---- compares and branches ----
  virtual void cmp(W w, Gpr a, Gpr b) = 0;
  virtual void cmp_imm(W w, Gpr a, int32_t imm) = 0;
  virtual void cmp_mem_imm8(Address a, uint8_t imm) = 0;
  virtual void cmp_mem(W w, Gpr a, Address b) = 0;
  virtual void test(W w, Gpr a) = 0;  // flags for a == 0
  virtual void set_cc(Cond c, Gpr d) = 0;  // d = cond ? 1 : 0 (32 bits)
  virtual void branch(Cond c, Label l) = 0;
  virtual void jmp(Label l) = 0;
  virtual void jmp_reg(Gpr r) = 0;
  // d = cond ? s : d
  virtual void cmov(Cond c, W w, Gpr d, Gpr s) = 0;
  // A jump table: jumps to targets[min(index, n - 1)] (index unsigned 32 bits).
  virtual void jump_table(Gpr index, const std::vector<Label>& targets, Gpr scratch) = 0;

  // ---- floats ----
  virtual void fbin(FOp op, FW w, Fpr d, Fpr a, Fpr b) = 0;
  virtual void fun(FUnOp op, FW w, Fpr d, Fpr a) = 0;
  virtual void fcmp_set(FCond c, FW w, Gpr d, Fpr a, Fpr b) = 0;
  virtual void fselect(Fpr d, Fpr s, Cond c) = 0;  // after cmp: d = cond ? s : d (any width)
  // Conversions (spec 4.3.4). Trapping truncation: `invalid` on NaN,
  // `overflow` out of range; saturating when both labels are invalid.
  virtual void trunc(W to, bool to_signed, FW from, Gpr d, Fpr a, Label invalid, Label overflow) = 0;
  virtual void convert(FW to, W from, bool from_signed, Fpr d, Gpr a) = 0;
  virtual void promote(Fpr d, Fpr a) = 0;
  virtual void demote(Fpr d, Fpr a) = 0;

  // ---- calls ----
  // Calls one of the shared stubs (jit/stubs.h) at its address: a direct
  // call, so neither a load nor the context's cache lines are on the way
  // (a process's first run finds them cold). A null `stub` (the stubs
  // could not be generated) fails the assembly.
  virtual void call_stub(const void* stub) = 0;
  // The same for a stub that may suspend the process (jit/stubs.h: a
  // suspending stub): the return address is pushed and the stub jumped
  // to, so the return predictor gets no entry the suspension would leave
  // behind; the stub comes back with a jump. Clobbers the C result
  // register (the stub's C call does anyway).
  virtual void call_stub_suspending(const void* stub) = 0;
  // Calls the code pointer stored at absolute address `slot`.
  virtual void call_indirect_abs(const void* slot) = 0;
  virtual void call_reg(Gpr r) = 0;
  // Jumps to a shared stub.
  virtual void jmp_stub(const void* stub) = 0;
  // The register holding argument i of a C call (the runtime helpers).
  virtual Gpr c_arg(unsigned i) const = 0;
  virtual Gpr c_result() const = 0;
  // Label `l`: raises trap `code` through the trap stub.
  virtual void trap_stub(Label l, TrapCode code, const void* trap) = 0;
  // A trap whose code a runtime helper returned in the C result register.
  virtual void trap_stub_dynamic(Label l, const void* trap) = 0;
};

}  // namespace lvm::jit
