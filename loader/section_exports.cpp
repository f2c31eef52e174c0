// Export section (spec 5.5.10) and start section (5.5.11).
#include <string>
#include <unordered_set>

#include "loader/decoder.h"

namespace lvm {

void ModuleDecoder::decode_exports(Reader& r) {
  uint32_t n = r.count("export", 3);
  if (n > opts_.limits.max_exports) {
    r.malformed("too many exports", std::to_string(n));
    return;
  }
  m_->exports.reserve(n);
  std::unordered_set<std::string_view> names;
  names.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    r.set_context("export", i);
    size_t name_at = r.offset();
    Export e;
    std::string_view name = r.name();
    e.name = name;
    size_t at = r.offset();
    uint8_t kind = r.u8();
    size_t idx_at = r.offset();
    e.index = r.u32();
    if (!r.ok()) return;
    size_t bound = 0;
    switch (kind) {
      case 0: e.kind = ExternKind::Func; bound = m_->functions.size(); break;
      case 1: e.kind = ExternKind::Table; bound = m_->tables.size(); break;
      case 2: e.kind = ExternKind::Memory; bound = m_->memories.size(); break;
      case 3: e.kind = ExternKind::Global; bound = m_->globals.size(); break;
      case 4: feature_check(r, Feature::Exceptions, "exporting a tag"); return;
      default:
        r.fail(ErrorKind::Malformed, at, "malformed export kind", "byte 0x" + to_hex(kind));
        return;
    }
    if (e.index >= bound) {
      r.fail(ErrorKind::Invalid, idx_at,
             std::string("unknown ") + extern_kind_name(e.kind) + " " + std::to_string(e.index),
             "exported as \"" + e.name + "\"");
      return;
    }
    if (e.kind == ExternKind::Func) declare_ref(e.index);
    if (!names.insert(name).second) {
      r.fail(ErrorKind::Invalid, name_at, "duplicate export name", "\"" + e.name + "\"");
      return;
    }
    m_->exports.push_back(std::move(e));
  }
}

void ModuleDecoder::decode_start(Reader& r) {
  r.set_context("start section");
  size_t at = r.offset();
  uint32_t f = r.u32();
  if (!r.ok()) return;
  if (f >= m_->functions.size()) {
    r.fail(ErrorKind::Invalid, at, "unknown function " + std::to_string(f), "named as the start function");
    return;
  }
  const FuncType& t = m_->func_type(f);
  if (!t.params().empty() || !t.results().empty()) {
    r.fail(ErrorKind::Invalid, at, "start function must have type () -> ()",
           "function " + std::to_string(f) + " has type " + t.to_string());
    return;
  }
  m_->start = f;
}

}  // namespace lvm
