// An execution mode of the spec runner (validate, interp, jit): what each
// kind of script command means in it. Adding a mode is one class in one file
// plus one line in modes.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "suite.h"
#include "vm/instance.h"

namespace lvm::spec {

// The result of one command.
struct Outcome {
  enum class Status {
    Passed,
    Failed,
    Skipped,  // a check this runner cannot perform (text-format modules)
    NotRun,   // not a check in this mode (e.g. execution in validate mode)
  };
  Status status = Status::Passed;
  std::string expected;  // failures: what the script expected
  std::string got;       // failures: what lvm did instead

  static Outcome passed() { return {Status::Passed, {}, {}}; }
  static Outcome skipped(std::string why) { return {Status::Skipped, {}, std::move(why)}; }
  static Outcome not_run() { return {Status::NotRun, {}, {}}; }
  static Outcome failed(std::string expected, std::string got) {
    return {Status::Failed, std::move(expected), std::move(got)};
  }
};

// One mode. A fresh Mode runs each script, so state (defined modules,
// registrations) never leaks between files. Commands with text-format
// modules never reach a Mode: the runner skips them.
class Mode {
 public:
  virtual ~Mode() = default;

  virtual Outcome module(const Command& c) = 0;
  virtual Outcome register_module(const Command& c) = 0;
  virtual Outcome action(const Command& c) = 0;
  virtual Outcome assert_return(const Command& c) = 0;
  virtual Outcome assert_trap(const Command& c) = 0;
  virtual Outcome assert_exhaustion(const Command& c) = 0;
  virtual Outcome assert_exception(const Command& c) = 0;
  virtual Outcome assert_malformed(const Command& c) = 0;
  virtual Outcome assert_invalid(const Command& c) = 0;
  virtual Outcome assert_unlinkable(const Command& c) = 0;
  virtual Outcome assert_uninstantiable(const Command& c) = 0;
};

// Creates a mode for one script.
using ModeFactory = std::unique_ptr<Mode> (*)();

// A mode the runner knows. `factory` is null for a mode not implemented yet.
struct ModeInfo {
  std::string_view name;
  ModeFactory factory;
  // Core files a mode leaves out of its default run (a name prefix, empty
  // for none) and why; the runner says so in its output. Naming such a
  // file explicitly still runs it.
  std::string_view leaves_out = {};
  std::string_view why = {};
};

// Every mode, in the order `--help` lists them.
const std::vector<ModeInfo>& all_modes();
// The mode called `name`, or null.
const ModeInfo* find_mode(std::string_view name);

// The factories, one per mode file.
std::unique_ptr<Mode> make_validate_mode();
std::unique_ptr<Mode> make_interp_mode(const InstanceConfig& config = {});
std::unique_ptr<Mode> make_jit_mode();       // (also makes the JIT the default tier)
std::unique_ptr<Mode> make_jit_lazy_mode();
std::unique_ptr<Mode> make_jit_small_mode();  // eager, memories in small slots

}  // namespace lvm::spec
