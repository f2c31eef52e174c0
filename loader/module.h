// The Module: the immutable, validated form of a WebAssembly binary (spec
// 2.5) that every later stage shares. The loader builds it once; the
// interpreter, the JIT and every process instantiated from it only read it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "loader/features.h"
#include "loader/types.h"

namespace lvm {

// A byte range of the module's binary.
struct ByteRange {
  uint32_t offset = 0;
  uint32_t size = 0;
};

// A constant expression (spec 3.3.10). In WebAssembly 2.0 it is a single
// instruction; `range` keeps its bytes (without the final `end`) for
// proposals that allow more.
struct ConstExpr {
  enum class Kind : uint8_t { I32, I64, F32, F64, V128, RefNull, RefFunc, GlobalGet };
  Kind kind = Kind::I32;
  ValType type = ValType::I32;  // the type it produces
  uint32_t index = 0;           // function (RefFunc) or global (GlobalGet) index
  uint64_t bits[2] = {0, 0};    // numeric value, little-endian (V128 uses both)
  ByteRange range;
};

// Where an imported entity comes from (spec 2.5.11).
struct Import {
  std::string module;
  std::string field;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;  // index in the function/table/memory/global space
};

// An export (spec 2.5.10).
struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

// One entry of a function's side table: a structured instruction (`block`,
// `loop`, `if`) and where control goes from it, as byte offsets into the
// module. Entries are in the order the instructions appear, so a consumer
// walking the code takes them one after the other without searching.
struct BlockTarget {
  uint32_t start = 0;     // offset of the block/loop/if opcode
  uint32_t else_pc = 0;   // offset of the `else` opcode (0 if none)
  uint32_t end_pc = 0;    // offset of the matching `end` opcode
};

// A run of declared locals of one type (spec 5.5.13: `n:u32 t:valtype`).
struct LocalGroup {
  uint32_t count = 0;
  ValType type = ValType::I32;
};

// A local variable and how much a function uses it: its local.get, set and
// tee count, each weighted by 8 per enclosing loop (at most 8^6).
struct LocalUse {
  uint32_t index = 0;
  uint32_t weight = 0;  // saturates at UINT32_MAX
};

// A function defined in the module (the code section, spec 5.5.13), with the
// facts validation established about it.
struct FunctionBody {
  ByteRange body;          // the whole body: locals and code
  uint32_t code_offset = 0;  // first instruction (after the local decls)
  // Declared locals (params excluded), as the binary groups them: a few
  // bytes may declare tens of thousands, so they are expanded only per
  // function while it is validated or translated.
  std::vector<LocalGroup> locals;
  uint32_t num_locals = 0;
  uint32_t max_stack = 0;       // maximum operand-stack height, in values
  uint32_t max_depth = 0;       // maximum nesting of blocks, including the body
  std::vector<BlockTarget> blocks;  // side table, in code order
  // What a single-pass compiler needs to know before its pass (the frame
  // it lays out, the locals it keeps in registers), gathered by the
  // validator so that no tier pre-scans the code again:
  // bit f set when an instruction of Feature f occurs (bit Simd also
  // whenever v128 values flow: a v128 block or select type, a call whose
  // signature has v128, a v128 global; the function's own signature and
  // locals are not included).
  uint32_t op_features = 0;
  uint32_t max_call_values = 0;  // max over its calls of max(#params, #results)
  uint32_t call_weight = 0;      // its calls, weighted as local uses are (saturating)
  bool if_with_params = false;   // some `if` takes block parameters
  // The most used locals, heaviest first (ties: lower index first): at
  // most kHotLocals of the integer and reference types and as many of the
  // float class (f32, f64, v128), only locals used at all.
  static constexpr size_t kHotLocals = 8;
  std::vector<LocalUse> hot_locals;
};

// A function of the module's function index space (imports first).
struct Function {
  uint32_t type_index = 0;
  std::optional<uint32_t> import;  // index into Module::imports when imported
  uint32_t body_index = 0;         // index into Module::bodies when defined
};

struct Table {
  TableType type;
  std::optional<uint32_t> import;
};

struct Memory {
  MemoryType type;
  std::optional<uint32_t> import;
};

struct Global {
  GlobalType type;
  std::optional<uint32_t> import;
  ConstExpr init;  // defined globals only
};

// Element segment (spec 2.5.7). Every item is a constant expression; the
// function-index encodings are turned into ref.func items.
struct ElementSegment {
  enum class Mode : uint8_t { Passive, Active, Declarative };
  Mode mode = Mode::Active;
  ValType type = ValType::FuncRef;
  uint32_t table = 0;
  ConstExpr offset;  // active segments
  std::vector<ConstExpr> items;
};

// Data segment (spec 2.5.8).
struct DataSegment {
  enum class Mode : uint8_t { Passive, Active };
  Mode mode = Mode::Active;
  uint32_t memory = 0;
  ConstExpr offset;  // active segments
  ByteRange bytes;
};

// A custom section (spec 5.5.3), including `name`.
struct CustomSection {
  std::string name;
  ByteRange contents;  // after the name
};

// Names from the `name` custom section (spec 7.4). Malformed name sections
// are ignored, as the spec recommends.
struct Names {
  std::string module;
  std::unordered_map<uint32_t, std::string> functions;
  std::unordered_map<uint32_t, std::unordered_map<uint32_t, std::string>> locals;
};

// Sizes of the sections as they appear in the binary, for `lvm inspect`.
struct SectionInfo {
  uint8_t id = 0;
  ByteRange range;  // the section's contents
};

// A decoded and validated module. Immutable once loaded.
struct Module {
  Features features;
  std::vector<uint8_t> bytes;  // the binary; ByteRanges point into it

  std::vector<FuncType> types;
  std::vector<uint32_t> canonical_type;  // types[i] == types[canonical_type[i]], first such index
  std::vector<Import> imports;
  std::vector<Function> functions;
  std::vector<Table> tables;
  std::vector<Memory> memories;
  std::vector<Global> globals;
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElementSegment> elements;
  std::vector<DataSegment> data;
  std::optional<uint32_t> data_count;
  std::vector<FunctionBody> bodies;  // defined functions, in order
  std::vector<CustomSection> customs;
  std::vector<SectionInfo> sections;
  Names names;

  uint32_t num_imported_functions = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  const FuncType& func_type(uint32_t func_index) const { return types[functions[func_index].type_index]; }
  const uint8_t* data_ptr(ByteRange r) const { return bytes.data() + r.offset; }
  // The function's name from the name section, or "" if it has none.
  std::string_view function_name(uint32_t func_index) const;
  // Finds an export by name and kind.
  const Export* find_export(std::string_view name, ExternKind kind) const;
};

}  // namespace lvm
