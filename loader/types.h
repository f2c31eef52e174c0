// WebAssembly types (spec 2.3): value, function, limits, table, memory and
// global types, plus the block types of structured control.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lvm {

// A value type (spec 2.3.1-2.3.4), encoded with its binary byte (spec 5.3.1).
// `Bottom` is internal to validation: the type of a value popped from an
// unreachable stack, which matches every type.
enum class ValType : uint8_t {
  Bottom = 0x00,
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

// Text name of a value type ("i32", "funcref", ...).
const char* valtype_name(ValType t);
// True for funcref and externref (spec 2.3.3).
constexpr bool is_ref(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
constexpr bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}
// Size of a value of this type in linear memory or a value slot, in bytes.
constexpr unsigned valtype_size(ValType t) {
  switch (t) {
    case ValType::I32: case ValType::F32: return 4;
    case ValType::V128: return 16;
    default: return 8;
  }
}

// A one-element list holding `t` with static storage, for block types of
// the form `[] -> [t]` (spec 5.4.1).
std::span<const ValType> single_type(ValType t);

// A function type [params] -> [results] (spec 2.3.5). Both lists live in one
// vector: params first, then results.
class FuncType {
 public:
  FuncType() = default;
  FuncType(std::span<const ValType> params, std::span<const ValType> results);

  std::span<const ValType> params() const { return {types_.data(), nparams_}; }
  std::span<const ValType> results() const { return {types_.data() + nparams_, types_.size() - nparams_}; }
  bool operator==(const FuncType& o) const { return nparams_ == o.nparams_ && types_ == o.types_; }
  // "(i32, i64) -> (f32)"
  std::string to_string() const;

 private:
  std::vector<ValType> types_;
  uint32_t nparams_ = 0;
};

// Limits of a table or memory (spec 2.3.7), in elements or 64 KiB pages.
struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool shared = false;  // threads proposal; rejected unless enabled
};

// A table type (spec 2.3.9).
struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
};

// A memory type (spec 2.3.8).
struct MemoryType {
  Limits limits;
};

// A global type (spec 2.3.10).
struct GlobalType {
  ValType type = ValType::I32;
  bool mutable_ = false;
};

// The kinds of external values (spec 2.5.10).
enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };
const char* extern_kind_name(ExternKind k);

// Maximum memory pages for a 32-bit memory (4 GiB, spec 3.2.8).
inline constexpr uint64_t kMaxMemoryPages = 65536;
inline constexpr uint64_t kPageSize = 65536;

}  // namespace lvm
