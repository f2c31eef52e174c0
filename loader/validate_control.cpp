// Validation of control instructions (spec 3.3.8): blocks, branches, return
// and unreachable, and the side table of branch targets.
#include <string>

#include "loader/validate_function.h"

namespace lvm {

void FunctionValidator::control(Opcode op) {
  Reader& r = *r_;
  switch (op) {
    case Opcode::Unreachable:
      set_unreachable();
      return;

    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If: {
      BlockSig sig;
      if (!read_block_sig(sig)) return;
      if (op == Opcode::If) {
        pop(ValType::I32);
        if (!sig.params.empty()) if_with_params_ = true;
      }
      if (op == Opcode::Loop) enter_loop();
      pop_values(sig.params);
      auto side = uint32_t(body_->blocks.size());
      body_->blocks.push_back({uint32_t(op_at_), 0, 0});
      ctrl_.push_back({op, false, sp_, side, sig});
      if (ctrl_.size() > max_depth_) max_depth_ = uint32_t(ctrl_.size());
      push_values(sig.params);
      return;
    }

    case Opcode::Else: {
      Control& c = ctrl_.back();
      if (c.op != Opcode::If || ctrl_.size() == 1) {
        fail(ErrorKind::Malformed, "else without a matching if");
        return;
      }
      pop_values(c.sig.results);
      if (sp_ != c.height) {
        invalid("type mismatch" + in_op(), "values remain on the stack at the end of the if branch");
        return;
      }
      body_->blocks[c.side_index].else_pc = uint32_t(op_at_);
      c.op = Opcode::Else;
      c.unreachable = false;
      push_values(c.sig.params);
      return;
    }

    case Opcode::End: {
      Control& c = ctrl_.back();
      pop_values(c.sig.results);
      if (!r.ok()) return;
      if (sp_ != c.height) {
        invalid("type mismatch" + in_op(), std::to_string(sp_ - c.height) +
                                               " values remain on the stack at the end of the block");
        return;
      }
      // An `if` without `else` passes its params through unchanged, so they
      // must equal its results.
      if (c.op == Opcode::If && !std::equal(c.sig.params.begin(), c.sig.params.end(), c.sig.results.begin(),
                                            c.sig.results.end())) {
        invalid("type mismatch" + in_op(), "an if without else must have the same parameter and result types");
        return;
      }
      if (ctrl_.size() > 1) body_->blocks[c.side_index].end_pc = uint32_t(op_at_);
      if (c.op == Opcode::Loop) leave_loop();
      BlockSig sig = c.sig;
      ctrl_.pop_back();
      if (!ctrl_.empty()) push_values(sig.results);
      return;
    }

    case Opcode::Br:
    case Opcode::BrIf: {
      uint32_t depth = r.u32();
      if (!r.ok()) return;
      if (depth >= ctrl_.size()) {
        invalid("unknown label" + in_op(), "depth " + std::to_string(depth) + ", " +
                                               std::to_string(ctrl_.size()) + " labels in scope");
        return;
      }
      if (op == Opcode::BrIf) pop(ValType::I32);
      auto types = ctrl_[ctrl_.size() - 1 - depth].label_types();
      pop_values(types);
      if (op == Opcode::Br) {
        set_unreachable();
      } else {
        push_values(types);
      }
      return;
    }

    case Opcode::BrTable: {
      uint32_t n = r.count("br_table target", 1);
      if (!r.ok()) return;
      if (n > opts_.limits.max_br_table_size) {
        fail(ErrorKind::Malformed, "br_table has too many targets", std::to_string(n));
        return;
      }
      pop(ValType::I32);
      // Every target, then the default: each must accept the stack's
      // values (spec 3.3.8.8); their arities must agree.
      size_t arity = 0;
      for (uint32_t i = 0; i <= n && r.ok(); ++i) {
        uint32_t depth = r.u32();
        if (!r.ok()) return;
        if (depth >= ctrl_.size()) {
          invalid("unknown label" + in_op(), "depth " + std::to_string(depth));
          return;
        }
        auto types = ctrl_[ctrl_.size() - 1 - depth].label_types();
        if (i == 0) {
          arity = types.size();
        } else if (types.size() != arity) {
          invalid("type mismatch" + in_op(), "targets of different arity (" + std::to_string(arity) + " and " +
                                                 std::to_string(types.size()) + ")");
          return;
        }
        // Check without consuming: pop the label types and push back what
        // was found, so each target is checked against the same stack.
        ValType found[16];
        if (types.size() <= 16) {
          for (size_t k = types.size(); k-- > 0;) found[k] = pop(types[k]);
          if (!r.ok()) return;
          if (i < n) {
            for (size_t k = 0; k < types.size(); ++k) push(found[k]);
          }
        } else {
          std::vector<ValType> many(types.size());
          for (size_t k = types.size(); k-- > 0;) many[k] = pop(types[k]);
          if (!r.ok()) return;
          if (i < n) push_values(many);
        }
      }
      set_unreachable();
      return;
    }

    case Opcode::Return:
      pop_values(type_->results());
      set_unreachable();
      return;

    default:
      // Instructions of proposals whose feature bit is on but which lvm does
      // not implement yet.
      fail(ErrorKind::Unsupported, std::string(op_name(op)) + " is not supported by lvm yet");
      return;
  }
}

}  // namespace lvm
