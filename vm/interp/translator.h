// Internal to the interpreter: the single-pass translator's state. See
// translate.h for the idea; translate.cpp holds the driver, the abstract
// stack and emission, translate_control.cpp the structured control flow and
// calls, translate_ops.cpp the remaining instructions (translate_simd.cpp the
// SIMD ones), translate_fuse.cpp the
// fusions of an instruction with the ones just emitted.
#pragma once

#include <array>
#include <initializer_list>
#include <span>
#include <vector>

#include "loader/code_cursor.h"
#include "loader/module.h"
#include "loader/opcodes.h"
#include "vm/interp/code.h"

namespace lvm::interp {

// The AddR / AddI forms (address `uint32(a + b)` or `uint32(a + imm)`) of a
// load or store opcode; IOp::Count for other opcodes.
std::pair<IOp, IOp> add_forms(Opcode op);

class Translator {
 public:
  Translator(const Module& m, uint32_t func_index);
  CompiledFunction run();

 private:
  // Where a value on the abstract operand stack lives.
  enum class Where : uint8_t { Temp, Local, Const };
  struct Entry {
    ValType type;
    Where where;
    uint32_t canon;  // the slot this stack position owns
    uint32_t local;  // Where::Local: the local's slot
    uint64_t value;  // Where::Const
  };
  enum class LabelKind : uint8_t { Block, Loop, If, Else, Function };
  struct Label {
    LabelKind kind;
    bool dead_block;            // opened in unreachable code: nothing emitted
    uint32_t height;            // stack entries below the block's params
    uint32_t base_slot;         // slot of the first param/result
    std::span<const ValType> params, results;
    uint32_t loop_start = 0;    // Loop: code position of the loop header
    uint32_t else_instr = 0;    // If: the BrUnless that skips the then-branch
    uint32_t else_fixup = 0;    // If: its offset operand
    uint32_t save_slot = 0;     // If with params: where they were saved
    std::vector<std::pair<uint32_t, uint32_t>> fixups;  // (instruction, operand) to patch to the end
    std::span<const ValType> label_types() const { return kind == LabelKind::Loop ? params : results; }
  };

  // ---- the abstract stack (translate.cpp) ----
  static uint32_t slots_of(ValType t) { return t == ValType::V128 ? 2 : 1; }
  uint32_t next_slot() const;
  void push_temp(ValType t);
  void push_local(ValType t, uint32_t local_slot);
  void push_const(ValType t, uint64_t bits);
  Entry pop() { Entry e = stack_.back(); stack_.pop_back(); return e; }
  // The slot holding an entry's value; a constant is first written to its
  // own slot.
  uint32_t loc(Entry& e);
  // Moves an entry's value into its own slot (turns it into a Temp).
  void materialize(Entry& e);
  void materialize_all() { for (Entry& e : stack_) materialize(e); }
  // Before local `slot` is written: copy out every stack entry that still
  // refers to its old value.
  void preserve_local(uint32_t slot);
  // Copies the top `types.size()` values into slots starting at `dst`.
  void move_top_to(std::span<const ValType> types, uint32_t dst);
  void reset_stack(uint32_t height, std::span<const ValType> types, uint32_t base_slot);

  // ---- emission (translate.cpp) ----
  uint32_t emit(IOp op);  // returns the instruction's position
  void operand(uint32_t w) { code_.push_back(w); }
  void end_instr(uint32_t start);  // pads to an even word count
  void emit_copy(ValType t, uint32_t dst, uint32_t src);
  void emit_const(ValType t, uint32_t dst, uint64_t bits);
  // Remembers that the instruction just emitted (`op`) wrote its result to
  // `slot`, its destination operand being at code position `pos` (always
  // its first operand), for folding it into a local.set or a branch.
  void set_last_def(IOp op, uint32_t pos, uint32_t slot) {
    // Keep the definition before when it ends where this one starts.
    prev_def_ = last_def_end_ == pos - kHandlerWords ? Def{last_def_op_, last_def_pos_, last_def_slot_} : Def{};
    last_def_op_ = op;
    last_def_pos_ = pos;
    last_def_slot_ = slot;
    last_def_end_ = uint32_t(code_.size());
  }
  bool last_def_is(uint32_t slot) const { return last_def_end_ == code_.size() && last_def_slot_ == slot; }
  void forget_last_def() { last_def_end_ = UINT32_MAX; }
  // For fusions: removes the instruction just emitted (the producer of an
  // operand being folded) and returns up to three of its operand words
  // after its destination.
  std::array<uint32_t, 3> take_last_def(uint32_t count);
  // Emits `form` with `operands`, the first being its destination, and
  // pushes its `result` (which lands in that destination) as the new top.
  void emit_result(IOp form, ValType result, std::initializer_list<uint32_t> operands);
  // Emits a branch taken when `cond` is true (or false, if `when_false`),
  // with its offset operand left to fill. When `cond` is the result of the
  // integer comparison just emitted, the two become one compare-and-branch.
  // Returns the instruction's position and its offset operand's position.
  std::pair<uint32_t, uint32_t> emit_cond_branch(const Entry& cond, uint32_t cond_slot, bool when_false);
  // emit_cond_branch: the i32 `!=` comparison at `cmp_start` (against an
  // immediate if `imm`) right after the add-immediate run add_run_ (a
  // loop's induction updates): the run and the branch become one
  // I32AddImm(Many)BrIfNe(Imm). Returns as emit_cond_branch does.
  std::pair<uint32_t, uint32_t> fuse_adds_into_branch(uint32_t cmp_start, bool imm);
  // Points the offset operand at `pos` of instruction `at` to label `l`.
  void set_target(Label& l, uint32_t at, uint32_t pos);

  // ---- control (translate_control.cpp) ----
  void block(Opcode op, CodeCursor& c);
  void else_();
  void end();  // at the function's end, leaves labels_ empty
  void br(uint32_t depth);
  void br_if(uint32_t depth);
  void br_table(CodeCursor& c);
  void return_();
  void call(uint32_t func_index);
  void call_indirect(uint32_t type_index, uint32_t table);
  // Emits a jump to label `depth` (after its values are in place).
  void jump_to(Label& l);
  void branch_operand(Label& l, uint32_t instr);  // offset operand to `l`
  void patch(uint32_t instr, uint32_t operand_pos, uint32_t target);
  // Reads a block type (spec 5.4.1) into params and results.
  void read_block_type(CodeCursor& c, std::span<const ValType>& params, std::span<const ValType>& results);
  // Emits the copies and the Return for returning the top values, without
  // changing the abstract stack (so it can sit on a conditional path).
  void emit_return();

  // ---- everything else (translate_ops.cpp; the fuse_* in translate_fuse.cpp) ----
  void instruction(Opcode op, CodeCursor& c);
  void numeric(Opcode op);
  // For fusing a binary operator's operand with the instruction just emitted:
  // if a or b is the temporary it produced, the other operand (not a
  // constant); else null.
  Entry* operand_beside_last_def(Entry& a, Entry& b);
  // If one operand of `op` was loaded by the instruction just emitted, folds
  // that load into an <op>Load instruction and returns true.
  bool fuse_load(Opcode op, Entry& a, Entry& b);
  // `mem[p] - x` where the f64 load came right before the instruction
  // computing x (`c -= x * y * z`): moves the load after it, as
  // F64RSubLoad, when nothing between depends on the order, so a store
  // back to mem[p] can fold it further (fuse_rmw).
  bool fuse_load_after(Opcode op, Entry& a, Entry& b);
  // If one operand of an i32/i64 add is the product just computed, fuses
  // the two into <ty>MulAdd and returns true.
  bool fuse_mul_add(Opcode op, Entry& a, Entry& b);
  // If one operand of an i32 add/xor/or/and is a shift or rotate by a
  // constant just computed, fuses the two into <op>With<shift>.
  bool fuse_shift(Opcode op, Entry& a, Entry& b);
  // If one operand of an f64 add/mul/sub is the product just computed,
  // fuses the two (keeping both roundings, in order).
  bool fuse_f64_product(Opcode op, Entry& a, Entry& b);
  // fuse_shift, for `other ^ shift(x, k)` (`form` the XorWith<shift> it
  // would emit): when `other` is itself rotl(x, k0), or rotl(x, k0) ^
  // rotl(x, k1), computed just before, emits one instruction for the whole
  // xor of rotations (SHA-2's Σ and σ functions) and returns true.
  bool fuse_rotate_xor(const Entry& other, IOp form, uint32_t dst, uint32_t x, uint32_t k);
  // An i32.add of such a xor of three rotations just computed: one
  // instruction (SHA-2's `w + σ(x)`, `h + Σ(e)`).
  bool fuse_add_rotate_xor(Opcode op, Entry& a, Entry& b);
  // If one operand of an i32 add/xor/and/or is another such operation just
  // computed, fuses the two into <op>Of<inner>.
  bool fuse_alu2(Opcode op, Entry& a, Entry& b);
  // `(x << k) >> k` (signed; shr_s `op` with constant `b`, whose operand
  // `a` is the shift left just emitted) with k making it a sign extension
  // of 8, 16 or 32 bits: clang's int8_t/int16_t casts without the
  // sign-extension feature. Emits the extend instead of the two shifts.
  bool fuse_sign_extend(Opcode op, const Entry& a, const Entry& b);
  // If a store writes the result of the <op>Load just emitted back to the
  // address it read, turns the pair into one <op>Rmw and returns true.
  bool fuse_rmw(Opcode store, const Entry& addr, const Entry& value, uint32_t offset);
  // fuse_rmw: the F64AddLoad at `rmw_start` becoming `mem[addr + offset] +=
  // a`, where the instruction before computed `a` as x * mem[...]: emits the
  // whole `c[j] += x * b[j]` (BLAS's axpy) as one instruction, both
  // roundings kept, and returns true.
  bool fuse_axpy(uint32_t rmw_start, uint32_t a, uint32_t addr, uint32_t offset);
  void memory_access(Opcode op, CodeCursor& c);
  // A SIMD instruction (translate_simd.cpp).
  void simd(Opcode op, CodeCursor& c);
  // The effective address of an access at constant `base`, when it is
  // below 2^32 (else the access keeps its form and traps at run time).
  static bool constant_address(const Entry& base, uint32_t offset, uint32_t& ea);
  // If `addr` is the result of the i32.add (or add-immediate) just emitted,
  // removes that instruction, returns its operands and the AddR/AddI form
  // of memory instruction `op`.
  bool take_address_add(const Entry& addr, IOp& form, uint32_t& a, uint32_t& b, Opcode op);
  // local.set / local.tee (`tee`) of local `index`; `branch_next`: a br_if
  // or if tests the teed value next.
  void local_set(uint32_t index, bool tee, bool branch_next = false);
  void unsupported(Opcode op, CodeCursor& c);

  // Locals that still hold their initial zero: in the code before the
  // first loop, every path to a point runs only instructions that come
  // earlier in the code, so a local nothing earlier writes is zero there,
  // and setting it to zero (clang's `i32.const 0; local.set`) is dropped.
  bool before_first_loop_ = true;
  std::vector<bool> entry_zero_;  // by local index

  const Module& m_;
  const uint32_t func_index_;
  const FuncType& type_;
  const FunctionBody& body_;
  std::vector<uint32_t> local_slot_;  // local index -> slot
  std::vector<ValType> local_type_;
  uint32_t local_slots_ = 0;
  uint32_t max_slot_ = 0;     // highest slot used + 1
  uint32_t save_top_ = 0;     // next free save-area slot, above the stack area
  std::vector<uint32_t> code_;
  std::vector<Entry> stack_;
  std::vector<Label> labels_;
  bool dead_ = false;         // in unreachable code
  // Code position a branch may land on; instructions are never merged
  // across it. Set wherever a label or jump target is placed.
  uint32_t barrier_ = 0;
  // The last I32AddImm(Many) writing a local, and where it ends: a
  // following one that also writes a local joins it.
  uint32_t add_run_ = UINT32_MAX, add_run_end_ = UINT32_MAX;
  void merge_add_into_run(uint32_t start);
  // local_set: the destination operand's position of a lone I32AddImm
  // whose result a local.tee just stored to a local (else UINT32_MAX).
  uint32_t tee_add_ = UINT32_MAX;
  // The last Copy/CopyMany (Const32/Const64/ConstMany) emitted: where it
  // starts and ends, and a lone instruction's entry as the `many` form
  // states it; the next one extends it while code_.size() is still `end`
  // and no branch target lies between.
  struct Run {
    uint32_t at = UINT32_MAX, end = UINT32_MAX;
    std::array<uint32_t, 3> first{};
  };
  Run copies_, consts_;
  // True if `run` is the last thing emitted and no branch lands after its start.
  bool run_open(const Run& run) const {
    return run.at != UINT32_MAX && run.at >= barrier_ && run.end == code_.size();
  }
  // Appends `entry` (as many words as `many` takes per entry) to `run` if
  // it ends here, turning a lone instruction into `many`; false if there is
  // no such run.
  bool extend_run(Run& run, IOp many, std::initializer_list<uint32_t> entry);
  // Emits `single` with `operands` and starts a run with it; `first` is its
  // entry in the `many` form.
  void start_run(Run& run, IOp single, std::initializer_list<uint32_t> operands, std::array<uint32_t, 3> first);
  // The instruction right before the last definition, when it was one too
  // (valid while the last definition is: see set_last_def).
  struct Def {
    IOp op = IOp::Count;
    uint32_t pos = 0, slot = 0;
  } prev_def_;
  IOp last_def_op_ = IOp::Copy;
  uint32_t last_def_pos_ = 0, last_def_slot_ = 0, last_def_end_ = UINT32_MAX;
};

}  // namespace lvm::interp
