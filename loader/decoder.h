// Internal to the loader: the module decoder, which reads the sections of a
// binary (spec 5.5) into a Module and validates each part as it goes (spec
// 3.4), so a module is read exactly once. One file per section implements
// the matching decode_* member.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "loader/loader.h"
#include "loader/reader.h"

namespace lvm {

// Section ids (spec 5.5.2).
enum class SectionId : uint8_t {
  Custom = 0, Type = 1, Import = 2, Function = 3, Table = 4, Memory = 5, Global = 6,
  Export = 7, Start = 8, Element = 9, Code = 10, Data = 11, DataCount = 12, Tag = 13,
};
const char* section_name(uint8_t id);

// Checks only the binary format (spec 5.4) of the instructions from `r`'s
// position to its end, without typing them; errors go to `r`. It stops
// quietly at an instruction of a disabled proposal (scan_function.cpp).
void scan_instructions(Reader& r, const Features& features, const LoaderLimits& limits);

// A data index used in code (memory.init, data.drop) in a module without a
// data count section; judged once the data section has been seen.
struct DataUse {
  size_t offset = 0;
  uint32_t func_index = 0;
  uint32_t data_index = 0;
  std::string_view op;
};

class ModuleDecoder {
 public:
  ModuleDecoder(std::unique_ptr<Module> module, const LoadOptions& options)
      : m_(std::move(module)), opts_(options) {}

  // Decodes and validates m_->bytes. On failure returns the first error.
  std::optional<LoadError> run();
  std::unique_ptr<Module> take() { return std::move(m_); }

 private:
  // One per section (section_*.cpp).
  void decode_types(Reader& r);
  void decode_imports(Reader& r);
  void decode_functions(Reader& r);
  void decode_tables(Reader& r);
  void decode_memories(Reader& r);
  void decode_globals(Reader& r);
  void decode_exports(Reader& r);
  void decode_start(Reader& r);
  void decode_elements(Reader& r);
  void decode_data_count(Reader& r);
  void decode_code(Reader& r);
  void decode_data(Reader& r);
  void decode_custom(Reader& r);
  void finish(Reader& r);  // cross-section checks after the last section
  LoadError data_use_error() const;
  // The error to report: a malformed one wins over an earlier validation
  // error in code (decoding logically precedes validation).
  std::optional<LoadError> pick_error(std::optional<LoadError> e);

  // Code section pieces (section_code.cpp).
  void read_locals(Reader& b, FunctionBody& body);
  void scan_body(Reader& r, uint32_t func_index, size_t begin, size_t end);

  // Shared pieces of the binary format (types_decode.cpp).
  ValType read_valtype(Reader& r);
  ValType read_reftype(Reader& r);
  Limits read_limits(Reader& r, uint64_t max_allowed, const char* what, bool is_memory);
  TableType read_table_type(Reader& r);
  MemoryType read_memory_type(Reader& r);
  GlobalType read_global_type(Reader& r);
  uint32_t read_type_index(Reader& r);

  // A constant expression of type `expected` (const_expr.cpp, spec 3.3.10).
  // `num_globals` is how many globals it may reference.
  ConstExpr read_const_expr(Reader& r, ValType expected, uint32_t num_globals);

  // Marks a function as referenced outside function bodies (spec 3.4: C.refs),
  // which permits ref.func to name it in code.
  void declare_ref(uint32_t func_index) {
    if (func_index < declared_refs_.size()) declared_refs_[func_index] = true;
  }

  bool feature_check(Reader& r, Feature f, const char* what);

  std::unique_ptr<Module> m_;
  const LoadOptions& opts_;
  std::vector<bool> declared_refs_;  // C.refs, by function index
  uint32_t declared_function_count_ = 0;  // from the function section
  bool saw_code_section_ = false;
  bool saw_data_section_ = false;
  // The first validation error in a function body. Decoding goes on without
  // validation, and it is reported only if the module is well-formed.
  std::optional<LoadError> code_invalid_;
  // The first data index used in code when there is no data count section;
  // finish() decides what it means (see there).
  std::optional<DataUse> data_without_count_;

  friend class FunctionValidator;
};

}  // namespace lvm
