#include "loader/types.h"

namespace lvm {

const char* valtype_name(ValType t) {
  switch (t) {
    case ValType::Bottom: return "<unknown>";
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
  }
  return "?";
}

std::span<const ValType> single_type(ValType t) {
  static constexpr ValType kTypes[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64,
                                       ValType::V128, ValType::FuncRef, ValType::ExternRef};
  for (const ValType& s : kTypes)
    if (s == t) return {&s, 1};
  return {};
}

const char* extern_kind_name(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
    case ExternKind::Tag: return "tag";
  }
  return "?";
}

FuncType::FuncType(std::span<const ValType> params, std::span<const ValType> results)
    : nparams_(uint32_t(params.size())) {
  types_.reserve(params.size() + results.size());
  types_.insert(types_.end(), params.begin(), params.end());
  types_.insert(types_.end(), results.begin(), results.end());
}

static void append_list(std::string& out, std::span<const ValType> ts) {
  out += '(';
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i) out += ", ";
    out += valtype_name(ts[i]);
  }
  out += ')';
}

std::string FuncType::to_string() const {
  std::string out;
  append_list(out, params());
  out += " -> ";
  append_list(out, results());
  return out;
}

}  // namespace lvm
