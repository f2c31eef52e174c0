// The compiler's driver: the pre-scan (what the function needs, which
// locals get registers), the frame, the instruction loop with unreachable
// code skipped, and the abstract operand stack with its registers.
#include "jit/compiler.h"

#include <algorithm>

#include "jit/stubs.h"
#include "vm/trap.h"

namespace lvm::jit {

namespace {
thread_local std::unique_ptr<MacroAssembler> t_spare;
}  // namespace

struct Compiler::Scratch {
  std::vector<LocalInfo> locals;
  std::vector<Gpr> saved;
  std::vector<uint32_t> vhomed;
  std::vector<Value> stack;
  std::vector<Ctl> ctl;
  std::vector<Label> trap_labels;
  std::vector<SlowPath> slow_paths;
};

Compiler::Scratch& Compiler::scratch() {
  thread_local Scratch s;
  s.locals.clear();
  s.saved.clear();
  s.vhomed.clear();
  s.stack.clear();
  s.ctl.clear();
  s.trap_labels.assign(size_t(Trap::Yield) + 1, Label{});
  s.slow_paths.clear();
  return s;
}

std::unique_ptr<MacroAssembler> take_assembler() {
  if (!t_spare) return MacroAssembler::create();
  std::unique_ptr<MacroAssembler> m = std::move(t_spare);
  m->reset();
  return m;
}

void recycle_assembler(std::unique_ptr<MacroAssembler> masm) { t_spare = std::move(masm); }

CompileResult compile_function(const Module& m, uint32_t func_index, void* const* code_table, CodeVariant variant,
                               bool listing) {
  return Compiler(m, func_index, code_table, variant, listing).run();
}

Compiler::Compiler(const Module& m, uint32_t func_index, void* const* code_table, CodeVariant variant, bool listing)
    : m_(m),
      func_index_(func_index),
      type_(m.func_type(func_index)),
      body_(m.bodies[m.functions[func_index].body_index]),
      code_table_(code_table),
      mode_(variant.mode),
      track_writes_(variant.track_writes),
      masm_(take_assembler()),
      scratch_(scratch()),
      locals_(scratch_.locals),
      saved_(scratch_.saved),
      vhomed_(scratch_.vhomed),
      stack_(scratch_.stack),
      ctl_(scratch_.ctl),
      trap_labels_(scratch_.trap_labels),
      slow_paths_(scratch_.slow_paths) {
  masm_->set_listing(listing);
  size_t n;
  const Gpr* temps = Regs::temps(n);
  for (size_t i = 0; i < n; ++i) gpr_free_ |= 1u << temps[i].code;
  const Fpr* ftemps = Regs::ftemps(n);
  for (size_t i = 0; i < n; ++i) fpr_free_ |= 1u << ftemps[i].code;
}

// ---- the function's facts ----

namespace {
// The instruction features this compiler handles (FunctionBody::op_features).
constexpr uint32_t kCompiledFeatures =
    1u << unsigned(Feature::Mvp) | 1u << unsigned(Feature::SignExtension) |
    1u << unsigned(Feature::SaturatingConversions) | 1u << unsigned(Feature::MultiValue) |
    1u << unsigned(Feature::BulkMemory) | 1u << unsigned(Feature::ReferenceTypes) | 1u << unsigned(Feature::Simd);
}  // namespace

bool Compiler::find_unsupported() {
  CodeCursor c{m_.bytes.data() + body_.code_offset};
  const uint8_t* end = m_.bytes.data() + body_.body.offset + body_.body.size;
  while (c.p < end) {
    const Opcode op = c.opcode();
    const OpInfo& info = op_info(op);
    if (!(kCompiledFeatures >> unsigned(info.feature) & 1))
      return unsupported_ = std::string("instruction ") + std::string(op_name(op)), true;
    c.skip(info.imm);
  }
  return false;
}

bool Compiler::prepare() {
  bool wide = body_.op_features >> unsigned(Feature::Simd) & 1;
  for (ValType t : type_.params()) wide |= is_vec(t);
  for (ValType t : type_.results()) wide |= is_vec(t);
  for (const LocalGroup& g : body_.locals) wide |= is_vec(g.type);
  if (wide) stride_ = 16;
  if (body_.op_features & ~kCompiledFeatures) {
    // Only to name the reason; the validator's summary says there is one.
    if (!find_unsupported()) unsupported_ = "an instruction of an unsupported feature";
    return false;
  }
  for (ValType t : type_.params()) locals_.push_back({t, false, 0, 0});
  for (const LocalGroup& g : body_.locals) locals_.insert(locals_.end(), g.count, LocalInfo{g.type, false, 0, 0});
  out_slots_ = body_.max_call_values * (wide ? 2 : 1);  // (a v128 takes two slots)

  // Homes: the most used integer locals, in callee-saved registers; then
  // caller-saved homes for the next integer and the first float locals,
  // among those used in loops (weight 8 or more) more than twice as often
  // as the function calls (each call costs a store and a load per such
  // home, around it).
  size_t nhomes;
  const Gpr* homes = Regs::homes(nhomes);
  size_t ints = 0, vints = 0, floats = 0;
  size_t nvh, nfh;
  const Gpr* vh = Regs::vhomes(nvh);
  const Fpr* fh = Regs::fhomes(nfh);
  for (const LocalUse& u : body_.hot_locals) {
    LocalInfo& l = locals_[u.index];
    const bool worth_volatile = u.weight >= 8 && uint64_t(u.weight) > 2 * uint64_t(body_.call_weight);
    if (in_fpr(l.type)) {
      if (floats == nfh || !worth_volatile) continue;
      l.homed = l.volatile_home = true;
      l.reg = fh[floats++].code;
      vhomed_.push_back(u.index);
    } else if (ints < nhomes) {
      l.homed = true;
      l.reg = homes[ints].code;
      saved_.push_back(homes[ints++]);
    } else {
      if (vints == nvh || !worth_volatile) continue;
      l.homed = l.volatile_home = true;
      l.reg = vh[vints++].code;
      vhomed_.push_back(u.index);
    }
  }
  // Frame offsets.
  const int32_t base = -8 * int32_t(saved_.size());
  int32_t next = base;
  const size_t nparams = type_.params().size();
  for (size_t i = 0; i < locals_.size(); ++i) {
    if (i < nparams) {
      locals_[i].disp = kArgsOffset + area_offset(type_.params(), i);  // (a homed one is loaded from there)
    } else if (!locals_[i].homed || locals_[i].volatile_home) {
      next -= 8 * int32_t(slots_of(locals_[i].type));
      locals_[i].disp = next;
    }
  }
  slots_base_ = next;
  save_base_ = slots_base_ - stride_ * int32_t(body_.max_stack);
  const int32_t save_slots = body_.if_with_params ? int32_t(body_.max_stack) : 0;
  const int32_t lowest = save_base_ - stride_ * save_slots;
  uint32_t below_saved = uint32_t(base - lowest) + 8 * out_slots_;
  // sp is 16-byte aligned at calls: fp is (pushed fp), then the saved registers.
  while ((8 * saved_.size() + below_saved) % 16) below_saved += 8;
  frame_bytes_ = below_saved;
  return true;
}

// ---- the driver ----

CompileResult Compiler::run() {
  CompileResult r;
  if (!prepare()) {
    r.fallback = unsupported_;
    return r;
  }
  MacroAssembler& a = *masm_;
  // The entry check: call depth and preemption in one compare (JitState::stack_limit).
  entry_slow_ = a.new_label();
  entry_cont_ = a.new_label();
  a.prologue(saved_, frame_bytes_, Ctx::stack_limit(), entry_slow_, entry_cont_);
  // Parameters homed in registers come from the incoming area; other
  // locals start at zero.
  const size_t nparams = type_.params().size();
  uint32_t zeros = 0;
  int32_t lowest_zero = 0;
  for (size_t i = 0; i < locals_.size(); ++i) {
    const LocalInfo& l = locals_[i];
    if (l.homed && !l.volatile_home) {
      if (i < nparams) a.load(wof(l.type), Gpr{l.reg}, a.frame(l.disp), l.type == ValType::I32 ? LoadKind::U32 : LoadKind::X64);
      else a.mov_imm(W::W64, Gpr{l.reg}, 0);
    } else if (i >= nparams) {
      zeros += slots_of(l.type);
      lowest_zero = std::min(lowest_zero, l.disp);
    }
  }
  if (zeros) a.zero_frame(lowest_zero, zeros);
  for (uint32_t i : vhomed_) {  // (after zero_frame, which may clobber them)
    const LocalInfo& l = locals_[i];
    if (is_vec(l.type)) {
      if (i < nparams) a.vload(Fpr{l.reg}, local_addr(l));
      else a.vconst(Fpr{l.reg}, 0, 0);
    } else if (is_float(l.type)) {
      if (i < nparams) a.fload(fwof(l.type), Fpr{l.reg}, local_addr(l));
      else a.fconst(fwof(l.type), Fpr{l.reg}, 0);
    } else {
      if (i < nparams) a.load(wof(l.type), Gpr{l.reg}, local_addr(l), l.type == ValType::I32 ? LoadKind::U32 : LoadKind::X64);
      else a.mov_imm(W::W64, Gpr{l.reg}, 0);
    }
  }

  Ctl fn{};
  fn.kind = LabelKind::Function;
  fn.results = type_.results();
  fn.height = 0;
  ctl_.push_back(fn);
  CodeCursor c{m_.bytes.data() + body_.code_offset};
  cur_ = &c;
  while (!ctl_.empty()) {
    const Opcode op = c.opcode();
    if (dead_) {
      switch (op) {
        case Opcode::Block: case Opcode::Loop: case Opcode::If: {
          Ctl d{};
          d.kind = LabelKind::Block;
          read_block_type(c, d.params, d.results);
          d.dead_entry = true;
          d.height = uint32_t(stack_.size());
          ctl_.push_back(d);
          continue;
        }
        case Opcode::Else:
          if (ctl_.back().dead_entry) continue;
          else_();
          continue;
        case Opcode::End:
          if (ctl_.back().dead_entry) {
            ctl_.pop_back();
            continue;
          }
          end();
          continue;
        default: c.skip(op_info(op).imm); continue;
      }
    }
    instruction(op, c);
    if (!unsupported_.empty()) break;
  }
  if (unsupported_.empty()) emit_trap_stubs();
  if (!unsupported_.empty() || a.failed()) {
    r.fallback = unsupported_.empty() ? "the assembler failed" : unsupported_;
    return r;
  }
  r.size = a.finish();
  if (a.failed()) {
    r.fallback = "the assembler failed";
    return r;
  }
  r.listing = masm_->listing();
  r.masm = std::move(masm_);
  r.faults = std::move(faults_);
  r.sums = sums_;
  return r;
}

Label Compiler::trap_label(uint8_t trap) {
  Label& l = trap_labels_[trap];
  if (!l.valid()) l = masm_->new_label();
  return l;
}

void Compiler::emit_trap_stubs() {
  // The entry check's slow path: before the frame is set up (no homes
  // loaded yet, nothing to save).
  masm_->bind(entry_slow_);
  masm_->call_stub_suspending(stub_entry(kStubEntryCheck));
  masm_->jmp(entry_cont_);
  for (const SlowPath& p : slow_paths_) {
    masm_->bind(p.slow);
    save_vhomes();
    masm_->call_stub_suspending(stub_entry(kStubCheckPoint));
    reload_vhomes();
    masm_->jmp(p.cont);
  }
  for (size_t t = 0; t < trap_labels_.size(); ++t)
    if (trap_labels_[t].valid()) masm_->trap_stub(trap_labels_[t], TrapCode(t), stub_entry(kStubTrap));
  if (dynamic_trap_.valid()) masm_->trap_stub_dynamic(dynamic_trap_, stub_entry(kStubTrap));
}

// ---- registers ----

Gpr Compiler::alloc_gpr() {
  if (!(gpr_free_ & 0xFFFF)) spill_one(false);
  const unsigned code = unsigned(__builtin_ctz(gpr_free_));
  gpr_free_ &= ~(1u << code);
  return Gpr{uint8_t(code)};
}

Fpr Compiler::alloc_fpr() {
  if (!(fpr_free_ & 0xFFFF)) spill_one(true);
  const unsigned code = unsigned(__builtin_ctz(fpr_free_));
  fpr_free_ &= ~(1u << code);
  return Fpr{uint8_t(code)};
}

void Compiler::free_value(const Value& v) {
  if (v.kind != Kind::Reg) return;
  if (in_fpr(v.type)) fpr_free_ |= 1u << v.reg;
  else gpr_free_ |= 1u << v.reg;
}

void Compiler::spill(size_t pos) {
  Value& v = stack_[pos];
  if (v.kind != Kind::Reg) return;
  if (sum_.active && sum_.pos == pos) settle_sum();
  if (is_vec(v.type)) masm_->vstore(slot_addr(pos), Fpr{v.reg});
  else if (is_float(v.type)) masm_->fstore(fwof(v.type), slot_addr(pos), Fpr{v.reg});
  else masm_->store(slot_addr(pos), Gpr{v.reg}, 8);
  free_value(v);
  v.kind = Kind::Slot;
  v.local = uint32_t(pos);
}

void Compiler::spill_one(bool fpr) {
  for (size_t i = 0; i < stack_.size(); ++i)
    if (stack_[i].kind == Kind::Reg && in_fpr(stack_[i].type) == fpr) {
      spill(i);
      return;
    }
  // Every register is held by popped operands: cannot happen, an
  // instruction takes at most three.
  unsupported_ = "out of registers";
}

void Compiler::evict(uint32_t mask) {
  for (size_t i = 0; i < stack_.size(); ++i) {
    Value& v = stack_[i];
    if (v.kind == Kind::Reg && !in_fpr(v.type) && (mask & (1u << v.reg))) spill(i);
  }
}

void Compiler::spill_all_regs() {
  for (size_t i = 0; i < stack_.size(); ++i) spill(i);
}

void Compiler::materialize_all() {
  for (size_t i = 0; i < stack_.size(); ++i) {
    Value& v = stack_[i];
    if (v.kind == Kind::Reg) {
      spill(i);
    } else if (v.kind == Kind::Local) {
      store_value(v, slot_addr(i));
      v.kind = Kind::Slot;
      v.local = uint32_t(i);
    }
  }
}

void Compiler::load_value(const Value& v, uint8_t r) {
  MacroAssembler& a = *masm_;
  if (is_vec(v.type)) {  // (v128 constants are made in registers)
    switch (v.kind) {
      case Kind::Reg: a.vmov(Fpr{r}, Fpr{v.reg}); return;
      case Kind::Local: {
        const LocalInfo& l = locals_[v.local];
        if (in_register(l)) a.vmov(Fpr{r}, Fpr{l.reg});
        else a.vload(Fpr{r}, local_addr(l));
        return;
      }
      case Kind::Slot: a.vload(Fpr{r}, slot_addr(v.local)); return;
      case Kind::Const: a.vconst(Fpr{r}, v.bits, 0); return;
    }
    return;
  }
  if (is_float(v.type)) {
    const FW w = fwof(v.type);
    switch (v.kind) {
      case Kind::Reg: a.fmov(w, Fpr{r}, Fpr{v.reg}); return;
      case Kind::Const: a.fconst(w, Fpr{r}, v.bits); return;
      case Kind::Local: {
        const LocalInfo& l = locals_[v.local];
        if (in_register(l)) a.fmov(w, Fpr{r}, Fpr{l.reg});
        else a.fload(w, Fpr{r}, local_addr(l));
        return;
      }
      case Kind::Slot: a.fload(w, Fpr{r}, slot_addr(v.local)); return;
    }
    return;
  }
  const W w = wof(v.type);
  const LoadKind k = v.type == ValType::I32 ? LoadKind::U32 : LoadKind::X64;
  switch (v.kind) {
    case Kind::Reg: a.mov(w, Gpr{r}, Gpr{v.reg}); return;
    case Kind::Const: a.mov_imm(w, Gpr{r}, v.type == ValType::I32 ? uint32_t(v.bits) : v.bits); return;
    case Kind::Local: {
      const LocalInfo& l = locals_[v.local];
      if (in_register(l)) a.mov(w, Gpr{r}, Gpr{l.reg});
      else a.load(w, Gpr{r}, local_addr(l), k);
      return;
    }
    case Kind::Slot: a.load(w, Gpr{r}, slot_addr(v.local), k); return;
  }
}

void Compiler::store_value(const Value& v, Address dst) {
  MacroAssembler& a = *masm_;
  const Gpr s = Regs::scratch();
  if (is_vec(v.type)) {
    if (v.kind == Kind::Reg) {
      a.vstore(dst, Fpr{v.reg});
      return;
    }
    if (v.kind == Kind::Local && in_register(locals_[v.local])) {
      a.vstore(dst, Fpr{locals_[v.local].reg});
      return;
    }
    const Address src = v.kind == Kind::Local ? local_addr(locals_[v.local]) : slot_addr(v.local);
    if (src.disp == dst.disp && src.base == dst.base) return;
    a.copy16(dst, src);
    return;
  }
  if (is_float(v.type)) {
    const FW w = fwof(v.type);
    if (v.kind == Kind::Reg) {
      a.fstore(w, dst, Fpr{v.reg});
      return;
    }
    if (v.kind == Kind::Const) {
      a.store_imm(dst, w == FW::F32 ? uint32_t(v.bits) : v.bits, 8);
      return;
    }
    if (v.kind == Kind::Local && in_register(locals_[v.local])) {
      a.fstore(w, dst, Fpr{locals_[v.local].reg});
      return;
    }
    const Address src = v.kind == Kind::Local ? local_addr(locals_[v.local]) : slot_addr(v.local);
    a.load(W::W64, s, src, LoadKind::X64);
    a.store(dst, s, 8);
    return;
  }
  switch (v.kind) {
    case Kind::Reg: a.store(dst, Gpr{v.reg}, 8); return;
    case Kind::Const: a.store_imm(dst, v.type == ValType::I32 ? uint32_t(v.bits) : v.bits, 8); return;
    case Kind::Local: {
      const LocalInfo& l = locals_[v.local];
      if (in_register(l)) {
        a.store(dst, Gpr{l.reg}, 8);
      } else {
        a.load(W::W64, s, local_addr(l), LoadKind::X64);
        a.store(dst, s, 8);
      }
      return;
    }
    case Kind::Slot: {
      const Address src = slot_addr(v.local);
      if (src.disp == dst.disp && src.base == dst.base) return;
      a.load(W::W64, s, src, LoadKind::X64);
      a.store(dst, s, 8);
      return;
    }
  }
}

Gpr Compiler::use_gpr(Value& v) {
  if (v.kind == Kind::Reg) return Gpr{v.reg};
  if (v.kind == Kind::Local && in_register(locals_[v.local])) return Gpr{locals_[v.local].reg};
  return own_gpr(v);
}

Gpr Compiler::own_gpr(Value& v) {
  if (v.kind == Kind::Reg) return Gpr{v.reg};
  const Gpr r = alloc_gpr();
  load_value(v, r.code);
  v.kind = Kind::Reg;
  v.reg = r.code;
  return r;
}

Fpr Compiler::use_fpr(Value& v) {
  if (v.kind == Kind::Local && in_register(locals_[v.local])) return Fpr{locals_[v.local].reg};
  return own_fpr(v);
}

Fpr Compiler::own_fpr(Value& v) {
  if (v.kind == Kind::Reg) return Fpr{v.reg};
  const Fpr r = alloc_fpr();
  load_value(v, r.code);
  v.kind = Kind::Reg;
  v.reg = r.code;
  return r;
}

Gpr Compiler::result_gpr(const Value& a, Gpr ra, const Value& b, Gpr rb) {
  if (a.kind == Kind::Reg) {
    free_value(b);
    return ra;
  }
  if (b.kind == Kind::Reg) return rb;
  return alloc_gpr();
}

Fpr Compiler::result_fpr(const Value& a, Fpr ra, const Value& b, Fpr rb) {
  if (a.kind == Kind::Reg) {
    free_value(b);
    return ra;
  }
  if (b.kind == Kind::Reg) return rb;
  return alloc_fpr();
}

uint32_t Compiler::result_home(ValType t) {
  const uint8_t* p = cur_->p;
  if (*p != 0x21 && *p != 0x22) return kNoLocal;  // local.set, local.tee
  CodeCursor c{p + 1};
  const uint32_t i = c.u32();
  const LocalInfo& l = locals_[i];
  if (!in_register(l) || l.type != t || (sum_.active && sum_.local == i)) return kNoLocal;
  preserve_local(i);
  return i;
}

Compiler::GprDest Compiler::dest_gpr(ValType t, Gpr reuse) {
  const uint32_t h = result_home(t);
  if (h != kNoLocal) {
    if (reuse.valid()) gpr_free_ |= 1u << reuse.code;
    return {Gpr{locals_[h].reg}, h};
  }
  return {reuse.valid() ? reuse : alloc_gpr(), kNoLocal};
}

Compiler::FprDest Compiler::dest_fpr(ValType t, Fpr reuse) {
  const uint32_t h = result_home(t);
  if (h != kNoLocal) {
    if (reuse.valid()) fpr_free_ |= 1u << reuse.code;
    return {Fpr{locals_[h].reg}, h};
  }
  return {reuse.valid() ? reuse : alloc_fpr(), kNoLocal};
}

Compiler::GprDest Compiler::dest_gpr(ValType t, const Value& a, Gpr ra, const Value& b, Gpr rb) {
  const uint32_t h = result_home(t);
  if (h == kNoLocal) return {result_gpr(a, ra, b, rb), kNoLocal};
  free_value(a);
  free_value(b);
  return {Gpr{locals_[h].reg}, h};
}

Compiler::FprDest Compiler::dest_fpr(ValType t, const Value& a, Fpr ra, const Value& b, Fpr rb) {
  const uint32_t h = result_home(t);
  if (h == kNoLocal) return {result_fpr(a, ra, b, rb), kNoLocal};
  free_value(a);
  free_value(b);
  return {Fpr{locals_[h].reg}, h};
}

void Compiler::preserve_local(uint32_t index) {
  for (size_t i = 0; i < stack_.size(); ++i) {
    Value& v = stack_[i];
    if (v.kind != Kind::Local || v.local != index) continue;
    // Into a register if one is free, else to its slot.
    const bool f = in_fpr(v.type);
    if (f ? (fpr_free_ & 0xFFFF) != 0 : (gpr_free_ & 0xFFFF) != 0) {
      const uint8_t r = f ? alloc_fpr().code : alloc_gpr().code;
      load_value(v, r);
      v.kind = Kind::Reg;
      v.reg = r;
    } else {
      store_value(v, slot_addr(i));
      v.kind = Kind::Slot;
      v.local = uint32_t(i);
    }
  }
}

void Compiler::save_vhomes() {
  for (uint32_t i : vhomed_) {
    const LocalInfo& l = locals_[i];
    if (is_vec(l.type)) masm_->vstore(local_addr(l), Fpr{l.reg});
    else if (is_float(l.type)) masm_->fstore(fwof(l.type), local_addr(l), Fpr{l.reg});
    else masm_->store(local_addr(l), Gpr{l.reg}, 8);
  }
  vhomes_saved_ = true;
}

void Compiler::reload_vhomes() {
  for (uint32_t i : vhomed_) {
    const LocalInfo& l = locals_[i];
    if (is_vec(l.type)) masm_->vload(Fpr{l.reg}, local_addr(l));
    else if (is_float(l.type)) masm_->fload(fwof(l.type), Fpr{l.reg}, local_addr(l));
    else masm_->load(W::W64, Gpr{l.reg}, local_addr(l), LoadKind::X64);
  }
  vhomes_saved_ = false;
}

// ---- variables ----

void Compiler::local_get(uint32_t i) { stack_.push_back({locals_[i].type, Kind::Local, 0, i, 0}); }

void Compiler::local_set(uint32_t i, bool tee) {
  if (sum_.active && sum_set(i, tee)) return;
  const LocalInfo& l = locals_[i];
  Value v = pop();
  if (v.kind == Kind::Local && v.local == i) {  // x = x
    if (tee) stack_.push_back(v);
    return;
  }
  preserve_local(i);
  if (l.homed) {
    load_value(v, l.reg);
    free_value(v);
  } else {
    store_value(v, local_addr(l));
    if (tee && (v.kind == Kind::Reg || v.kind == Kind::Const)) {
      stack_.push_back(v);  // the value stays where it is: no reload from the frame
      return;
    }
    free_value(v);
  }
  if (tee) local_get(i);
}

}  // namespace lvm::jit

namespace lvm::jit {

bool Compiler::dispatch(Opcode op, CodeCursor& c) {
  // One switch for every instruction but the rare ones (misc): a single
  // indirect jump per instruction.
  constexpr W I32 = W::W32, I64 = W::W64;
  constexpr FW F32 = FW::F32, F64 = FW::F64;
  switch (op) {
    case Opcode::Unreachable: unreachable_(); return true;
    case Opcode::Nop: return true;
    case Opcode::Block: case Opcode::Loop: case Opcode::If: block(op, c); return true;
    case Opcode::Else: else_(); return true;
    case Opcode::End: end(); return true;
    case Opcode::Br: br(c.u32()); return true;
    case Opcode::BrIf: br_if(c.u32()); return true;
    case Opcode::BrTable: br_table(c); return true;
    case Opcode::Return: return_(); return true;
    case Opcode::Call: call(c.u32()); return true;
    case Opcode::CallIndirect: {
      const uint32_t type = c.u32(), table = c.u32();
      call_indirect(type, table);
      return true;
    }
    case Opcode::Drop: free_value(pop()); return true;
    case Opcode::Select: select_(); return true;
    case Opcode::SelectT: c.skip(ImmKind::SelectT); select_(); return true;
    case Opcode::LocalGet: local_get(c.u32()); return true;
    case Opcode::LocalSet: local_set(c.u32(), false); return true;
    case Opcode::LocalTee: local_set(c.u32(), true); return true;
    case Opcode::GlobalGet: global_get(c.u32()); return true;
    case Opcode::GlobalSet: global_set(c.u32()); return true;
#define LOAD(name, slot, mem) case Opcode::name:
#define STORE(name, slot, mem) case Opcode::name:
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
      if ((op == Opcode::I32Load || op == Opcode::I64Load || op == Opcode::F32Load || op == Opcode::F64Load ||
           op == Opcode::I32Load8U || op == Opcode::I32Load8S || op == Opcode::I32Load16U ||
           op == Opcode::I32Load16S) &&
          fused_splat_load(op, c))
        return true;
      memory_access(op, c);
      return true;
#include "jit/compile_numeric_cases.inc"
    default: return false;
  }
}

void Compiler::instruction(Opcode op, CodeCursor& c) {
  if (sum_.active && !sum_keeps(op, c)) settle_sum();
  if (dispatch(op, c) || misc(op, c)) [[likely]]
    return;
  if (op_info(op).feature == Feature::Simd) {
    simd(op, c);
    return;
  }
  unsupported_instruction(op);
}

void Compiler::unsupported_instruction(Opcode op) {
  unsupported_ = std::string("instruction ") + std::string(op_name(op));
}

}  // namespace lvm::jit
