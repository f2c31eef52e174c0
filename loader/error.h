// Errors as values for the loader: every failure to decode or validate a
// module is a LoadError carrying its kind, the byte offset in the module and a
// message naming what is wrong and where. No exception is ever thrown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace lvm {

// Which stage rejected a module. Matches the spec testsuite's distinction
// between `assert_malformed` (binary format, spec 5) and `assert_invalid`
// (validation, spec 3).
enum class ErrorKind : uint8_t {
  Malformed,    // not a well-formed binary (spec 5)
  Invalid,      // decodes but does not validate (spec 3)
  Unsupported,  // uses a feature that is not enabled (see Features)
  Io,           // the file could not be read
};

// Short lower-case name of an ErrorKind ("malformed", "invalid", ...).
const char* error_kind_name(ErrorKind kind);

// One loader failure. `message` says what is wrong ("type mismatch in
// i32.add"), `where` names the place ("function 4", "import section, entry
// 2"), `detail` adds specifics ("expected i32, found f64").
struct LoadError {
  ErrorKind kind = ErrorKind::Malformed;
  size_t offset = 0;
  std::string message;
  std::string where;
  std::string detail;

  // "type mismatch in i32.add at offset 0x1a3 (function 4): expected i32,
  // found f64".
  std::string format() const;
};

// A value or a LoadError, in the manner of std::expected (C++23).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(LoadError error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const LoadError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, LoadError> v_;
};

}  // namespace lvm
