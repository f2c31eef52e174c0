// Structured control flow and calls (spec 4.4.8). Every block entry makes
// the stack canonical (registers spilled, lazy locals copied out), so all
// paths into a label agree: the label's values sit in the slots of their
// stack positions, everything below is as it was at the block's entry.
#include <algorithm>

#include "jit/compiler.h"
#include "jit/stubs.h"
#include "loader/block_type.h"
#include "vm/runtime.h"
#include "vm/trap.h"

namespace lvm::jit {

void Compiler::read_block_type(CodeCursor& c, std::span<const ValType>& params, std::span<const ValType>& results) {
  lvm::read_block_type(m_, c, params, results);
}

void Compiler::move_top_to_slots(size_t n, size_t first_pos) {
  // Sources sit at or above their destinations, so copying upwards from
  // the lowest never overwrites a source still to be read.
  const size_t first = stack_.size() - n;
  for (size_t i = 0; i < n; ++i) {
    const Value& v = stack_[first + i];
    const size_t dst = first_pos + i;
    if (v.kind == Kind::Slot && v.local == dst) continue;
    store_value(v, slot_addr(dst));
  }
}

void Compiler::check_point_to(Label cont) {
  const Label slow = masm_->new_label();
  masm_->cmp_mem_imm8(masm_->ctx(Ctx::preempt()), 0);
  masm_->branch(Cond::Ne, slow);
  slow_paths_.push_back({slow, cont});
}

void Compiler::truncate(size_t height) {
  while (stack_.size() > height) free_value(pop());
}

void Compiler::push_slots(std::span<const ValType> types, size_t first_pos) {
  for (size_t i = 0; i < types.size(); ++i) stack_.push_back({types[i], Kind::Slot, 0, uint32_t(first_pos + i), 0});
}

Compiler::Ctl Compiler::open_block(LabelKind kind, std::span<const ValType> params, std::span<const ValType> results) {
  materialize_all();
  Ctl l{};
  l.kind = kind;
  l.params = params;
  l.results = results;
  l.height = uint32_t(stack_.size() - params.size());
  // A block's or if's end label is made by the first branch to it
  // (reached_target): many blocks are never branched to.
  if (kind == LabelKind::Loop) l.target = masm_->new_label();
  if (kind == LabelKind::Loop) {
    // A back-edge brings new params: they live in their slots, constants too.
    for (size_t i = l.height; i < stack_.size(); ++i) {
      Value& v = stack_[i];
      if (v.kind == Kind::Const) {
        store_value(v, slot_addr(i));
        v.kind = Kind::Slot;
        v.local = uint32_t(i);
      }
    }
  }
  if (kind == LabelKind::If) {
    l.else_label = masm_->new_label();
    if (!params.empty()) {
      // The then-branch may overwrite the params' slots; the else-branch
      // starts from this copy.
      l.save_base = save_top_;
      save_top_ += uint32_t(params.size());
      const Gpr s = Regs::scratch();
      for (size_t i = 0; i < params.size(); ++i) {
        const Value& v = stack_[l.height + i];
        if (v.kind == Kind::Const) {
          masm_->store_imm(masm_->frame(save_disp(l.save_base + i)), v.bits, 8);
        } else if (is_vec(v.type)) {
          masm_->copy16(masm_->frame(save_disp(l.save_base + i)), slot_addr(l.height + i));
        } else {
          masm_->load(W::W64, s, slot_addr(l.height + i), LoadKind::X64);
          masm_->store(masm_->frame(save_disp(l.save_base + i)), s, 8);
        }
      }
    }
  }
  return l;
}

void Compiler::block(Opcode op, CodeCursor& c) {
  std::span<const ValType> params, results;
  if (op == Opcode::If) {
    read_block_type(c, params, results);
    Value cond = pop();
    const Gpr r = use_gpr(cond);
    // The condition's register is free for the block (after the test).
    Ctl l = open_block(LabelKind::If, params, results);
    masm_->test(W::W32, r);
    free_value(cond);
    masm_->branch(Cond::Eq, l.else_label);
    ctl_.push_back(l);
    return;
  }
  read_block_type(c, params, results);
  Ctl l = open_block(op == Opcode::Loop ? LabelKind::Loop : LabelKind::Block, params, results);
  if (op == Opcode::Loop) {
    // Back-edges jump to the check just above the header, which entering
    // the loop jumps over: a conditional back-edge is one branch.
    l.back = masm_->new_label();
    masm_->jmp(l.target);
    masm_->bind(l.back);
    check_point_to(l.target);
    masm_->bind(l.target);
  }
  ctl_.push_back(l);
}

void Compiler::if_flags(Cond cond, std::span<const ValType> params, std::span<const ValType> results,
                        EmitFn compare) {
  Ctl l = open_block(LabelKind::If, params, results);
  compare();
  masm_->branch(negate(cond), l.else_label);
  ctl_.push_back(l);
}

void Compiler::restore_if_params(const Ctl& l) {
  const Gpr s = Regs::scratch();
  for (size_t i = 0; i < l.params.size(); ++i) {
    if (is_vec(l.params[i])) {
      masm_->copy16(slot_addr(l.height + i), masm_->frame(save_disp(l.save_base + i)));
      continue;
    }
    masm_->load(W::W64, s, masm_->frame(save_disp(l.save_base + i)), LoadKind::X64);
    masm_->store(slot_addr(l.height + i), s, 8);
  }
}

void Compiler::else_() {
  Ctl& l = ctl_.back();
  if (!dead_) {
    move_top_to_slots(l.results.size(), l.height);
    masm_->jmp(reached_target(l));
  }
  truncate(l.height);
  masm_->bind(l.else_label);
  l.has_else = true;
  restore_if_params(l);
  push_slots(l.params, l.height);
  dead_ = false;
}

void Compiler::end() {
  Ctl l = ctl_.back();
  if (l.kind == LabelKind::Function) {
    if (!dead_) return_();
    ctl_.pop_back();
    return;
  }
  const bool fall = !dead_;
  const bool else_path = l.kind == LabelKind::If && !l.has_else;
  if (l.kind == LabelKind::Loop || (!l.reachable && !else_path)) {
    // One way in: the values stay where they are.
    ctl_.pop_back();
    if (!fall) {
      truncate(l.height);
      push_slots(l.results, l.height);
    }
    return;
  }
  if (fall) move_top_to_slots(l.results.size(), l.height);
  truncate(l.height);
  if (else_path) {
    if (fall) masm_->jmp(reached_target(l));
    masm_->bind(l.else_label);
    restore_if_params(l);
  }
  if (l.target.valid()) masm_->bind(l.target);
  if (l.kind == LabelKind::If && !l.params.empty()) save_top_ = l.save_base;
  push_slots(l.results, l.height);
  dead_ = false;
  ctl_.pop_back();
}

bool Compiler::needs_moves(const Ctl& l) const {
  const size_t n = l.label_types().size();
  const size_t first = stack_.size() - n;
  for (size_t i = 0; i < n; ++i) {
    const Value& v = stack_[first + i];
    if (v.kind != Kind::Slot || v.local != l.height + i) return true;
  }
  return false;
}

void Compiler::jump_to(Ctl& l) {
  if (l.kind == LabelKind::Function) {
    emit_return();
    return;
  }
  move_top_to_slots(l.label_types().size(), l.height);
  if (l.kind == LabelKind::Loop) {
    masm_->jmp(l.back);  // a back-edge: through the check
    return;
  }
  masm_->jmp(reached_target(l));
}

Label Compiler::reached_target(Ctl& l) {
  if (!l.target.valid()) l.target = masm_->new_label();
  l.reachable = true;
  return l.target;
}

void Compiler::br(uint32_t depth) {
  jump_to(ctl_[ctl_.size() - 1 - depth]);
  dead_ = true;
}

void Compiler::br_if(uint32_t depth) {
  Value cond = pop();
  const Gpr r = use_gpr(cond);
  masm_->test(W::W32, r);
  free_value(cond);
  br_if_flags(depth, Cond::Ne);
}

void Compiler::br_if_flags(uint32_t depth, Cond cond) {
  Ctl& l = ctl_[ctl_.size() - 1 - depth];
  if (l.kind != LabelKind::Function && !needs_moves(l)) {
    if (l.kind == LabelKind::Loop) {
      masm_->branch(cond, l.back);
    } else {
      masm_->branch(cond, reached_target(l));
    }
    return;
  }
  Label skip = masm_->new_label();
  masm_->branch(negate(cond), skip);
  jump_to(l);
  masm_->bind(skip);
}

void Compiler::br_table(CodeCursor& c) {
  const uint32_t n = c.u32();
  std::vector<uint32_t> depths(n + 1);
  for (uint32_t& d : depths) d = c.u32();
  Value idx = pop();
  const Gpr r = own_gpr(idx);
  // The carried values go to their own slots, where each target's copy
  // reads them.
  const size_t arity = ctl_[ctl_.size() - 1 - depths.back()].label_types().size();
  for (size_t i = stack_.size() - arity; i < stack_.size(); ++i) {
    Value& v = stack_[i];
    if (v.kind == Kind::Reg) {
      spill(i);
    } else if (v.kind != Kind::Slot) {
      store_value(v, slot_addr(i));
      v.kind = Kind::Slot;
      v.local = uint32_t(i);
    }
  }
  std::vector<Label> labels;
  std::vector<std::pair<Label, uint32_t>> trampolines;
  std::vector<std::pair<uint32_t, Label>> made;  // depth -> label
  for (uint32_t d : depths) {
    auto it = std::find_if(made.begin(), made.end(), [&](auto& e) { return e.first == d; });
    if (it != made.end()) {
      labels.push_back(it->second);
      continue;
    }
    Ctl& l = ctl_[ctl_.size() - 1 - d];
    Label target;
    if (l.kind != LabelKind::Function && !needs_moves(l)) {
      target = l.kind == LabelKind::Loop ? l.back : reached_target(l);
    } else {
      target = masm_->new_label();
      trampolines.push_back({target, d});
    }
    made.push_back({d, target});
    labels.push_back(target);
  }
  const Gpr scratch = alloc_gpr();
  masm_->jump_table(r, labels, scratch);
  gpr_free_ |= 1u << scratch.code;
  free_value(idx);
  for (auto& [label, d] : trampolines) {
    masm_->bind(label);
    jump_to(ctl_[ctl_.size() - 1 - d]);
  }
  dead_ = true;
}

void Compiler::emit_return() {
  const size_t n = type_.results().size();
  const size_t first = stack_.size() - n;
  // A result read from a parameter in the incoming area must be read
  // before another result is stored over it: those go to their slots first.
  for (size_t i = 0; i < n; ++i) {
    Value& v = stack_[first + i];
    if (v.kind == Kind::Local && !locals_[v.local].homed && locals_[v.local].disp > 0) {
      store_value(v, slot_addr(first + i));
      v.kind = Kind::Slot;
      v.local = uint32_t(first + i);
    }
  }
  for (size_t i = 0; i < n; ++i)
    store_value(stack_[first + i], masm_->frame(kArgsOffset + area_offset(type_.results(), i)));
  // The first return has the epilogue; the others jump to it.
  if (epilogue_.valid()) {
    masm_->jmp(epilogue_);
    return;
  }
  epilogue_ = masm_->new_label();
  masm_->bind(epilogue_);
  masm_->epilogue(saved_);
}

void Compiler::return_() {
  emit_return();
  dead_ = true;
}

void Compiler::unreachable_() {
  masm_->jmp(trap_label(uint8_t(Trap::Unreachable)));
  dead_ = true;
}

// ---- calls ----

void Compiler::prepare_call(const FuncType& type) {
  const size_t n = type.params().size();
  const size_t first = stack_.size() - n;
  for (size_t i = 0; i < n; ++i) store_value(stack_[first + i], masm_->stack(area_offset(type.params(), i)));
  truncate(first);
  spill_all_regs();
  save_vhomes();
}

void Compiler::push_call_results(const FuncType& type) {
  reload_vhomes();
  const auto results = type.results();
  for (size_t j = 0; j < results.size(); ++j) {
    const ValType t = results[j];
    const Address src = masm_->stack(area_offset(results, j));
    const bool last = j + 1 == results.size();  // (only the last can go to a local.set's home)
    if (is_vec(t)) {
      const Fpr r = alloc_fpr();
      masm_->vload(r, src);
      push_reg(t, r.code);
    } else if (is_float(t)) {
      const FprDest d = last ? dest_fpr(t, Fpr{}) : FprDest{alloc_fpr()};
      masm_->fload(fwof(t), d.reg, src);
      push_dest(t, d);
    } else {
      const GprDest d = last ? dest_gpr(t, Gpr{}) : GprDest{alloc_gpr()};
      masm_->load(wof(t), d.reg, src, t == ValType::I32 ? LoadKind::U32 : LoadKind::X64);
      push_dest(t, d);
    }
  }
}

void Compiler::call(uint32_t func_index) {
  const FuncType& type = m_.func_type(func_index);
  prepare_call(type);
  MacroAssembler& a = *masm_;
  if (func_index < m_.num_imported_functions) {
    // An import: its FuncInst to the import stub, which takes the host-call
    // path for a host function (the common case) and the generic one for
    // a function of another instance.
    const Gpr f = alloc_gpr();
    a.load_ptr(f, a.ctx(Ctx::funcs()));
    a.load_ptr(Regs::scratch(), Address{f, Gpr{}, 1, int32_t(8 * func_index)});
    a.call_stub_suspending(stub_entry(kStubImport));
    gpr_free_ |= 1u << f.code;
  } else {
    a.call_indirect_abs(&code_table_[func_index]);
  }
  push_call_results(type);
}

void Compiler::call_indirect(uint32_t type_index, uint32_t table) {
  const FuncType& type = m_.types[type_index];
  Value idx = pop();
  // The index sits above the arguments; it stays in its slot or register
  // while they are stored.
  if (idx.kind == Kind::Reg) {
    const size_t pos = stack_.size();
    stack_.push_back(idx);
    spill(pos);
    idx = pop();
  }
  prepare_call(type);
  MacroAssembler& a = *masm_;
  const Gpr i = own_gpr(idx);
  const Gpr t = alloc_gpr(), u = alloc_gpr(), v = alloc_gpr();
  a.load_ptr(t, a.ctx(Ctx::tables()));
  a.load_ptr(t, Address{t, Gpr{}, 1, int32_t(8 * table)});
  a.load_ptr(u, Address{t, Gpr{}, 1, TableLayout::elems_end()});
  a.load_ptr(v, Address{t, Gpr{}, 1, TableLayout::elems_begin()});
  a.alu(IntOp::Sub, W::W64, u, u, v);
  a.shift_imm(ShiftOp::ShrU, W::W64, u, u, 3);
  a.cmp(W::W64, i, u);
  a.branch(Cond::GeU, trap_label(uint8_t(Trap::IndirectCallOutOfBounds)));
  a.load_ptr(t, Address{v, i, 8, 0});
  a.test(W::W64, t);
  a.branch(Cond::Eq, trap_label(uint8_t(Trap::IndirectCallNull)));
  a.load(W::W32, u, Address{t, Gpr{}, 1, FuncInstLayout::type_id()}, LoadKind::U32);
  a.cmp_imm(W::W32, u, int32_t(intern_func_type(type)));
  a.branch(Cond::Ne, trap_label(uint8_t(Trap::IndirectCallTypeMismatch)));
  // A function of this instance (its FuncInst names it, or names no
  // instance: "the caller's") is entered through the module's code table.
  Label generic = a.new_label(), same = a.new_label(), done = a.new_label();
  a.load_ptr(u, Address{t, Gpr{}, 1, FuncInstLayout::host()});
  a.test(W::W64, u);
  a.branch(Cond::Ne, generic);
  a.load_ptr(u, Address{t, Gpr{}, 1, FuncInstLayout::instance()});
  a.test(W::W64, u);
  a.branch(Cond::Eq, same);
  a.cmp_mem(W::W64, u, a.ctx(Ctx::instance()));
  a.branch(Cond::Ne, generic);
  a.bind(same);
  a.load(W::W32, u, Address{t, Gpr{}, 1, FuncInstLayout::index()}, LoadKind::U32);
  a.load_ptr(v, a.ctx(Ctx::code()));
  a.load_ptr(v, Address{v, u, 8, 0});
  a.call_reg(v);
  a.jmp(done);
  a.bind(generic);
  a.mov(W::W64, Regs::scratch(), t);
  a.call_stub_suspending(stub_entry(kStubCallFuncInst));
  a.bind(done);
  free_value(idx);
  gpr_free_ |= (1u << t.code) | (1u << u.code) | (1u << v.code);
  push_call_results(type);
}

void Compiler::call_runtime(const void* fn, std::initializer_list<uint64_t> imms, size_t nvalues, bool traps,
                            ValType result) {
  MacroAssembler& a = *masm_;
  // Everything to memory, the values and the caller-saved homes included:
  // then loading the C arguments cannot overwrite one another.
  spill_all_regs();
  save_vhomes();
  unsigned arg = 0;
  a.mov(W::W64, a.c_arg(arg++), Regs::ctx());
  for (uint64_t imm : imms) a.mov_imm(W::W64, a.c_arg(arg++), imm);
  const size_t first = stack_.size() - nvalues;
  for (size_t i = 0; i < nvalues; ++i) {
    const Value& v = stack_[first + i];
    const Gpr r = a.c_arg(arg++);
    if (is_float(v.type)) {
      // (no helper takes floats)
      store_value(v, slot_addr(first + i));
      a.load(W::W64, r, slot_addr(first + i), LoadKind::X64);
    } else {
      load_value(v, r.code);
    }
  }
  truncate(first);
  a.mov_imm(W::W64, Regs::scratch(), uint64_t(uintptr_t(fn)));
  a.call_stub(stub_entry(kStubRuntime));
  reload_vhomes();
  if (traps) {
    a.test(W::W32, a.c_result());
    if (!dynamic_trap_.valid()) dynamic_trap_ = a.new_label();
    a.branch(Cond::Ne, dynamic_trap_);
  }
  if (result != ValType::Bottom) {
    const Gpr r = alloc_gpr();
    if (traps) a.load(wof(result), r, a.ctx(Ctx::scratch()), result == ValType::I32 ? LoadKind::U32 : LoadKind::X64);
    else a.mov(wof(result), r, a.c_result());
    push_reg(result, r.code);
  }
}

}  // namespace lvm::jit
