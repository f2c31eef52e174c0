// The single-pass compiler (brief section 3), in the manner of V8's Liftoff
// and wasmtime's Winch: it walks a validated function once, keeping an
// abstract operand stack whose entries are registers, constants, lazy
// references to locals or spill slots, allocates registers on the fly and
// makes values canonical (each stack position has its own frame slot) only
// where control flow merges or calls need it. The most used integer locals
// live in callee-saved registers for the whole function. It emits through
// MacroAssembler (jit/masm.h), never an architecture directly.
//
// compiler.cpp: the driver, the pre-scan, the value stack and registers;
// compile_control.cpp: blocks, branches, calls, returns;
// compile_numeric.cpp: numeric instructions; compile_memory.cpp: memory,
// globals, tables and references.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "jit/abi.h"
#include "jit/masm.h"
#include "loader/code_cursor.h"
#include "loader/module.h"

namespace lvm::jit {

class ModuleCode;

// A non-owning reference to a callable `void()`, for the compare callbacks
// of branch fusion (std::function would allocate for their captures).
class EmitFn {
 public:
  template <class F>
  EmitFn(const F& f) : obj_(&f), call_([](const void* o) { (*static_cast<const F*>(o))(); }) {}  // NOLINT: implicit
  void operator()() const { call_(obj_); }

 private:
  const void* obj_;
  void (*call_)(const void*);
};

// A range of code offsets [begin, end) holding only accesses to linear
// memory 0 without a bounds check: a fault there is the guest's
// out-of-bounds access (jit/signals.h turns it into a trap).
struct FaultRange {
  uint32_t begin, end;
};

// What compiling one function produced.
struct CompileResult {
  std::unique_ptr<MacroAssembler> masm;  // finished code, to be copied out
  size_t size = 0;
  std::string fallback;  // non-empty: not compiled, and why (the interpreter runs it)
  std::vector<FaultRange> faults;  // in increasing order
  std::string listing;  // the code as text, when asked for
  size_t sums = 0;  // add chains of two terms or more compiled beside their local (compile_simd_sum.cpp)
};

// How memory 0 is protected in the instances the code will run for
// (vm/memory.h): a guarded reservation, where an access beyond the size
// faults, or a small slot, which needs an explicit check.
enum class MemoryMode : uint8_t { Guarded, Checked };

// The kind of instance code is compiled for: how its memory 0 is
// protected, and whether its stores mark the granules they write in the
// dirty map (vm/memory.h, LinearMemory::mark_dirty). Only an instance whose
// memory is reset for another process (ModuleImage::recycle: a spawned
// process's) needs the marks; the root process's and instances outside
// processes run code without them (a third of a store-bound loop's
// time), and their memory is never reset (LinearMemory::set_untracked).
struct CodeVariant {
  CodeVariant(MemoryMode m = MemoryMode::Guarded, bool track = true) : mode(m), track_writes(track) {}
  MemoryMode mode;
  bool track_writes;
};

// Compiles defined function `func_index` of `m`. `code_table` is the
// module's table of code pointers (calls to its functions go through it).
// With `listing`, the result also has the code as assembly text.
CompileResult compile_function(const Module& m, uint32_t func_index, void* const* code_table, CodeVariant variant,
                               bool listing = false);

// A macro-assembler for the calling thread: a fresh one, or the last one
// recycled there (reset; its memory reused). Hand it back when done.
std::unique_ptr<MacroAssembler> take_assembler();
void recycle_assembler(std::unique_ptr<MacroAssembler> masm);

class Compiler {
 public:
  Compiler(const Module& m, uint32_t func_index, void* const* code_table, CodeVariant variant, bool listing);
  CompileResult run();

 private:
  // ---- the abstract operand stack (compiler.cpp) ----
  enum class Kind : uint8_t { Reg, Const, Local, Slot };
  struct Value {
    ValType type;
    Kind kind;
    uint8_t reg;     // Reg: a Gpr or Fpr code, by type
    uint32_t local;  // Local: the local; Slot: the stack position whose slot it is
    uint64_t bits;   // Const
  };
  struct LocalInfo {
    ValType type;
    bool homed;      // in register `reg` for the whole function
    uint8_t reg;
    int32_t disp;    // else its frame offset (a caller-saved home: where calls save it)
    bool volatile_home = false;  // `reg` is caller-saved (Regs::vhomes, fhomes)
  };
  static bool is_float(ValType t) { return t == ValType::F32 || t == ValType::F64; }
  static bool is_vec(ValType t) { return t == ValType::V128; }
  // Values held in an Fpr: floats and v128.
  static bool in_fpr(ValType t) { return is_float(t) || is_vec(t); }
  // 64-bit slots a value takes in the calling convention's areas.
  static uint32_t slots_of(ValType t) { return is_vec(t) ? 2 : 1; }
  // Byte offset of value `i` of `types` in an argument or result area.
  static int32_t area_offset(std::span<const ValType> types, size_t i) {
    int32_t off = 0;
    for (size_t k = 0; k < i; ++k) off += 8 * int32_t(slots_of(types[k]));
    return off;
  }
  static W wof(ValType t) { return t == ValType::I32 ? W::W32 : W::W64; }
  static FW fwof(ValType t) { return t == ValType::F32 ? FW::F32 : FW::F64; }
  int32_t slot_disp(size_t pos) const { return slots_base_ - stride_ * int32_t(pos + 1); }
  int32_t save_disp(size_t i) const { return save_base_ - stride_ * int32_t(i + 1); }

  void push_reg(ValType t, uint8_t r) { stack_.push_back({t, Kind::Reg, r, 0, 0}); }
  // Where an instruction puts its result: when the next instruction is a
  // local.set or local.tee of a local homed in a register (and in it now),
  // that home, so the result needs no move and is pushed as the local
  // (the set then has nothing to do); else a temporary register.
  static constexpr uint32_t kNoLocal = UINT32_MAX;
  struct GprDest {
    Gpr reg;
    uint32_t local = kNoLocal;
  };
  struct FprDest {
    Fpr reg;
    uint32_t local = kNoLocal;
  };
  // The local the next instruction writes if the result can go to its
  // home, after entries still reading its old value were given it.
  uint32_t result_home(ValType t);
  // `reuse`: an operand register the caller owns that may take the result
  // (released if the home takes it), or invalid for a fresh register.
  GprDest dest_gpr(ValType t, Gpr reuse);
  FprDest dest_fpr(ValType t, Fpr reuse);
  // For two operands, as result_gpr chooses otherwise.
  GprDest dest_gpr(ValType t, const Value& a, Gpr ra, const Value& b, Gpr rb);
  FprDest dest_fpr(ValType t, const Value& a, Fpr ra, const Value& b, Fpr rb);
  void push_dest(ValType t, GprDest d) {
    if (d.local != kNoLocal) stack_.push_back({t, Kind::Local, 0, d.local, 0});
    else push_reg(t, d.reg.code);
  }
  void push_dest(ValType t, FprDest d) {
    if (d.local != kNoLocal) stack_.push_back({t, Kind::Local, 0, d.local, 0});
    else push_reg(t, d.reg.code);
  }
  void push_const(ValType t, uint64_t bits) { stack_.push_back({t, Kind::Const, 0, 0, bits}); }
  Value pop() {
    Value v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Gpr alloc_gpr();
  Fpr alloc_fpr();
  void free_value(const Value& v);  // releases its register if it holds one
  bool gpr_free(uint8_t code) const { return gpr_free_ & (1u << code); }
  // Spills the lowest stack entry in a register of the class, to make one free.
  void spill_one(bool fpr);
  // Moves stack entries out of the registers in `mask` (x86: division's rax/rdx).
  void evict(uint32_t gpr_mask);
  // Stores a register entry into its canonical slot.
  void spill(size_t pos);
  void spill_all_regs();  // every register entry to its slot (before calls)
  // Makes every entry a Slot or a Const (block entries: merges see one state).
  void materialize_all();
  // Loads a value into a register it may read (a homed local's own, or a
  // fresh one, which `v` then owns); the second form into a register the
  // caller owns and may write.
  Gpr use_gpr(Value& v);
  Gpr own_gpr(Value& v);
  Fpr use_fpr(Value& v);
  Fpr own_fpr(Value& v);
  // Writes value `v` (any kind) to frame address `a`.
  void store_value(const Value& v, Address a);
  // Loads value `v` into register `r` of its class.
  void load_value(const Value& v, uint8_t r);
  // Before local `index` is written: entries still referring to it get its
  // current value.
  void preserve_local(uint32_t index);
  // Around every call: caller-saved homes to their frame slots, and back.
  // While they are saved, reads of those locals use the slots.
  void save_vhomes();
  void reload_vhomes();
  bool in_register(const LocalInfo& l) const { return l.homed && !(l.volatile_home && vhomes_saved_); }
  Address local_addr(const LocalInfo& l) const { return masm_->frame(l.disp); }
  // True, with its frame address, if `v` is read from memory (a local not
  // in a register now, or a spill slot): an instruction can take it as a
  // memory operand instead of loading it first.
  bool in_frame(const Value& v, Address& at) const {
    if (v.kind == Kind::Slot) return at = slot_addr(v.local), true;
    if (v.kind == Kind::Local && !in_register(locals_[v.local])) return at = local_addr(locals_[v.local]), true;
    return false;
  }
  Address slot_addr(size_t pos) const { return masm_->frame(slot_disp(pos)); }
  // The register a result goes in: one of the operands' if they own one.
  Gpr result_gpr(const Value& a, Gpr ra, const Value& b, Gpr rb);
  Fpr result_fpr(const Value& a, Fpr ra, const Value& b, Fpr rb);

  // ---- control (compile_control.cpp) ----
  enum class LabelKind : uint8_t { Block, Loop, If, Function };
  struct Ctl {
    LabelKind kind;
    uint32_t height;  // stack entries below its params
    std::span<const ValType> params, results;
    Label target;     // branch target: end, or the loop header
    Label else_label; // If: the false path
    Label back;       // Loop: where back-edges go (the preemption check, then `target`)
    bool dead_entry;  // opened in unreachable code: nothing is emitted for it
    bool reachable;   // something branches to `target` (blocks, ifs)
    bool has_else = false;
    uint32_t save_base = 0;  // If with params: first save slot
    std::span<const ValType> label_types() const { return kind == LabelKind::Loop ? params : results; }
  };
  void read_block_type(CodeCursor& c, std::span<const ValType>& params, std::span<const ValType>& results);
  // Makes the stack canonical and returns the new block's label (an If's
  // params also copied to its save area).
  Ctl open_block(LabelKind kind, std::span<const ValType> params, std::span<const ValType> results);
  void block(Opcode op, CodeCursor& c);
  // An `if` on flags: `compare` emits the compare after the stack is
  // canonical, then the branch to the else path on the negated condition.
  void if_flags(Cond cond, std::span<const ValType> params, std::span<const ValType> results,
                EmitFn compare);
  void restore_if_params(const Ctl& l);
  void truncate(size_t height);  // pops (and frees) entries above height
  void push_slots(std::span<const ValType> types, size_t first_pos);
  // True unless the values label `l` takes are already in its slots.
  bool needs_moves(const Ctl& l) const;
  void emit_return();
  void else_();
  void end();
  void br(uint32_t depth);
  void br_if(uint32_t depth);
  // A branch to `depth` taken when `cond` holds after a compare the caller
  // emitted (flags set): the compare-and-branch fusion.
  void br_if_flags(uint32_t depth, Cond cond);
  void br_table(CodeCursor& c);
  void return_();
  // Moves the top `n` values into the slots of label `l` (and, for a loop,
  // checks for preemption), then jumps to it.
  void jump_to(Ctl& l);
  // The end label of block or if `l` for a branch to it, made on first use.
  Label reached_target(Ctl& l);
  void move_top_to_slots(size_t n, size_t first_pos);
  // The preemption / fuel check of a loop back-edge, continuing at `cont`
  // (bound by the caller). Function entries check in the prologue.
  void check_point_to(Label cont);
  void call(uint32_t func_index);
  void call_indirect(uint32_t type_index, uint32_t table);
  // Prepares a call of `type`: spills what is live and stores the arguments
  // in the outgoing area; after it, push_call_results takes them back.
  void prepare_call(const FuncType& type);
  void push_call_results(const FuncType& type);
  // Calls C function `fn` on the host stack as fn(ctx, imms..., values...)
  // with the top `nvalues` stack entries, which it pops. `traps`: fn
  // returns a Trap code (0: none) and any result is in the context's
  // scratch word; else its result is the C return value. `result`
  // (Bottom: none) is pushed.
  void call_runtime(const void* fn, std::initializer_list<uint64_t> imms, size_t nvalues, bool traps,
                    ValType result = ValType::Bottom);
  void unreachable_();

  // ---- instructions (compile_numeric.cpp, compile_memory.cpp) ----
  void instruction(Opcode op, CodeCursor& c);
  // Every instruction but the rare ones (misc), in one switch; false for those.
  bool dispatch(Opcode op, CodeCursor& c);
  // Records that `op` cannot be compiled (out of line: the hot path stays lean).
  [[gnu::cold, gnu::noinline]] void unsupported_instruction(Opcode op);
  // Two constant operands: pushes the folded result (vm/numeric_ops.def's
  // semantics) and returns true; false if it does not fold (division by zero).
  bool fold(Opcode op, ValType result, const Value& a, const Value& b);
  void int_binary(Opcode op, W w, IntOp iop);
  void shift_op(Opcode op, W w, ShiftOp sop);
  void div_op(Opcode op, W w, DivOp dop);
  // An integer compare; fused with a following br_if / if when there is one.
  void int_compare(Opcode op, W w, Cond cond, CodeCursor& c);
  void int_eqz(W w, CodeCursor& c);
  // If a br_if, if or select follows, consumes it: `compare` sets the
  // flags for `cond` at the right moment and the branch or conditional
  // move takes them. False otherwise.
  bool fuse_branch(Cond cond, CodeCursor& c, EmitFn compare);
  // A select on the flags `compare` sets for `cond` (the compare fused
  // with the select that follows it).
  void select_flags(Cond cond, EmitFn compare);
  void float_binary(FW w, FOp op);
  void float_unary(FW w, FUnOp op);
  void float_compare(FW w, FCond cond);
  void int_unary(W w, IntUnOp op);
  void extend(ExtOp op, ValType result);
  void truncate_op(W to, bool to_signed, FW from, bool saturate);
  void convert_op(FW to, W from, bool from_signed);
  void reinterpret(ValType to);
  void select_();
  void memory_access(Opcode op, CodeCursor& c);
  // Checks [addr + offset, + bytes) against memory 0's size (a trap
  // beyond it) and returns the access's address; `ea_reg`, if valid, then
  // holds a register the caller frees. In guarded memory an offset within
  // the guard needs no check: `guard_fault` is then set, and the caller
  // records the access with a FaultRange.
  Address bounds_checked(Value& addr, uint64_t offset, unsigned bytes, Gpr& ea_reg, bool& guard_fault);
  // Marks the granule a store at `addr + offset` writes (the instance
  // reset's dirty map, vm/memory.h).
  void mark_dirty(Value& addr, uint64_t offset);
  void local_get(uint32_t i);
  void local_set(uint32_t i, bool tee);
  void global_get(uint32_t i);
  void global_set(uint32_t i);
  bool misc(Opcode op, CodeCursor& c);  // bulk memory, tables, references
  // ---- SIMD (compile_simd.cpp) ----
  void simd(Opcode op, CodeCursor& c);
  // A lane operation through the macro-assembler's inline sequence.
  void simd_inline(Opcode op, uint32_t lane);
  // The generic path of a SIMD lane operation: the top entries (types
  // `operands`: v128s by address, at most one scalar by value) to
  // rt::simd_apply with `lane` and, without a scalar, `ximm`; the result
  // (of type `result`) lands in the first operand's slot.
  void simd_call(Opcode op, uint32_t lane, std::span<const ValType> operands, uint64_t ximm, ValType result);
  // An extending, zero-filling or splatting SIMD load in one access
  // (MacroAssembler::vload_op), its memarg read: the address popped, the
  // vector pushed.
  void vector_load(Opcode op, uint64_t offset);
  // Scalar load `op` (its memarg next in `c`) followed by a splat of its
  // value, compiled as the splatting load; false (nothing read) if it is
  // not such a pair.
  bool fused_splat_load(Opcode op, CodeCursor& c);

  // ---- Add chains into a v128 local (compile_simd_sum.cpp) ----
  // `acc = acc + x1 + x2 + ...` (an integer lane add, or several of the
  // same, into a local's old value: clang's vectorised reductions) is
  // compiled as acc + ((x1 + x2) + ...): wrapping lane adds are
  // associative and commutative (spec 4.3.2's iadd, lane-wise), so the
  // result is the same, and the local's loop-carried dependence is one add
  // instead of one per term. While a sum is pending, the entry at `pos`
  // holds the terms' sum in its register and stands for that plus local
  // `local`; it lasts only while the instructions compiled meanwhile
  // neither read that entry nor write the local, branch, call or leave
  // straight-line code (sum_keeps), else settle_sum() adds the local in.
  struct PendingSum {
    bool active = false;
    size_t pos = 0;
    uint32_t local = 0;
    Opcode op = Opcode::Nop;
    uint32_t terms = 0;
  };
  PendingSum sum_;
  size_t sums_ = 0;  // CompileResult::sums
  // Whether instruction `op` (its immediates at `c`) leaves a pending sum pending.
  bool sum_keeps(Opcode op, const CodeCursor& c) const;
  // Adds the local into the pending entry, which becomes a plain register.
  void settle_sum();
  // Lane add `op` of the top two entries as a step of a sum; false if it is none.
  bool sum_add(Opcode op);
  // local.set or local.tee `i` of the pending entry into its own local; false if it is not that.
  bool sum_set(uint32_t i, bool tee);

  // Out-of-line trap code, one label per trap kind, emitted at the end.
  Label trap_label(uint8_t trap);
  void emit_trap_stubs();
  // Lays out the frame and picks the homed locals from the validator's
  // facts (FunctionBody); false, with unsupported_ set, for a function
  // this compiler does not handle.
  bool prepare();
  // Names the first construct that makes the function unsupported.
  bool find_unsupported();

  const Module& m_;
  const uint32_t func_index_;
  const FuncType& type_;
  const FunctionBody& body_;
  void* const* code_table_;
  const MemoryMode mode_;
  const bool track_writes_;
  std::unique_ptr<MacroAssembler> masm_;
  std::vector<FaultRange> faults_;
  // The vectors below are the calling thread's (Scratch), emptied and
  // reused from one function to the next: no allocation per function.
  struct SlowPath {
    Label slow, cont;
  };
  struct Scratch;
  static Scratch& scratch();
  Scratch& scratch_;
  std::vector<LocalInfo>& locals_;
  std::vector<Gpr>& saved_;        // home registers this function uses (saved in its prologue)
  std::vector<uint32_t>& vhomed_;  // locals homed in caller-saved registers
  bool vhomes_saved_ = false;
  // Bytes per stack position's slot (and if-param save slot): 16 in a
  // function where v128 values flow (FunctionBody::op_features), else 8.
  int32_t stride_ = 8;
  int32_t slots_base_ = 0;        // frame offset above the first spill slot
  int32_t save_base_ = 0;         // frame offset above the if-param save area
  uint32_t out_slots_ = 0;        // outgoing area, in slots
  uint32_t frame_bytes_ = 0;
  uint32_t save_top_ = 0;         // save slots in use
  std::vector<Value>& stack_;
  std::vector<Ctl>& ctl_;
  const CodeCursor* cur_ = nullptr;  // the driver's, after the current instruction's immediates
  bool dead_ = false;
  uint32_t gpr_free_ = 0, fpr_free_ = 0;  // masks by register code
  std::vector<Label>& trap_labels_;        // by Trap value (invalid: unused)
  std::vector<SlowPath>& slow_paths_;      // preemption checks' calls, out of line
  Label entry_slow_, entry_cont_;         // the prologue's entry check and where it goes on
  Label epilogue_;                        // the epilogue, once a return has emitted it
  Label dynamic_trap_;                    // the trap code is in the C result register (made on first use)
  std::string unsupported_;
};

}  // namespace lvm::jit
