// The sections that declare module-defined entities: function (spec 5.5.6),
// table (5.5.7), memory (5.5.8) and global (5.5.9).
#include <string>

#include "loader/decoder.h"

namespace lvm {

void ModuleDecoder::decode_functions(Reader& r) {
  uint32_t n = r.count("function");
  if (n > opts_.limits.max_functions) {
    r.malformed("too many functions", std::to_string(n));
    return;
  }
  declared_function_count_ = n;
  m_->functions.reserve(m_->functions.size() + n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    r.set_context("function", m_->functions.size());
    uint32_t t = read_type_index(r);
    m_->functions.push_back({t, std::nullopt, i});
  }
}

void ModuleDecoder::decode_tables(Reader& r) {
  uint32_t n = r.count("table", 3);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    r.set_context("table", m_->tables.size());
    TableType t = read_table_type(r);
    if (!r.ok()) return;
    m_->tables.push_back({t, std::nullopt});
  }
}

void ModuleDecoder::decode_memories(Reader& r) {
  uint32_t n = r.count("memory", 2);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    r.set_context("memory", m_->memories.size());
    MemoryType t = read_memory_type(r);
    if (!r.ok()) return;
    m_->memories.push_back({t, std::nullopt});
    if (m_->memories.size() > 1 && !feature_check(r, Feature::MultiMemory, "multiple memories")) return;
  }
}

void ModuleDecoder::decode_globals(Reader& r) {
  // At least a value type, a mutability byte and `end`.
  uint32_t n = r.count("global", 3);
  if (n > opts_.limits.max_globals) {
    r.malformed("too many globals", std::to_string(n));
    return;
  }
  m_->globals.reserve(m_->globals.size() + n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    r.set_context("global", m_->globals.size());
    Global g;
    g.type = read_global_type(r);
    if (!r.ok()) return;
    // Initializers see only the imported globals (spec 3.4.10, context C').
    g.init = read_const_expr(r, g.type.type, m_->num_imported_globals);
    m_->globals.push_back(g);
  }
}

}  // namespace lvm
