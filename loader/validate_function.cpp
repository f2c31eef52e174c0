// Function-body validation: the driver loop, the operand stack, immediates
// and the table-driven instructions. Control flow is in validate_control.cpp,
// references and tables in validate_tables.cpp.
#include "loader/validate_function.h"

#include <string>

namespace lvm {


std::string FunctionValidator::in_op() const { return " in " + std::string(op_name(op_)); }

bool FunctionValidator::fail(ErrorKind kind, std::string message, std::string detail) {
  return r_->fail(kind, op_at_, std::move(message), std::move(detail));
}

bool FunctionValidator::type_mismatch(ValType expected, ValType found) {
  return invalid("type mismatch" + in_op(), std::string("expected ") + valtype_name(expected) + ", found " +
                                                (found == ValType::Bottom ? "nothing" : valtype_name(found)));
}

ValType FunctionValidator::pop() {
  const Control& c = ctrl_.back();
  if (sp_ == c.height) [[unlikely]] {
    if (!c.unreachable) invalid("type mismatch" + in_op(), "expected a value, but the stack is empty");
    return ValType::Bottom;
  }
  ValType t = stack_[--sp_];
  return t;
}

ValType FunctionValidator::pop(ValType expected) {
  const Control& c = ctrl_.back();
  if (sp_ == c.height) [[unlikely]] {
    if (!c.unreachable) type_mismatch(expected, ValType::Bottom);
    return ValType::Bottom;
  }
  ValType t = stack_[--sp_];
  if (t != expected && t != ValType::Bottom && expected != ValType::Bottom) [[unlikely]]
    type_mismatch(expected, t);
  return t;
}

void FunctionValidator::pop_values(std::span<const ValType> types) {
  for (size_t i = types.size(); i-- > 0;) pop(types[i]);
}

void FunctionValidator::set_unreachable() {
  Control& c = ctrl_.back();
  sp_ = c.height;
  c.unreachable = true;
}

uint32_t FunctionValidator::read_index() { return r_->u32(); }

bool FunctionValidator::check_memory(uint32_t index) {
  if (index < m_.memories.size()) return true;
  return invalid("unknown memory " + std::to_string(index) + in_op());
}
bool FunctionValidator::check_table(uint32_t index) {
  if (index < m_.tables.size()) return true;
  return invalid("unknown table " + std::to_string(index) + in_op());
}
bool FunctionValidator::check_data(uint32_t index) {
  if (!m_.data_count) {
    // Judged by the decoder once it has seen the data section
    // (ModuleDecoder::data_use_error).
    if (!data_without_count) data_without_count = DataUse{op_at_, func_index_, index, op_name(op_)};
    return true;
  }
  if (index < *m_.data_count) return true;
  return invalid("unknown data segment " + std::to_string(index) + in_op());
}
bool FunctionValidator::check_elem(uint32_t index) {
  if (index < m_.elements.size()) return true;
  return invalid("unknown elem segment " + std::to_string(index) + in_op());
}

bool FunctionValidator::read_reserved_zero() {
  uint8_t b = r_->u8();
  if (b == 0 || !r_->ok()) return r_->ok();
  if (m_.features.has(Feature::MultiMemory))
    return invalid("unknown memory " + std::to_string(b) + in_op());
  return fail(ErrorKind::Malformed, "zero byte expected" + in_op(),
              "memory index " + std::to_string(b) + " needs the multi-memory proposal");
}

bool FunctionValidator::read_memarg(unsigned natural_bytes) {
  uint32_t align = r_->u32();
  uint32_t memory = 0;
  if (align & 0x40) {  // multi-memory: a memory index follows
    if (!m_.features.has(Feature::MultiMemory))
      return fail(ErrorKind::Unsupported, "a memory index" + in_op() + " requires the multi-memory proposal");
    align &= ~0x40u;
    memory = r_->u32();
  }
  r_->u32();  // offset
  if (!r_->ok()) return false;
  if (!check_memory(memory)) return false;
  if (align >= 32 || (1u << align) > natural_bytes)
    return invalid("alignment must not be larger than natural" + in_op(),
                   "2^" + std::to_string(align) + " > " + std::to_string(natural_bytes) + " bytes");
  return true;
}

bool FunctionValidator::read_lane(unsigned lanes) {
  uint8_t lane = r_->u8();
  if (!r_->ok()) return false;
  if (lane >= lanes)
    return invalid("invalid lane index" + in_op(), std::to_string(lane) + " >= " + std::to_string(lanes));
  return true;
}

bool FunctionValidator::read_block_sig(BlockSig& sig) {
  uint8_t b = r_->peek_u8();
  if (b == 0x40) {
    r_->u8();
    sig = {};
    return r_->ok();
  }
  if (b == 0x7F || b == 0x7E || b == 0x7D || b == 0x7C || b == 0x7B || b == 0x70 || b == 0x6F) {
    r_->u8();
    if (b == 0x7B) {
      if (!m_.features.has(Feature::Simd)) return fail(ErrorKind::Unsupported, "type v128 requires the simd proposal");
      op_features_ |= 1u << unsigned(Feature::Simd);
    }
    sig = {{}, single_type(ValType(b))};
    return r_->ok();
  }
  int64_t idx = r_->s33();
  if (!r_->ok()) return false;
  if (idx < 0) return fail(ErrorKind::Malformed, "malformed block type" + in_op());
  if (uint64_t(idx) >= m_.types.size()) return invalid("unknown type " + std::to_string(idx) + in_op());
  const FuncType& t = m_.types[size_t(idx)];
  if ((!t.params().empty() || t.results().size() > 1) && !m_.features.has(Feature::MultiValue))
    return fail(ErrorKind::Unsupported, "a block with a type index requires the multi-value proposal");
  sig = {t.params(), t.results()};
  for (std::span<const ValType> ts : {t.params(), t.results()})
    for (ValType v : ts)
      if (v == ValType::V128) op_features_ |= 1u << unsigned(Feature::Simd);
  return true;
}

bool FunctionValidator::immediates(const OpInfo& info) {
  Reader& r = *r_;
  switch (info.imm) {
    case ImmKind::None: return true;
    case ImmKind::Mem1: return read_memarg(1);
    case ImmKind::Mem2: return read_memarg(2);
    case ImmKind::Mem4: return read_memarg(4);
    case ImmKind::Mem8: return read_memarg(8);
    case ImmKind::Mem16: return read_memarg(16);
    case ImmKind::MemLane1: return read_memarg(1) && read_lane(16);
    case ImmKind::MemLane2: return read_memarg(2) && read_lane(8);
    case ImmKind::MemLane4: return read_memarg(4) && read_lane(4);
    case ImmKind::MemLane8: return read_memarg(8) && read_lane(2);
    case ImmKind::Lane2: return read_lane(2);
    case ImmKind::Lane4: return read_lane(4);
    case ImmKind::Lane8: return read_lane(8);
    case ImmKind::Lane16: return read_lane(16);
    case ImmKind::I32: r.s32(); return r.ok();
    case ImmKind::I64: r.s64(); return r.ok();
    case ImmKind::F32: r.skip(4); return r.ok();
    case ImmKind::F64: r.skip(8); return r.ok();
    case ImmKind::V128: r.skip(16); return r.ok();
    case ImmKind::Shuffle: {
      auto lanes = r.bytes(16);
      if (!r.ok()) return false;
      for (uint8_t l : lanes)
        if (l >= 32) return invalid("invalid lane index" + in_op(), std::to_string(l) + " >= 32");
      return true;
    }
    case ImmKind::Memory: return read_reserved_zero() && check_memory(0);
    case ImmKind::MemoryCopy: return read_reserved_zero() && read_reserved_zero() && check_memory(0);
    case ImmKind::MemoryInit: {
      uint32_t d = read_index();
      return read_reserved_zero() && check_memory(0) && check_data(d);
    }
    case ImmKind::Data: {
      uint32_t d = read_index();
      return r.ok() && check_data(d);
    }
    case ImmKind::Elem: {
      uint32_t e = read_index();
      return r.ok() && check_elem(e);
    }
    default:
      // Every other kind belongs to a `special` instruction.
      return fail(ErrorKind::Malformed, "internal: unexpected immediate kind" + in_op());
  }
}

void FunctionValidator::simple(const OpInfo& info) {
  if (!immediates(info)) return;
  const OpSignature& s = info.sig;
  for (unsigned i = s.nparams; i-- > 0;) pop(s.params[i]);
  for (unsigned i = 0; i < s.nresults; ++i) push(s.results[i]);
}

void FunctionValidator::variable(Opcode op, uint32_t idx) {
  if (!r_->ok()) return;
  switch (op) {
    case Opcode::LocalGet:
    case Opcode::LocalSet:
    case Opcode::LocalTee: {
      if (idx >= locals_.size()) {
        invalid("unknown local " + std::to_string(idx) + in_op(),
                std::to_string(locals_.size()) + " locals including parameters");
        return;
      }
      ValType t = locals_[idx];
      use_local(idx);
      if (op == Opcode::LocalGet) {
        push(t);
      } else {
        pop(t);
        if (op == Opcode::LocalTee) push(t);
      }
      return;
    }
    case Opcode::GlobalGet:
    case Opcode::GlobalSet: {
      if (idx >= m_.globals.size()) {
        invalid("unknown global " + std::to_string(idx) + in_op());
        return;
      }
      const GlobalType& g = m_.globals[idx].type;
      if (g.type == ValType::V128) op_features_ |= 1u << unsigned(Feature::Simd);  // (v128 values flow)
      if (op == Opcode::GlobalGet) {
        push(g.type);
      } else {
        if (!g.mutable_) {
          invalid("global is immutable" + in_op(), "global " + std::to_string(idx));
          return;
        }
        pop(g.type);
      }
      return;
    }
    default: return;
  }
}

void FunctionValidator::parametric(Opcode op) {
  if (op == Opcode::Drop) {
    pop();
    return;
  }
  if (op == Opcode::SelectT) {
    uint32_t n = r_->u32();
    if (!r_->ok()) return;
    if (n != 1) {
      invalid("invalid result arity" + in_op(), "select takes exactly one type, found " + std::to_string(n));
      return;
    }
    ValType t = ValType::Bottom;
    uint8_t b = r_->u8();
    switch (b) {
      case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x70: case 0x6F: t = ValType(b); break;
      case 0x7B:
        if (!m_.features.has(Feature::Simd)) {
          fail(ErrorKind::Unsupported, "type v128 requires the simd proposal");
          return;
        }
        t = ValType::V128;
        op_features_ |= 1u << unsigned(Feature::Simd);
        break;
      default:
        if (r_->ok()) fail(ErrorKind::Malformed, "malformed value type" + in_op(), "byte 0x" + to_hex(b));
        return;
    }
    pop(ValType::I32);
    pop(t);
    pop(t);
    push(t);
    return;
  }
  // Untyped select: both operands the same numeric or vector type.
  pop(ValType::I32);
  ValType t1 = pop();
  ValType t2 = pop();
  if (is_ref(t1) || is_ref(t2)) {
    invalid("type mismatch" + in_op(), "select without a type annotation needs numeric or vector operands, found " +
                                           std::string(valtype_name(is_ref(t1) ? t1 : t2)));
    return;
  }
  if (t1 != t2 && t1 != ValType::Bottom && t2 != ValType::Bottom) {
    type_mismatch(t1, t2);
    return;
  }
  push(t1 == ValType::Bottom ? t2 : t1);
}

void FunctionValidator::call(Opcode op) {
  const FuncType* callee = nullptr;
  if (op == Opcode::Call) {
    uint32_t f = read_index();
    if (!r_->ok()) return;
    if (f >= m_.functions.size()) {
      invalid("unknown function " + std::to_string(f) + in_op());
      return;
    }
    callee = &m_.func_type(f);
  } else {  // call_indirect typeidx tableidx
    uint32_t t = read_index();
    uint32_t table = 0;
    if (m_.features.has(Feature::ReferenceTypes)) {
      table = read_index();
    } else if (!read_reserved_zero()) {
      return;
    }
    if (!r_->ok()) return;
    if (t >= m_.types.size()) {
      invalid("unknown type " + std::to_string(t) + in_op());
      return;
    }
    if (!check_table(table)) return;
    if (m_.tables[table].type.elem != ValType::FuncRef) {
      invalid("type mismatch" + in_op(), "table " + std::to_string(table) + " does not hold funcref");
      return;
    }
    pop(ValType::I32);
    callee = &m_.types[t];
  }
  max_call_values_ = std::max(max_call_values_, uint32_t(std::max(callee->params().size(), callee->results().size())));
  for (std::span<const ValType> ts : {callee->params(), callee->results()})
    for (ValType v : ts)
      if (v == ValType::V128) op_features_ |= 1u << unsigned(Feature::Simd);  // (v128 values flow)
  call_weight_ += use_weight_;
  pop_values(callee->params());
  push_values(callee->results());
}

void FunctionValidator::record_hot_locals(FunctionBody& body) {
  // One pass keeping the kHotLocals heaviest of each class, by insertion.
  constexpr size_t K = FunctionBody::kHotLocals;
  uint32_t top[2][K];
  size_t n[2] = {0, 0};
  const uint64_t* uses = uses_.data();
  auto heavier = [&](uint32_t a, uint32_t b) { return uses[a] != uses[b] ? uses[a] > uses[b] : a < b; };
  for (uint32_t i = 0, e = uint32_t(uses_.size()); i < e; ++i) {
    if (uses[i] == 0) continue;
    const ValType t = locals_[i];
    const unsigned c = t == ValType::F32 || t == ValType::F64 || t == ValType::V128;  // (the Fpr class)
    uint32_t* v = top[c];
    size_t k = n[c];
    if (k == K) {
      if (!heavier(i, v[K - 1])) continue;
      --k;
    } else {
      ++n[c];
    }
    for (; k > 0 && heavier(i, v[k - 1]); --k) v[k] = v[k - 1];
    v[k] = i;
  }
  // Both heaviest first: merged, they are too.
  body.hot_locals.clear();
  body.hot_locals.reserve(n[0] + n[1]);
  size_t a = 0, f = 0;
  while (a < n[0] || f < n[1]) {
    const bool take_int = f == n[1] || (a < n[0] && heavier(top[0][a], top[1][f]));
    const uint32_t l = take_int ? top[0][a++] : top[1][f++];
    body.hot_locals.push_back({l, uint32_t(std::min<uint64_t>(uses[l], UINT32_MAX))});
  }
}

void FunctionValidator::init_hot() {
  for (unsigned b = 0; b < 256; ++b) {
    Hot& h = hot_[b];
    h = {};
    uint16_t code = b < 0xFC ? kDecodeOneByte[b] : kNoOpcode;
    if (code == kNoOpcode) continue;
    const OpInfo& info = op_info(Opcode(code));
    if (info.sig.special || !m_.features.has(info.feature)) continue;
    switch (info.imm) {
      case ImmKind::None: h.imm = HotImm::None; break;
      case ImmKind::Mem1: h.imm = HotImm::Memarg; h.mem = 1; break;
      case ImmKind::Mem2: h.imm = HotImm::Memarg; h.mem = 2; break;
      case ImmKind::Mem4: h.imm = HotImm::Memarg; h.mem = 4; break;
      case ImmKind::Mem8: h.imm = HotImm::Memarg; h.mem = 8; break;
      case ImmKind::I32: h.imm = HotImm::I32; break;
      case ImmKind::I64: h.imm = HotImm::I64; break;
      case ImmKind::F32: h.imm = HotImm::F32; break;
      case ImmKind::F64: h.imm = HotImm::F64; break;
      default: continue;
    }
    h.code = code;
    h.feature_bit = 1u << unsigned(info.feature);
    h.np = info.sig.nparams;
    h.nr = info.sig.nresults;
    for (unsigned k = 0; k < h.np; ++k) h.p[k] = info.sig.params[k];
    h.res = info.sig.results[0];
  }
  hot_ready_ = true;
}

void FunctionValidator::validate(Reader& r, uint32_t func_index, FunctionBody& body) {
  r_ = &r;
  body_ = &body;
  func_index_ = func_index;
  type_ = &m_.func_type(func_index);
  locals_.assign(type_->params().begin(), type_->params().end());
  for (const LocalGroup& g : body.locals) locals_.insert(locals_.end(), g.count, g.type);
  sp_ = 0;
  ctrl_.clear();
  max_stack_ = 0;
  max_depth_ = 1;
  uses_.assign(locals_.size(), 0);
  use_weight_ = 1;
  loop_depth_ = 0;
  op_features_ = 0;
  max_call_values_ = 0;
  call_weight_ = 0;
  if_with_params_ = false;
  ctrl_.push_back({Opcode::Block, false, 0, 0, {{}, type_->results()}});

  if (!hot_ready_) init_hot();
  const ValType* locals = locals_.data();
  const uint32_t nlocals = uint32_t(locals_.size());
  uint64_t* const uses = uses_.data();
  uint64_t weight = use_weight_;  // (control() changes it: reloaded after)
  for (;;) {
    if (r.at_end()) {  // also after any error: the reader jumps to its end
      op_at_ = r.offset();
      fail(ErrorKind::Malformed, "END opcode expected", "the function body ends inside a block");
      return;
    }
    op_at_ = r.offset();
    uint8_t b = r.u8();
    // Fast paths: the most frequent instructions, when they type-check.
    switch (b) {
      case 0x20: {  // local.get
        uint32_t idx = r.u32();
        if (idx < nlocals) [[likely]] {
          push(locals[idx]);
          uses[idx] += weight;
          continue;
        }
        op_ = Opcode::LocalGet;
        variable(op_, idx);
        continue;
      }
      case 0x21: {  // local.set
        uint32_t idx = r.u32();
        if (idx < nlocals && sp_ > ctrl_.back().height && stack_[sp_ - 1] == locals[idx]) [[likely]] {
          --sp_;
          uses[idx] += weight;
          continue;
        }
        op_ = Opcode::LocalSet;
        variable(op_, idx);
        continue;
      }
      case 0x22: {  // local.tee
        uint32_t idx = r.u32();
        if (idx < nlocals && sp_ > ctrl_.back().height && stack_[sp_ - 1] == locals[idx]) [[likely]] {
          uses[idx] += weight;
          continue;
        }
        op_ = Opcode::LocalTee;
        variable(op_, idx);
        continue;
      }
      default: break;
    }
    if (const Hot& h = hot_[b]; h.imm != HotImm::NotHot) {
      op_ = Opcode(h.code);
      op_features_ |= h.feature_bit;
      switch (h.imm) {
        case HotImm::Memarg: read_memarg(h.mem); break;
        case HotImm::I32: r.s32(); break;
        case HotImm::I64: r.s64(); break;
        case HotImm::F32: r.skip(4); break;
        case HotImm::F64: r.skip(8); break;
        default: break;
      }
      const uint32_t np = h.np;
      bool match = sp_ >= ctrl_.back().height + np;
      for (uint32_t k = 0; k < np && match; ++k) match = stack_[sp_ - np + k] == h.p[k];
      if (match) [[likely]] {
        sp_ -= np;
      } else {
        for (uint32_t k = np; k-- > 0;) pop(h.p[k]);
      }
      if (h.nr) push(h.res);
      continue;
    }
    uint16_t code;
    if (b < 0xFC || b == 0xFF) [[likely]] {  // 0xFF is no prefix: an illegal opcode
      code = kDecodeOneByte[b];
    } else {
      uint32_t sub = r.u32();
      if (!r.ok()) return;
      if (b == 0xFC) {
        code = sub < kDecodeFC.size() ? kDecodeFC[sub] : kNoOpcode;
      } else if (b == 0xFD) {
        code = sub < kDecodeFD.size() ? kDecodeFD[sub] : kNoOpcode;
      } else if (b == 0xFE) {
        fail(ErrorKind::Unsupported, "atomic instructions require the threads proposal", "0xfe " + hex(sub));
        return;
      } else {
        code = kNoOpcode;
      }
      if (is_relaxed_simd(b, sub)) {
        fail(ErrorKind::Unsupported,
             m_.features.has(Feature::RelaxedSimd)
                 ? "relaxed SIMD instructions are not supported by lvm yet"
                 : "relaxed SIMD instructions require the relaxed-simd proposal, which is not enabled",
             "0xfd " + hex(sub));
        return;
      }
      if (code == kNoOpcode) {
        fail(ErrorKind::Malformed, "illegal opcode", "0x" + to_hex(b) + " " + hex(sub));
        return;
      }
    }
    if (code == kNoOpcode) [[unlikely]] {
      fail(ErrorKind::Malformed, "illegal opcode", "0x" + to_hex(b));
      return;
    }
    op_ = Opcode(code);
    const OpInfo& info = op_info(op_);
    if (!m_.features.has(info.feature)) [[unlikely]] {
      fail(ErrorKind::Unsupported,
           std::string(info.name) + " requires the " + std::string(feature_name(info.feature)) +
               " proposal, which is not enabled");
      return;
    }
    op_features_ |= 1u << unsigned(info.feature);
    if (!info.sig.special) {
      simple(info);
      continue;
    }
    switch (op_) {
      case Opcode::LocalGet: case Opcode::LocalSet: case Opcode::LocalTee:
      case Opcode::GlobalGet: case Opcode::GlobalSet:
        variable(op_, read_index());
        break;
      case Opcode::Drop: case Opcode::Select: case Opcode::SelectT:
        parametric(op_);
        break;
      case Opcode::Call: case Opcode::CallIndirect:
        call(op_);
        break;
      case Opcode::RefNull: case Opcode::RefIsNull: case Opcode::RefFunc:
      case Opcode::TableGet: case Opcode::TableSet: case Opcode::TableInit: case Opcode::TableCopy:
      case Opcode::TableGrow: case Opcode::TableSize: case Opcode::TableFill:
        reference_or_table(op_);
        break;
      default:
        control(op_);
        weight = use_weight_;
        if (ctrl_.empty()) {  // the function's final `end`
          if (!r.at_end() && r.ok())
            fail(ErrorKind::Malformed, "section size mismatch", "operators remain after the end of the function");
          body.max_stack = max_stack_;
          body.max_depth = max_depth_;
          body.op_features = op_features_;
          body.max_call_values = max_call_values_;
          body.call_weight = uint32_t(std::min<uint64_t>(call_weight_, UINT32_MAX));
          body.if_with_params = if_with_params_;
          record_hot_locals(body);
          return;
        }
        break;
    }
  }
}

}  // namespace lvm
