// libFuzzer target for the loader: every input is loaded twice, once with the
// default options (WebAssembly 2.0) and once with every feature enabled, so
// both the accept paths and the Unsupported paths are reached. When a module
// loads, every part of the result is read so AddressSanitizer sees any
// out-of-bounds ByteRange or dangling data; when it fails, the error is
// formatted.
//
// Build and run with tests/fuzz/run (or `make fuzz`).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "loader/loader.h"

namespace {

lvm::LoadOptions all_features() {
  lvm::LoadOptions o;
#define X(e, n, s) o.features.enable(lvm::Feature::e);
  LVM_FEATURES(X)
#undef X
  return o;
}

// Sums over a byte range of the module's own copy; checks it lies inside.
uint64_t touch_range(const lvm::Module& m, lvm::ByteRange r) {
  if (uint64_t(r.offset) + r.size > m.bytes.size()) __builtin_trap();
  uint64_t sum = 0;
  const uint8_t* p = m.data_ptr(r);
  for (uint32_t i = 0; i < r.size; ++i) sum += p[i];
  return sum;
}

uint64_t touch_string(std::string_view s) {
  uint64_t sum = s.size();
  for (char c : s) sum += uint8_t(c);
  return sum;
}

uint64_t touch_const(const lvm::Module& m, const lvm::ConstExpr& e) {
  return uint64_t(e.kind) + uint64_t(e.type) + e.index + e.bits[0] + e.bits[1] + touch_range(m, e.range);
}

uint64_t touch_module(const lvm::Module& m) {
  uint64_t sum = m.bytes.size();
  for (const lvm::FuncType& t : m.types) {
    for (lvm::ValType v : t.params()) sum += uint64_t(v);
    for (lvm::ValType v : t.results()) sum += uint64_t(v);
    sum += t.to_string().size();
  }
  if (m.canonical_type.size() != m.types.size()) __builtin_trap();
  for (uint32_t c : m.canonical_type) {
    if (c >= m.types.size()) __builtin_trap();
    sum += c;
  }
  for (const lvm::Import& i : m.imports)
    sum += touch_string(i.module) + touch_string(i.field) + uint64_t(i.kind) + i.index;
  for (uint32_t f = 0; f < m.functions.size(); ++f) {
    const lvm::Function& fn = m.functions[f];
    if (fn.type_index >= m.types.size()) __builtin_trap();
    sum += m.func_type(f).params().size() + fn.body_index + fn.import.value_or(0);
    sum += touch_string(m.function_name(f));
    if (!fn.import) {
      if (fn.body_index >= m.bodies.size()) __builtin_trap();
    } else if (*fn.import >= m.imports.size()) {
      __builtin_trap();
    }
  }
  for (const lvm::Table& t : m.tables)
    sum += uint64_t(t.type.elem) + t.type.limits.min + t.type.limits.max.value_or(0) + t.import.value_or(0);
  for (const lvm::Memory& mem : m.memories)
    sum += mem.type.limits.min + mem.type.limits.max.value_or(0) + mem.type.limits.shared + mem.import.value_or(0);
  for (const lvm::Global& g : m.globals) {
    sum += uint64_t(g.type.type) + g.type.mutable_ + g.import.value_or(0);
    if (!g.import) sum += touch_const(m, g.init);
  }
  for (const lvm::Export& e : m.exports) {
    sum += touch_string(e.name) + uint64_t(e.kind) + e.index;
    if (m.find_export(e.name, e.kind) == nullptr) __builtin_trap();
  }
  sum += m.start.value_or(0) + m.data_count.value_or(0);
  for (const lvm::ElementSegment& s : m.elements) {
    sum += uint64_t(s.mode) + uint64_t(s.type) + s.table;
    if (s.mode == lvm::ElementSegment::Mode::Active) sum += touch_const(m, s.offset);
    for (const lvm::ConstExpr& e : s.items) sum += touch_const(m, e);
  }
  for (const lvm::DataSegment& d : m.data) {
    sum += uint64_t(d.mode) + d.memory + touch_range(m, d.bytes);
    if (d.mode == lvm::DataSegment::Mode::Active) sum += touch_const(m, d.offset);
  }
  for (const lvm::FunctionBody& b : m.bodies) {
    sum += touch_range(m, b.body) + b.max_stack + b.max_depth;
    if (b.code_offset < b.body.offset || b.code_offset > uint64_t(b.body.offset) + b.body.size) __builtin_trap();
    for (const lvm::LocalGroup& g : b.locals) sum += uint64_t(g.type) * g.count;
    for (const lvm::BlockTarget& t : b.blocks) {
      // Every side-table entry points at an opcode inside this body.
      uint64_t end = uint64_t(b.body.offset) + b.body.size;
      if (t.start >= end || t.end_pc >= end || (t.else_pc != 0 && t.else_pc >= end)) __builtin_trap();
      sum += m.bytes[t.start] + m.bytes[t.end_pc] + (t.else_pc ? m.bytes[t.else_pc] : 0);
    }
  }
  for (const lvm::CustomSection& c : m.customs) sum += touch_string(c.name) + touch_range(m, c.contents);
  for (const lvm::SectionInfo& s : m.sections) sum += s.id + touch_range(m, s.range);
  sum += touch_string(m.names.module);
  for (const auto& [i, n] : m.names.functions) sum += i + touch_string(n);
  for (const auto& [f, locals] : m.names.locals)
    for (const auto& [i, n] : locals) sum += f + i + touch_string(n);
  sum += m.num_imported_functions + m.num_imported_tables + m.num_imported_memories + m.num_imported_globals;
  return sum;
}

uint64_t load_and_touch(std::span<const uint8_t> bytes, const lvm::LoadOptions& options) {
  auto result = lvm::load_module(bytes, options);
  if (result) {
    if (!*result) __builtin_trap();
    return touch_module(**result);
  }
  const lvm::LoadError& e = result.error();
  return uint64_t(e.kind) + e.offset + touch_string(lvm::error_kind_name(e.kind)) + touch_string(e.format());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const lvm::LoadOptions kDefault;
  static const lvm::LoadOptions kAll = all_features();
  std::span<const uint8_t> bytes(data, size);
  volatile uint64_t sink = 0;
  sink = sink + load_and_touch(bytes, kDefault);
  sink = sink + load_and_touch(bytes, kAll);
  return 0;
}
