// Translation of structured control flow and calls (spec 4.4.8): blocks get
// fixed result slots, branches copy their values there and jump, forward
// jumps are patched when the block ends.
#include <cstring>

#include "loader/block_type.h"
#include "vm/interp/translator.h"
#include "vm/runtime.h"

namespace lvm::interp {

void Translator::read_block_type(CodeCursor& c, std::span<const ValType>& params, std::span<const ValType>& results) {
  lvm::read_block_type(m_, c, params, results);
}

void Translator::patch(uint32_t instr, uint32_t operand_pos, uint32_t target) {
  code_[operand_pos] = uint32_t(int32_t(target) - int32_t(instr));
  if (target == code_.size()) barrier_ = target;  // something now jumps here
}

void Translator::set_target(Label& l, uint32_t at, uint32_t pos) {
  if (l.kind == LabelKind::Loop) {
    patch(at, pos, l.loop_start);
  } else {
    l.fixups.push_back({at, pos});
  }
}

std::pair<uint32_t, uint32_t> Translator::emit_cond_branch(const Entry& cond, uint32_t cond_slot, bool when_false) {
  if (cond.where == Where::Local && last_def_is(cond.local) && last_def_op_ == IOp::I32AddImm) {
    // `local.tee (x + imm); br_if`, a count-down loop's end: one
    // instruction that still writes the local.
    const uint32_t start = last_def_pos_ - kHandlerWords;
    const uint32_t d = code_[start + kHandlerWords], a = code_[start + kHandlerWords + 1],
                   imm = code_[start + kHandlerWords + 2];
    code_.resize(start);
    forget_last_def();
    add_run_ = add_run_end_ = UINT32_MAX;  // it is no longer an add to extend
    uint32_t at = emit(when_false ? IOp::I32AddImmBrZ : IOp::I32AddImmBrNz);
    operand(d);
    operand(a);
    operand(imm);
    uint32_t pos = uint32_t(code_.size());
    operand(0);
    end_instr(at);
    return {at, pos};
  }
  if (cond.where == Where::Temp && last_def_is(cond.canon)) {
    const uint32_t start = last_def_pos_ - kHandlerWords;
    const uint32_t a = code_[start + kHandlerWords + 1];
    const IOp op = last_def_op_;
    auto fuse = [&](IOp fused, uint32_t nimm) {
      uint32_t words[2] = {code_[start + kHandlerWords + 2], nimm == 2 ? code_[start + kHandlerWords + 3] : 0};
      code_.resize(start);
      forget_last_def();
      uint32_t at = emit(fused);
      operand(a);
      for (uint32_t k = 0; k < nimm; ++k) operand(words[k]);
      uint32_t pos = uint32_t(code_.size());
      operand(0);
      end_instr(at);
      return std::pair{at, pos};
    };
    // `i != n` (or `!(i == n)`) right after the loop's add-immediates.
    const bool ne = when_false ? op == wasm_iop(Opcode::I32Eq) || op == IOp::I32EqImm
                               : op == wasm_iop(Opcode::I32Ne) || op == IOp::I32NeImm;
    if (ne && add_run_ != UINT32_MAX && add_run_end_ == start && add_run_ >= barrier_)
      return fuse_adds_into_branch(start, op == IOp::I32NeImm || op == IOp::I32EqImm);
    switch (uint16_t(op)) {  // wasm_iop values are not named enumerators
#define X(name, neg)                                                                                  \
  case uint16_t(wasm_iop(Opcode::name)): return fuse(when_false ? IOp::BrIf##neg : IOp::BrIf##name, 1); \
  case uint16_t(IOp::name##Imm):                                                                       \
    return fuse(when_false ? IOp::BrIf##neg##Imm : IOp::BrIf##name##Imm,                    \
                op_info(Opcode::name).sig.params[0] == ValType::I64 ? 2 : 1);
      LVM_INTERP_CMP_OPS(X)
#undef X
      case uint16_t(wasm_iop(Opcode::I32Eqz)): {  // branch on the operand, inverted
        code_.resize(start);
        forget_last_def();
        uint32_t at = emit(when_false ? IOp::BrIf : IOp::BrUnless);
        operand(a);
        uint32_t pos = uint32_t(code_.size());
        operand(0);
        end_instr(at);
        return {at, pos};
      }
      default: break;
    }
  }
  uint32_t at = emit(when_false ? IOp::BrUnless : IOp::BrIf);
  operand(cond_slot);
  uint32_t pos = uint32_t(code_.size());
  operand(0);
  end_instr(at);
  return {at, pos};
}

std::pair<uint32_t, uint32_t> Translator::fuse_adds_into_branch(uint32_t cmp_start, bool imm) {
  const uint32_t x = code_[cmp_start + kHandlerWords + 1], y = code_[cmp_start + kHandlerWords + 2];
  code_.resize(cmp_start);
  forget_last_def();
  const uint32_t at = add_run_;
  if (handler_at(&code_[at]) == handler_table()[size_t(IOp::I32AddImm)]) {
    // One add: a fixed-size form, no loop.
    const uint32_t d = code_[at + kHandlerWords], a = code_[at + kHandlerWords + 1], i = code_[at + kHandlerWords + 2];
    code_.resize(at);
    emit(imm ? IOp::I32AddImmBrIfNeImm : IOp::I32AddImmBrIfNe);
    operand(d);
    operand(a);
    operand(i);
  } else {  // an I32AddImmMany: same operands, another handler
    const IOp fused = imm ? IOp::I32AddImmManyBrIfNeImm : IOp::I32AddImmManyBrIfNe;
    if (code_.size() - at > kHandlerWords + 1 + 3 * code_[at + kHandlerWords]) code_.pop_back();  // padding
    const void* h = handler_table()[size_t(fused)];
    std::memcpy(&code_[at], &h, sizeof h);
  }
  operand(x);
  operand(y);
  const uint32_t pos = uint32_t(code_.size());
  operand(0);
  end_instr(at);
  add_run_ = add_run_end_ = UINT32_MAX;  // the run is closed
  return {at, pos};
}

void Translator::branch_operand(Label& l, uint32_t instr) {
  if (l.kind == LabelKind::Loop) {
    operand(uint32_t(int32_t(l.loop_start) - int32_t(instr)));
  } else {
    l.fixups.push_back({instr, uint32_t(code_.size())});
    operand(0);
  }
}

void Translator::jump_to(Label& l) {
  uint32_t at = emit(IOp::Br);
  branch_operand(l, at);
  end_instr(at);
}

void Translator::block(Opcode op, CodeCursor& c) {
  Label l{};
  l.kind = op == Opcode::Loop ? LabelKind::Loop : op == Opcode::If ? LabelKind::If : LabelKind::Block;
  read_block_type(c, l.params, l.results);
  // An if keeps the instruction computing its condition in view, so a
  // comparison (or a teed add) fuses into its branch.
  if (op != Opcode::If || dead_) forget_last_def();
  if (op == Opcode::Loop) before_first_loop_ = false;
  if (dead_) {
    l.dead_block = true;
    labels_.push_back(std::move(l));
    return;
  }
  uint32_t cond_slot = 0;
  Entry cond{};
  if (op == Opcode::If) {
    cond = pop();
    cond_slot = loc(cond);
  }
  // Every value below the block must sit in its own slot, so all paths
  // through the block agree on where it is.
  materialize_all();
  l.height = uint32_t(stack_.size() - l.params.size());
  l.base_slot = l.params.empty() ? next_slot() : stack_[l.height].canon;
  if (op == Opcode::If) {
    if (!l.params.empty()) {
      // The then-branch may overwrite the params' slots; the else-branch
      // restores them from a save area.
      l.save_slot = save_top_;
      uint32_t s = l.base_slot;
      for (ValType t : l.params) {
        emit_copy(t, save_top_, s);
        save_top_ += slots_of(t);
        s += slots_of(t);
      }
    }
    auto [at, pos] = emit_cond_branch(cond, cond_slot, true);
    forget_last_def();
    l.else_instr = at;
    l.else_fixup = pos;
  }
  if (op == Opcode::Loop) {
    l.loop_start = uint32_t(code_.size());
    barrier_ = l.loop_start;
  }
  labels_.push_back(std::move(l));
}

void Translator::else_() {
  Label& l = labels_.back();
  forget_last_def();
  if (l.dead_block) {
    l.kind = LabelKind::Else;
    return;
  }
  if (!dead_) {
    for (size_t i = l.height; i < stack_.size(); ++i) materialize(stack_[i]);
    jump_to(l);
  }
  patch(l.else_instr, l.else_fixup, uint32_t(code_.size()));
  reset_stack(l.height, l.params, l.base_slot);
  uint32_t s = l.base_slot, saved = l.save_slot;
  for (ValType t : l.params) {
    emit_copy(t, s, saved);
    s += slots_of(t);
    saved += slots_of(t);
  }
  l.kind = LabelKind::Else;
  dead_ = false;
}

void Translator::end() {
  Label& l = labels_.back();
  forget_last_def();
  if (l.dead_block) {
    labels_.pop_back();
    return;
  }
  if (l.kind == LabelKind::Function) {
    if (!dead_) emit_return();
    labels_.pop_back();
    return;
  }
  if (!dead_)
    for (size_t i = l.height; i < stack_.size(); ++i) materialize(stack_[i]);
  const uint32_t here = uint32_t(code_.size());
  for (auto [instr, pos] : l.fixups) patch(instr, pos, here);
  if (l.kind == LabelKind::If) patch(l.else_instr, l.else_fixup, here);  // no else: false goes to the end
  reset_stack(l.height, l.results, l.base_slot);
  labels_.pop_back();
  dead_ = false;
}

void Translator::emit_return() {
  std::span<const ValType> results = type_.results();
  uint32_t nslots = 0;
  for (ValType t : results) nslots += slots_of(t);
  uint32_t src = results.empty() ? 0 : stack_[stack_.size() - results.size()].canon;
  move_top_to(results, src);
  uint32_t at = emit(IOp::Return);
  operand(src);
  operand(nslots);
  end_instr(at);
}

void Translator::return_() {
  emit_return();
  dead_ = true;
}

void Translator::br(uint32_t depth) {
  Label& l = labels_[labels_.size() - 1 - depth];
  if (l.kind == LabelKind::Function) {
    return_();
    return;
  }
  move_top_to(l.label_types(), l.base_slot);
  jump_to(l);
  dead_ = true;
}

void Translator::br_if(uint32_t depth) {
  Entry cond = pop();
  uint32_t cond_slot = loc(cond);
  Label& l = labels_[labels_.size() - 1 - depth];
  std::span<const ValType> types = l.label_types();
  bool in_place = l.kind != LabelKind::Function;
  uint32_t s = l.base_slot;
  for (size_t i = 0; in_place && i < types.size(); ++i) {
    const Entry& e = stack_[stack_.size() - types.size() + i];
    in_place = e.where == Where::Temp && e.canon == s;
    s += slots_of(types[i]);
  }
  if (in_place) {
    auto [at, pos] = emit_cond_branch(cond, cond_slot, false);
    set_target(l, at, pos);
  } else {
    // if (!cond) skip; <moves>; br label; skip:
    auto [at, pos] = emit_cond_branch(cond, cond_slot, true);
    if (l.kind == LabelKind::Function) {
      emit_return();
    } else {
      move_top_to(types, l.base_slot);
      jump_to(l);
    }
    patch(at, pos, uint32_t(code_.size()));
  }
  forget_last_def();
}

void Translator::br_table(CodeCursor& c) {
  Entry index = pop();
  uint32_t index_slot = loc(index);
  uint32_t n = c.u32();
  std::vector<uint32_t> depths(n + 1);
  for (uint32_t& d : depths) d = c.u32();
  uint32_t at = emit(IOp::BrTable);
  operand(index_slot);
  operand(n);
  uint32_t first = uint32_t(code_.size());
  for (uint32_t i = 0; i <= n; ++i) operand(0);
  end_instr(at);
  for (uint32_t i = 0; i <= n; ++i) {
    Label& l = labels_[labels_.size() - 1 - depths[i]];
    std::span<const ValType> types = l.label_types();
    bool in_place = l.kind != LabelKind::Function;
    uint32_t s = l.base_slot;
    for (size_t k = 0; in_place && k < types.size(); ++k) {
      const Entry& e = stack_[stack_.size() - types.size() + k];
      in_place = e.where == Where::Temp && e.canon == s;
      s += slots_of(types[k]);
    }
    if (in_place && l.kind == LabelKind::Loop) {
      patch(at, first + i, l.loop_start);
    } else if (in_place) {
      l.fixups.push_back({at, first + i});
    } else {
      // A stub that puts the values in place, then jumps.
      patch(at, first + i, uint32_t(code_.size()));
      if (l.kind == LabelKind::Function) {
        emit_return();
      } else {
        move_top_to(types, l.base_slot);
        jump_to(l);
      }
    }
  }
  dead_ = true;
}

void Translator::call(uint32_t func_index) {
  const FuncType& t = m_.func_type(func_index);
  size_t nargs = t.params().size();
  for (size_t i = stack_.size() - nargs; i < stack_.size(); ++i) materialize(stack_[i]);
  uint32_t arg_base = nargs ? stack_[stack_.size() - nargs].canon : next_slot();
  uint32_t at;
  if (func_index < m_.num_imported_functions) {
    // An import: a host function, or one of another instance (resolved at
    // instantiation, so there is no code to cache).
    at = emit(IOp::CallImport);
    operand(func_index);
    operand(arg_base);
  } else {
    at = emit(IOp::Call);
    operand(func_index);
    operand(arg_base);
    operand(0);  // callee code cache, filled by the first call
    operand(0);
  }
  end_instr(at);
  stack_.resize(stack_.size() - nargs);
  for (ValType r : t.results()) push_temp(r);
  forget_last_def();
}

void Translator::call_indirect(uint32_t type_index, uint32_t table) {
  const FuncType& t = m_.types[type_index];
  Entry index = pop();
  size_t nargs = t.params().size();
  for (size_t i = stack_.size() - nargs; i < stack_.size(); ++i) materialize(stack_[i]);
  uint32_t index_slot = loc(index);
  uint32_t arg_base = nargs ? stack_[stack_.size() - nargs].canon : next_slot();
  uint32_t at = emit(IOp::CallIndirect);
  operand(intern_func_type(t));
  operand(table);
  operand(arg_base);
  operand(index_slot);
  end_instr(at);
  stack_.resize(stack_.size() - nargs);
  for (ValType r : t.results()) push_temp(r);
  forget_last_def();
}

}  // namespace lvm::interp
