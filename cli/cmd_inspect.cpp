// `lvm inspect`: a human-readable summary of a module: sections with sizes,
// imports, exports, memories, tables, globals, functions, segments and
// custom sections.
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "loader/decoder.h"
#include "loader/loader.h"

namespace lvm::cli {

namespace {

std::string limits_str(const Limits& l) {
  std::string s = "min " + std::to_string(l.min);
  if (l.max) s += ", max " + std::to_string(*l.max);
  if (l.shared) s += ", shared";
  return s;
}

std::string import_desc(const Module& m, const Import& imp) {
  switch (imp.kind) {
    case ExternKind::Func: return "func " + m.func_type(imp.index).to_string();
    case ExternKind::Table: {
      const TableType& t = m.tables[imp.index].type;
      return std::string("table ") + valtype_name(t.elem) + " (" + limits_str(t.limits) + ")";
    }
    case ExternKind::Memory: return "memory (" + limits_str(m.memories[imp.index].type.limits) + " pages)";
    case ExternKind::Global: {
      const GlobalType& g = m.globals[imp.index].type;
      return std::string("global ") + (g.mutable_ ? "mut " : "") + valtype_name(g.type);
    }
    default: return extern_kind_name(imp.kind);
  }
}

void print_module(const std::string& path, const Module& m) {
  std::printf("%s: %zu bytes\n", path.c_str(), m.bytes.size());
  if (!m.names.module.empty()) std::printf("module name: %s\n", m.names.module.c_str());

  std::printf("\nsections:\n");
  size_t custom = 0;  // custom sections are recorded in order of appearance
  for (const SectionInfo& s : m.sections) {
    std::string name = section_name(s.id);
    if (s.id == 0 && custom < m.customs.size()) name = "custom \"" + m.customs[custom++].name + "\"";
    std::printf("  %-24s offset 0x%08x  size %10u\n", name.c_str(), s.range.offset, s.range.size);
  }

  std::printf("\ntypes: %zu\n", m.types.size());
  std::printf("functions: %zu (%u imported, %zu defined)\n", m.functions.size(), m.num_imported_functions,
              m.bodies.size());

  std::printf("\nimports: %zu\n", m.imports.size());
  for (const Import& imp : m.imports)
    std::printf("  %s.%s: %s\n", imp.module.c_str(), imp.field.c_str(), import_desc(m, imp).c_str());

  std::printf("\nexports: %zu\n", m.exports.size());
  for (const Export& e : m.exports) {
    std::string desc = std::string(extern_kind_name(e.kind)) + " " + std::to_string(e.index);
    if (e.kind == ExternKind::Func) desc += " " + m.func_type(e.index).to_string();
    std::printf("  \"%s\": %s\n", e.name.c_str(), desc.c_str());
  }

  std::printf("\nmemories: %zu\n", m.memories.size());
  for (size_t i = 0; i < m.memories.size(); ++i)
    std::printf("  memory %zu: %s pages%s\n", i, limits_str(m.memories[i].type.limits).c_str(),
                m.memories[i].import ? " (imported)" : "");
  std::printf("tables: %zu\n", m.tables.size());
  for (size_t i = 0; i < m.tables.size(); ++i)
    std::printf("  table %zu: %s, %s%s\n", i, valtype_name(m.tables[i].type.elem),
                limits_str(m.tables[i].type.limits).c_str(), m.tables[i].import ? " (imported)" : "");
  std::printf("globals: %zu\n", m.globals.size());
  for (size_t i = 0; i < m.globals.size(); ++i) {
    const Global& g = m.globals[i];
    std::printf("  global %zu: %s%s%s\n", i, g.type.mutable_ ? "mut " : "", valtype_name(g.type.type),
                g.import ? " (imported)" : "");
  }

  std::printf("\nelement segments: %zu\n", m.elements.size());
  std::printf("data segments: %zu", m.data.size());
  uint64_t data_bytes = 0;
  for (const DataSegment& d : m.data) data_bytes += d.bytes.size;
  std::printf(" (%" PRIu64 " bytes)\n", data_bytes);
  if (m.start) std::printf("start function: %u\n", *m.start);

  uint64_t code_bytes = 0;
  for (const FunctionBody& b : m.bodies) code_bytes += b.body.size;
  std::printf("code: %" PRIu64 " bytes in %zu function bodies\n", code_bytes, m.bodies.size());

  std::printf("\ncustom sections: %zu\n", m.customs.size());
  for (const CustomSection& c : m.customs) std::printf("  \"%s\": %u bytes\n", c.name.c_str(), c.contents.size);
  if (!m.names.functions.empty()) std::printf("function names: %zu\n", m.names.functions.size());
}

}  // namespace

int cmd_inspect(const std::vector<std::string>& args) {
  LoadOptions opts;
  std::vector<std::string> files;
  if (!parse_load_args(args, opts, files)) return 2;
  if (files.size() != 1) {
    std::fputs("usage: lvm inspect [--enable=FEATURES] FILE.wasm\n", stderr);
    return 2;
  }
  auto m = load_module_file(files[0], opts);
  if (!m) {
    std::fprintf(stderr, "%s: error: %s\n", files[0].c_str(), m.error().format().c_str());
    return m.error().kind == ErrorKind::Io ? 2 : 1;
  }
  print_module(files[0], **m);
  return 0;
}

}  // namespace lvm::cli
