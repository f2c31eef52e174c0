// Data count section (spec 5.5.14) and data section (5.5.13).
#include <string>

#include "loader/decoder.h"

namespace lvm {

void ModuleDecoder::decode_data_count(Reader& r) {
  r.set_context("data count section");
  uint32_t n = r.u32();
  if (!r.ok()) return;
  if (n > opts_.limits.max_data_segments) {
    r.malformed("too many data segments", std::to_string(n));
    return;
  }
  m_->data_count = n;
}

void ModuleDecoder::decode_data(Reader& r) {
  saw_data_section_ = true;
  size_t at = r.offset();
  uint32_t n = r.count("data segment", 2);
  if (!r.ok()) return;
  if (n > opts_.limits.max_data_segments) {
    r.malformed("too many data segments", std::to_string(n));
    return;
  }
  if (m_->data_count && *m_->data_count != n) {
    r.fail(ErrorKind::Malformed, at, "data count and data section have inconsistent lengths",
           std::to_string(*m_->data_count) + " in the data count section, " + std::to_string(n) + " here");
    return;
  }
  m_->data.reserve(n);
  // Segment expressions see only the imported globals (spec 3.4.10,
  // context C'), like global initializers.
  const uint32_t const_globals = m_->num_imported_globals;
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    r.set_context("data segment", i);
    size_t fat = r.offset();
    uint32_t flags = r.u32();
    if (!r.ok()) return;
    if (flags > 2) {
      r.fail(ErrorKind::Malformed, fat, "malformed data segment kind", "flags " + std::to_string(flags));
      return;
    }
    if (flags != 0 && !feature_check(r, Feature::BulkMemory, "this data segment encoding")) return;
    DataSegment seg;
    if (flags == 1) {
      seg.mode = DataSegment::Mode::Passive;
    } else {
      size_t mat = r.offset();
      if (flags == 2) seg.memory = r.u32();
      if (!r.ok()) return;
      if (seg.memory >= m_->memories.size()) {
        r.fail(ErrorKind::Invalid, mat, "unknown memory " + std::to_string(seg.memory));
        return;
      }
      seg.offset = read_const_expr(r, ValType::I32, const_globals);
    }
    size_t lat = r.offset();
    uint32_t len = r.u32();
    if (!r.ok()) return;
    if (len > r.remaining()) {
      r.fail(ErrorKind::Malformed, lat, "unexpected end of section or function",
             "data segment of " + std::to_string(len) + " bytes");
      return;
    }
    seg.bytes = {uint32_t(r.offset()), len};
    r.skip(len);
    m_->data.push_back(seg);
  }
}

}  // namespace lvm
