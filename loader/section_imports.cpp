// Import section (spec 5.5.5): imported functions, tables, memories, globals
// come first in their index spaces.
#include <string>

#include "loader/decoder.h"

namespace lvm {

void ModuleDecoder::decode_imports(Reader& r) {
  uint32_t n = r.count("import", 4);
  if (n > opts_.limits.max_imports) {
    r.malformed("too many imports", std::to_string(n));
    return;
  }
  m_->imports.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    r.set_context("import", i);
    Import imp;
    imp.module = r.name();
    imp.field = r.name();
    size_t at = r.offset();
    uint8_t kind = r.u8();
    if (!r.ok()) return;
    switch (kind) {
      case 0: {
        uint32_t t = read_type_index(r);
        imp.kind = ExternKind::Func;
        imp.index = uint32_t(m_->functions.size());
        m_->functions.push_back({t, uint32_t(i), 0});
        ++m_->num_imported_functions;
        break;
      }
      case 1:
        imp.kind = ExternKind::Table;
        imp.index = uint32_t(m_->tables.size());
        m_->tables.push_back({read_table_type(r), uint32_t(i)});
        ++m_->num_imported_tables;
        break;
      case 2:
        imp.kind = ExternKind::Memory;
        imp.index = uint32_t(m_->memories.size());
        m_->memories.push_back({read_memory_type(r), uint32_t(i)});
        ++m_->num_imported_memories;
        if (m_->memories.size() > 1 && !feature_check(r, Feature::MultiMemory, "multiple memories")) return;
        break;
      case 3: {
        imp.kind = ExternKind::Global;
        imp.index = uint32_t(m_->globals.size());
        Global g;
        g.type = read_global_type(r);
        g.import = i;
        if (g.type.mutable_ && !feature_check(r, Feature::MutableGlobals, "importing a mutable global")) return;
        m_->globals.push_back(g);
        ++m_->num_imported_globals;
        break;
      }
      case 4:
        feature_check(r, Feature::Exceptions, "importing a tag");
        return;
      default:
        r.fail(ErrorKind::Malformed, at, "malformed import kind", "byte 0x" + to_hex(kind));
        return;
    }
    m_->imports.push_back(std::move(imp));
  }
}

}  // namespace lvm
