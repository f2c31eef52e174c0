// The command model of a wast2json output file: one Command per top-level
// form of the .wast script (module, register, action, assert_*), with the
// values and actions the execution modes need.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lvm::spec {

// The kinds of script command (spec interpreter's script syntax, as written
// by wast2json).
enum class CommandKind {
  Module,                // define a module (it becomes the current one)
  Register,              // make a module's exports importable under a name
  Action,                // invoke or get, result ignored
  AssertReturn,          // an action returns the expected values
  AssertTrap,            // an action (or instantiating a module) traps
  AssertExhaustion,      // an action exhausts the call stack
  AssertException,       // an action throws (exception-handling proposal)
  AssertMalformed,       // a module fails to decode
  AssertInvalid,         // a module decodes but fails to validate
  AssertUnlinkable,      // a module's imports cannot be resolved
  AssertUninstantiable,  // instantiating a module traps
};

// The wast2json name of a command kind ("assert_invalid").
const char* command_kind_name(CommandKind kind);

// A value as wast2json writes it: {"type": "i32", "value": "42"}. Numbers are
// decimal strings of the bit pattern (floats included), or "nan:canonical" /
// "nan:arithmetic"; references are "null" or a number.
struct Value {
  std::string type;                 // i32 i64 f32 f64 v128 funcref externref either
  std::string lane_type;            // v128 only: i8 i16 i32 i64 f32 f64
  std::vector<std::string> lanes;   // one entry, or one per v128 lane
  std::vector<Value> alternatives;  // "either": any of these
};

// An invoke or get of an exported function or global.
struct Action {
  enum class Type { Invoke, Get } type = Type::Invoke;
  std::string module;  // "$name" of a defined module; empty: the current one
  std::string field;   // the export name (UTF-8)
  std::vector<Value> args;
};

// One script command.
struct Command {
  CommandKind kind = CommandKind::Module;
  int line = 0;                    // line in the .wast
  std::string name;                // module: its "$name"; register: the module registered
  std::string as;                  // register: the name its exports get
  std::string filename;            // the module file, relative to the JSON
  std::filesystem::path module_path;  // the same, resolved
  bool text_module = false;        // module_type "text": a .wat, not a binary
  std::string text;                // expected failure message, e.g. "type mismatch"
  std::optional<Action> action;
  std::vector<Value> expected;     // assert_return: the results
};

// A whole converted script.
struct CommandFile {
  std::string source_filename;
  std::vector<Command> commands;
};

// Reads a wast2json JSON file; module paths resolve against its directory.
// Returns false and sets `error` if the file is missing or not the expected
// shape.
bool read_command_file(const std::filesystem::path& json, CommandFile& out, std::string& error);

}  // namespace lvm::spec
