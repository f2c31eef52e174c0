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

    read_locals(b, body);
    if (b.ok()) {
      body.code_offset = uint32_t(b.offset());
      if (code_invalid_) {
        // After a validation error, bodies are only decoded.
        scan_instructions(b, m_->features, opts_.limits);
      } else {
        validator.validate(b, func_index, body);
        if (b.error() && b.error()->kind == ErrorKind::Invalid) {
          code_invalid_ = b.take_error();
          scan_body(r, func_index, body.code_offset, body.body.offset + size);
          if (!r.ok()) return;
          continue;
        }
      }
    }
    if (!b.ok()) {
      auto e = b.take_error();
      // Past a validation error only a malformed body matters; a disabled
      // proposal stops the scan of that body.
      if (code_invalid_ && e->kind != ErrorKind::Malformed) continue;
      r.fail(e->kind, e->offset, e->message, e->detail);
      return;
    }
  }
  if (!data_without_count_) data_without_count_ = std::move(validator.data_without_count);
}

// Locals: groups of (count, type) (spec 5.5.13); the total is bounded.
void ModuleDecoder::read_locals(Reader& b, FunctionBody& body) {
  uint32_t groups = b.count("local group", 2);
  uint64_t total = 0;
  for (uint32_t g = 0; g < groups && b.ok(); ++g) {
    size_t lat = b.offset();
    uint32_t count = b.u32();
    total += count;
    if (b.ok() && total > opts_.limits.max_locals) {
      b.fail(ErrorKind::Malformed, lat, "too many locals", "more than " + std::to_string(opts_.limits.max_locals));
      return;
    }
    ValType t = read_valtype(b);
    if (b.ok() && count) {
      body.locals.push_back({count, t});
      body.num_locals += count;
    }
  }
}

// Decodes the code [begin, end) of a body that failed validation, so a
// malformed instruction after the invalid one is reported as malformed.
void ModuleDecoder::scan_body(Reader& r, uint32_t func_index, size_t begin, size_t end) {
  const uint8_t* origin = r.origin();
  Reader s(origin + begin, origin + end, origin);
  s.set_context("function", func_index);
  scan_instructions(s, m_->features, opts_.limits);
  if (s.error() && s.error()->kind == ErrorKind::Malformed) {
    auto e = s.take_error();
    r.fail(e->kind, e->offset, e->message, e->detail);
  }
}

}  // namespace lvm
