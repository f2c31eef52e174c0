// The translator's driver, abstract operand stack and code emission.
#include "vm/interp/translate.h"

#include <cassert>

#include "vm/interp/translator.h"

namespace lvm::interp {

Translator::Translator(const Module& m, uint32_t func_index)
    : m_(m),
      func_index_(func_index),
      type_(m.func_type(func_index)),
      body_(m.bodies[m.functions[func_index].body_index]) {
  auto add_local = [&](ValType t) {
    local_slot_.push_back(local_slots_);
    local_type_.push_back(t);
    local_slots_ += slots_of(t);
  };
  for (ValType t : type_.params()) add_local(t);
  entry_zero_.assign(type_.params().size(), false);
  for (const LocalGroup& g : body_.locals)
    for (uint32_t i = 0; i < g.count; ++i) add_local(g.type);
  entry_zero_.resize(local_type_.size(), true);
  max_slot_ = local_slots_;
  // If-param save areas sit above every operand-stack slot the function
  // can use (at most two slots per value, for v128).
  save_top_ = local_slots_ + 2 * body_.max_stack;
}

CompiledFunction Translator::run() {
  CompiledFunction out;
  out.func_index = func_index_;
  for (ValType t : type_.params()) out.param_slots += slots_of(t);
  out.local_slots = local_slots_;
  for (ValType t : type_.results()) out.result_slots += slots_of(t);

  Label fn{};
  fn.kind = LabelKind::Function;
  fn.base_slot = local_slots_;
  fn.results = type_.results();
  labels_.push_back(std::move(fn));
  CodeCursor c{m_.bytes.data() + body_.code_offset};
  const uint8_t* end = m_.bytes.data() + body_.body.offset + body_.body.size;
  while (!labels_.empty() && c.p < end) instruction(c.opcode(), c);
  out.frame_slots = std::max(max_slot_, save_top_);
  out.code = std::move(code_);
  return out;
}

// ---- abstract stack ----

uint32_t Translator::next_slot() const {
  if (stack_.empty()) return local_slots_;
  const Entry& top = stack_.back();
  return top.canon + slots_of(top.type);
}

void Translator::push_temp(ValType t) {
  uint32_t s = next_slot();
  stack_.push_back({t, Where::Temp, s, 0, 0});
  max_slot_ = std::max(max_slot_, s + slots_of(t));
}

void Translator::push_local(ValType t, uint32_t local_slot) {
  uint32_t s = next_slot();
  stack_.push_back({t, Where::Local, s, local_slot, 0});
  max_slot_ = std::max(max_slot_, s + slots_of(t));
}

void Translator::push_const(ValType t, uint64_t bits) {
  uint32_t s = next_slot();
  stack_.push_back({t, Where::Const, s, 0, bits});
  max_slot_ = std::max(max_slot_, s + slots_of(t));
}

uint32_t Translator::loc(Entry& e) {
  switch (e.where) {
    case Where::Temp: return e.canon;
    case Where::Local: return e.local;
    case Where::Const: materialize(e); return e.canon;
  }
  return e.canon;
}

void Translator::materialize(Entry& e) {
  if (e.where == Where::Local) emit_copy(e.type, e.canon, e.local);
  else if (e.where == Where::Const) emit_const(e.type, e.canon, e.value);
  e.where = Where::Temp;
}

void Translator::preserve_local(uint32_t slot) {
  for (Entry& e : stack_)
    if (e.where == Where::Local && e.local == slot) materialize(e);
}

void Translator::move_top_to(std::span<const ValType> types, uint32_t dst) {
  // The values are the top entries; destinations are at or below their own
  // slots, so copying upwards from the lowest never overwrites a source
  // still to be read, except a local read after a lower copy clobbered it:
  // locals are below every destination, so that cannot happen either.
  size_t n = types.size();
  size_t first = stack_.size() - n;
  for (size_t i = 0; i < n; ++i) {
    Entry& e = stack_[first + i];
    if (e.where == Where::Const) {
      emit_const(e.type, dst, e.value);
    } else {
      uint32_t src = e.where == Where::Local ? e.local : e.canon;
      if (src != dst) emit_copy(e.type, dst, src);
    }
    dst += slots_of(e.type);
  }
}

void Translator::reset_stack(uint32_t height, std::span<const ValType> types, uint32_t base_slot) {
  stack_.resize(height);
  uint32_t s = base_slot;
  for (ValType t : types) {
    stack_.push_back({t, Where::Temp, s, 0, 0});
    s += slots_of(t);
    max_slot_ = std::max(max_slot_, s);
  }
}

// ---- emission ----

uint32_t Translator::emit(IOp op) {
  uint32_t start = uint32_t(code_.size());
  const void* h = handler_table()[size_t(op)];
  uint32_t words[2];
  std::memcpy(words, &h, sizeof h);
  code_.push_back(words[0]);
  code_.push_back(words[1]);
  return start;
}

void Translator::end_instr(uint32_t start) {
  if ((code_.size() - start) & 1) code_.push_back(0);
}

std::array<uint32_t, 3> Translator::take_last_def(uint32_t count) {
  const uint32_t start = last_def_pos_ - kHandlerWords;
  std::array<uint32_t, 3> words{};
  for (uint32_t k = 0; k < count; ++k) words[k] = code_[last_def_pos_ + 1 + k];
  code_.resize(start);
  forget_last_def();
  if (prev_def_.op != IOp::Count) {
    // The definition before is the last instruction again.
    last_def_op_ = prev_def_.op;
    last_def_pos_ = prev_def_.pos;
    last_def_slot_ = prev_def_.slot;
    last_def_end_ = start;
    prev_def_ = {};
  }
  return words;
}

void Translator::emit_result(IOp form, ValType result, std::initializer_list<uint32_t> operands) {
  uint32_t at = emit(form);
  uint32_t pos = uint32_t(code_.size());
  for (uint32_t w : operands) operand(w);
  end_instr(at);
  push_temp(result);
  set_last_def(form, pos, *operands.begin());
}

namespace {
// Operand words per entry of a run instruction.
uint32_t run_entry_words(IOp many) { return many == IOp::ConstMany ? 3 : 2; }
}  // namespace

bool Translator::extend_run(Run& run, IOp many, std::initializer_list<uint32_t> entry) {
  if (!run_open(run)) return false;
  // Extend the instruction just emitted into `many` (same order, one
  // dispatch): count, then the entries.
  const uint32_t at = run.at, k = run_entry_words(many);
  if (handler_at(&code_[at]) != handler_table()[size_t(many)]) {
    code_.resize(at);
    emit(many);
    operand(1);
    for (uint32_t i = 0; i < k; ++i) operand(run.first[i]);
  } else if (code_.size() - at > kHandlerWords + 1 + k * code_[at + kHandlerWords]) {
    code_.pop_back();  // the padding word
  }
  ++code_[at + kHandlerWords];
  for (uint32_t w : entry) operand(w);
  end_instr(at);
  run.end = uint32_t(code_.size());
  return true;
}

void Translator::start_run(Run& run, IOp single, std::initializer_list<uint32_t> operands,
                           std::array<uint32_t, 3> first) {
  const uint32_t at = emit(single);
  for (uint32_t w : operands) operand(w);
  end_instr(at);
  run = {at, uint32_t(code_.size()), first};
}

void Translator::emit_copy(ValType t, uint32_t dst, uint32_t src) {
  if (t == ValType::V128) {
    const uint32_t at = emit(IOp::Copy128);
    operand(dst);
    operand(src);
    end_instr(at);
    return;
  }
  if (!extend_run(copies_, IOp::CopyMany, {dst, src})) start_run(copies_, IOp::Copy, {dst, src}, {dst, src});
}

void Translator::emit_const(ValType t, uint32_t dst, uint64_t bits) {
  // Argument set-up before calls is mostly constants: runs of them become
  // one ConstMany of 64-bit values. Alone, a constant that is a 32-bit
  // value zero- or sign-extended (0, 8, -1, ...; the latter marked in its
  // slot word, kConstSignExtend) takes a Const32, others a Const64.
  if (t == ValType::I32 || t == ValType::F32) bits = uint32_t(bits);
  const uint32_t lo = uint32_t(bits), hi = uint32_t(bits >> 32);
  // Within a run only the last constant into a slot counts: a ConstMany
  // writes each slot once.
  if (run_open(consts_)) {
    const uint32_t at = consts_.at;
    if (handler_at(&code_[at]) == handler_table()[size_t(IOp::ConstMany)]) {
      for (uint32_t k = 0, n = code_[at + kHandlerWords]; k < n; ++k) {
        uint32_t* e = &code_[at + kHandlerWords + 1 + 3 * k];
        if (e[0] == dst) {
          e[1] = lo;
          e[2] = hi;
          return;
        }
      }
    } else if (consts_.first[0] == dst) {
      code_.resize(at);  // a lone constant into the same slot: this one replaces it
    }
  }
  if (extend_run(consts_, IOp::ConstMany, {dst, lo, hi})) return;
  if (bits <= UINT32_MAX)
    start_run(consts_, IOp::Const32, {dst, lo}, {dst, lo, hi});
  else if (bits == uint64_t(int64_t(int32_t(lo))))
    start_run(consts_, IOp::Const32, {dst | kConstSignExtend, lo}, {dst, lo, hi});
  else
    start_run(consts_, IOp::Const64, {dst, lo, hi}, {dst, lo, hi});
}

CompiledFunction translate(const Module& m, uint32_t func_index) { return Translator(m, func_index).run(); }

}  // namespace lvm::interp
