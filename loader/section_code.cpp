// Code section (spec 5.5.13): function bodies, their locals, and validation
// of their instructions.
#include <string>

#include "loader/decoder.h"
#include "loader/validate_function.h"

namespace lvm {

void ModuleDecoder::decode_code(Reader& r) {
  saw_code_section_ = true;
  size_t at = r.offset();
  uint32_t n = r.count("function body", 2);
  if (!r.ok()) return;
  if (n != declared_function_count_) {
    r.fail(ErrorKind::Malformed, at, "function and code section have inconsistent lengths",
           std::to_string(declared_function_count_) + " functions declared, " + std::to_string(n) + " bodies");
    return;
  }
  m_->bodies.resize(n);
  FunctionValidator validator(*m_, opts_, declared_refs_);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    const uint32_t func_index = m_->num_imported_functions + i;
    r.set_context("function", func_index);
    size_t size_at = r.offset();
    uint32_t size = r.u32();
    if (!r.ok()) return;
    if (size > r.remaining()) {
      r.fail(ErrorKind::Malformed, size_at, "unexpected end of section or function",
             "body of " + std::to_string(size) + " bytes");
      return;
    }
    if (size > opts_.limits.max_function_size) {
      r.fail(ErrorKind::Malformed, size_at, "function body too large", std::to_string(size) + " bytes");
      return;
    }
    FunctionBody& body = m_->bodies[i];
    body.body = {uint32_t(r.offset()), size};
    Reader b(r.pos(), r.pos() + size, r.origin());
    b.set_context("function", func_index);
    r.skip(size);

    // Locals: groups of (count, type) (spec 5.5.13); the total is bounded.
    uint32_t groups = b.count("local group", 2);
    uint64_t total = 0;
    for (uint32_t g = 0; g < groups && b.ok(); ++g) {
      size_t lat = b.offset();
      uint32_t count = b.u32();
      total += count;
      if (b.ok() && total > opts_.limits.max_locals) {
        b.fail(ErrorKind::Malformed, lat, "too many locals",
               "more than " + std::to_string(opts_.limits.max_locals));
        break;
      }
      ValType t = read_valtype(b);
      if (b.ok()) body.locals.insert(body.locals.end(), count, t);
    }
    if (!b.ok()) {
      r.fail(b.error()->kind, b.error()->offset, b.error()->message, b.error()->detail);
      return;
    }
    body.code_offset = uint32_t(b.offset());
    validator.validate(b, func_index, body);
    if (!b.ok()) {
      auto e = b.take_error();
      r.fail(e->kind, e->offset, e->message, e->detail);
      return;
    }
  }
}

}  // namespace lvm
