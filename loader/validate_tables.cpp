// Validation of reference instructions (spec 3.3.2) and table instructions
// (spec 3.3.6).
#include <string>

#include "loader/validate_function.h"

namespace lvm {

void FunctionValidator::reference_or_table(Opcode op) {
  Reader& r = *r_;
  switch (op) {
    case Opcode::RefNull: {
      uint8_t b = r.u8();
      if (!r.ok()) return;
      if (b != 0x70 && b != 0x6F) {
        fail(ErrorKind::Malformed, "malformed reference type" + in_op(), "byte 0x" + to_hex(b));
        return;
      }
      push(ValType(b));
      return;
    }
    case Opcode::RefIsNull: {
      ValType t = pop();
      if (r.ok() && !is_ref(t) && t != ValType::Bottom) {
        invalid("type mismatch" + in_op(), std::string("expected a reference, found ") + valtype_name(t));
        return;
      }
      push(ValType::I32);
      return;
    }
    case Opcode::RefFunc: {
      uint32_t f = read_index();
      if (!r.ok()) return;
      if (f >= m_.functions.size()) {
        invalid("unknown function " + std::to_string(f) + in_op());
        return;
      }
      if (f >= refs_.size() || !refs_[f]) {
        invalid("undeclared function reference" + in_op(),
                "function " + std::to_string(f) + " is not in an element segment, export or global initializer");
        return;
      }
      push(ValType::FuncRef);
      return;
    }
    case Opcode::TableInit: {
      uint32_t e = read_index();
      uint32_t t = read_index();
      if (!r.ok() || !check_elem(e) || !check_table(t)) return;
      if (m_.elements[e].type != m_.tables[t].type.elem) {
        invalid("type mismatch" + in_op(), std::string("element segment holds ") + valtype_name(m_.elements[e].type) +
                                               ", table holds " + valtype_name(m_.tables[t].type.elem));
        return;
      }
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      return;
    }
    case Opcode::TableCopy: {
      uint32_t dst = read_index();
      uint32_t src = read_index();
      if (!r.ok() || !check_table(dst) || !check_table(src)) return;
      if (m_.tables[dst].type.elem != m_.tables[src].type.elem) {
        invalid("type mismatch" + in_op(), std::string("copying ") + valtype_name(m_.tables[src].type.elem) +
                                               " into a table of " + valtype_name(m_.tables[dst].type.elem));
        return;
      }
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      return;
    }
    default: break;
  }
  // table.get/set/grow/size/fill: one table index.
  uint32_t t = read_index();
  if (!r.ok() || !check_table(t)) return;
  ValType elem = m_.tables[t].type.elem;
  switch (op) {
    case Opcode::TableGet:
      pop(ValType::I32);
      push(elem);
      return;
    case Opcode::TableSet:
      pop(elem);
      pop(ValType::I32);
      return;
    case Opcode::TableGrow:
      pop(ValType::I32);
      pop(elem);
      push(ValType::I32);
      return;
    case Opcode::TableSize:
      push(ValType::I32);
      return;
    case Opcode::TableFill:
      pop(ValType::I32);
      pop(elem);
      pop(ValType::I32);
      return;
    default: return;
  }
}

}  // namespace lvm
