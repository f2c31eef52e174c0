// Element section (spec 5.5.12): the eight encodings of element segments.
#include <string>

#include "loader/decoder.h"

namespace lvm {

void ModuleDecoder::decode_elements(Reader& r) {
  uint32_t n = r.count("element segment", 2);
  if (n > opts_.limits.max_element_segments) {
    r.malformed("too many element segments", std::to_string(n));
    return;
  }
  m_->elements.reserve(n);
  // Segment expressions see only the imported globals (spec 3.4.10,
  // context C'), like global initializers.
  const uint32_t const_globals = m_->num_imported_globals;
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    r.set_context("element segment", i);
    size_t at = r.offset();
    uint32_t flags = r.u32();
    if (!r.ok()) return;
    if (flags > 7) {
      r.fail(ErrorKind::Malformed, at, "malformed elements segment kind", "flags " + std::to_string(flags));
      return;
    }
    if (flags != 0 && !feature_check(r, Feature::BulkMemory, "this element segment encoding")) return;
    // Bit 0: passive or declarative; bit 1: explicit table index (active) or
    // declarative (passive); bit 2: items are expressions, not indices.
    ElementSegment seg;
    const bool has_table = (flags & 3) == 2;
    const bool uses_exprs = flags & 4;
    if (flags & 1)
      seg.mode = flags & 2 ? ElementSegment::Mode::Declarative : ElementSegment::Mode::Passive;
    if (seg.mode == ElementSegment::Mode::Active) {
      size_t tat = r.offset();
      if (has_table) seg.table = r.u32();
      if (!r.ok()) return;
      if (seg.table >= m_->tables.size()) {
        r.fail(ErrorKind::Invalid, tat, "unknown table " + std::to_string(seg.table));
        return;
      }
      seg.offset = read_const_expr(r, ValType::I32, const_globals);
    }
    // The element type: explicit unless flags are 0 or 4.
    if ((flags & 3) != 0) {
      if (uses_exprs) {
        seg.type = read_reftype(r);
      } else {
        size_t kat = r.offset();
        uint8_t kind = r.u8();
        if (r.ok() && kind != 0x00) {
          r.fail(ErrorKind::Malformed, kat, "malformed element kind", "byte 0x" + to_hex(kind));
          return;
        }
        seg.type = ValType::FuncRef;
      }
    }
    if (!r.ok()) return;
    if (seg.mode == ElementSegment::Mode::Active && m_->tables[seg.table].type.elem != seg.type) {
      r.fail(ErrorKind::Invalid, at, "type mismatch in element segment",
             std::string("table ") + std::to_string(seg.table) + " holds " +
                 valtype_name(m_->tables[seg.table].type.elem) + ", segment has " + valtype_name(seg.type));
      return;
    }
    uint32_t count = r.count("element", 1);
    seg.items.reserve(count);
    for (uint32_t k = 0; k < count && r.ok(); ++k) {
      if (uses_exprs) {
        seg.items.push_back(read_const_expr(r, seg.type, const_globals));
        continue;
      }
      ConstExpr item;
      size_t iat = r.offset();
      item.kind = ConstExpr::Kind::RefFunc;
      item.type = ValType::FuncRef;
      item.index = r.u32();
      if (!r.ok()) return;
      if (item.index >= m_->functions.size()) {
        r.fail(ErrorKind::Invalid, iat, "unknown function " + std::to_string(item.index));
        return;
      }
      declare_ref(item.index);
      seg.items.push_back(item);
    }
    m_->elements.push_back(std::move(seg));
  }
}

}  // namespace lvm
