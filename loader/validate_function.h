// Internal to the loader: validation of one function body (spec 3.3, with
// the algorithm of the spec's validation appendix). It types every
// instruction against an operand stack and a control stack and records the
// side table the execution tiers use (branch targets, maximum stack height).
#pragma once

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <vector>

#include "loader/decoder.h"
#include "loader/opcodes.h"

namespace lvm {

class FunctionValidator {
 public:
  FunctionValidator(const Module& m, const LoadOptions& opts, const std::vector<bool>& declared_refs)
      : m_(m), opts_(opts), refs_(declared_refs) {}

  // Validates the code of defined function `func_index`, whose locals were
  // already read into `body.locals` (at most LoaderLimits::max_locals); `r` is positioned at its first
  // instruction and ends at the end of the body. Errors go to `r`.
  void validate(Reader& r, uint32_t func_index, FunctionBody& body);

  // The first data index used without a data count section, for the decoder
  // to judge once it has seen the data section (which comes after code).
  std::optional<DataUse> data_without_count;

 private:
  // A block type: the params and results of a structured instruction.
  struct BlockSig {
    std::span<const ValType> params;
    std::span<const ValType> results;
  };
  // One entry of the control stack (spec 3.3.5 "control frames").
  struct Control {
    Opcode op;
    bool unreachable;
    uint32_t height;       // operand-stack height at entry (after params)
    uint32_t side_index;   // its BlockTarget in the side table (not for the body)
    BlockSig sig;
    // Types a branch to this label carries (spec 3.3.5: label types).
    std::span<const ValType> label_types() const { return op == Opcode::Loop ? sig.params : sig.results; }
  };

  // ---- operand stack (validate_function.cpp) ----
  void push(ValType t) {
    if (sp_ == cap_) [[unlikely]] grow();
    stack_[sp_++] = t;
    if (sp_ > max_stack_) max_stack_ = sp_;
  }
  void grow() {
    stack_.resize(stack_.size() * 2 + 256);
    cap_ = uint32_t(stack_.size());
  }
  ValType pop();
  ValType pop(ValType expected);
  void pop_values(std::span<const ValType> types);
  void push_values(std::span<const ValType> types) { for (ValType t : types) push(t); }
  void set_unreachable();

  // ---- errors ----
  bool fail(ErrorKind kind, std::string message, std::string detail = {});
  bool invalid(std::string message, std::string detail = {}) {
    return fail(ErrorKind::Invalid, std::move(message), std::move(detail));
  }
  bool type_mismatch(ValType expected, ValType found);
  std::string in_op() const;  // " in i32.add"

  // ---- immediates ----
  bool read_memarg(unsigned natural_bytes);
  bool read_lane(unsigned lanes);
  bool check_memory(uint32_t index);
  bool check_table(uint32_t index);
  bool check_data(uint32_t index);
  bool check_elem(uint32_t index);
  bool read_reserved_zero();
  bool read_block_sig(BlockSig& sig);
  uint32_t read_index();

  // ---- instruction groups ----
  void simple(const OpInfo& info);        // table-driven: immediates + signature
  bool immediates(const OpInfo& info);    // non-special immediates
  void control(Opcode op);                // validate_control.cpp
  void reference_or_table(Opcode op);     // validate_tables.cpp
  void variable(Opcode op, uint32_t idx);
  // Per-module table of the one-byte instructions with a fixed signature and
  // simple immediates, checked inline by validate().
  enum class HotImm : uint8_t { NotHot, None, Memarg, I32, I64, F32, F64 };
  struct Hot {
    uint16_t code = 0;
    HotImm imm = HotImm::NotHot;  // the immediate to read
    uint8_t mem = 0;              // natural alignment of a memarg
    uint8_t np = 0, nr = 0;
    uint32_t feature_bit = 0;     // 1 << its Feature, for FunctionBody::op_features
    ValType p[3]{};
    ValType res{};
  };
  void init_hot();
  std::array<Hot, 256> hot_{};
  bool hot_ready_ = false;
  void parametric(Opcode op);
  void call(Opcode op);
  // Local uses and loop nesting, for FunctionBody::hot_locals.
  void use_local(uint32_t idx) { uses_[idx] += use_weight_; }
  void enter_loop() { use_weight_ = uint64_t(1) << (3 * std::min<uint32_t>(++loop_depth_, 6)); }
  void leave_loop() { use_weight_ = uint64_t(1) << (3 * std::min<uint32_t>(--loop_depth_, 6)); }
  void record_hot_locals(FunctionBody& body);

  const Module& m_;
  const LoadOptions& opts_;
  const std::vector<bool>& refs_;
  Reader* r_ = nullptr;
  FunctionBody* body_ = nullptr;
  uint32_t func_index_ = 0;
  const FuncType* type_ = nullptr;

  std::vector<ValType> locals_;  // params then declared locals
  std::vector<ValType> stack_;  // storage; the stack is stack_[0, sp_)
  uint32_t sp_ = 0, cap_ = 0;
  std::vector<Control> ctrl_;
  uint32_t max_stack_ = 0;
  uint32_t max_depth_ = 0;
  std::vector<uint64_t> uses_;  // per local: weighted uses so far
  uint64_t use_weight_ = 1;
  uint32_t loop_depth_ = 0;
  uint32_t op_features_ = 0;
  uint32_t max_call_values_ = 0;
  uint64_t call_weight_ = 0;
  bool if_with_params_ = false;
  size_t op_at_ = 0;  // offset of the instruction being validated
  Opcode op_ = Opcode::Nop;
};

}  // namespace lvm
