// Running one converted script through a Mode.
#pragma once

#include <string>
#include <vector>

#include "commands.h"
#include "mode.h"

namespace lvm::spec {

// One command that was a check (passed, failed or skipped).
struct CheckRecord {
  int line = 0;
  CommandKind kind = CommandKind::Module;
  std::string module;  // the module file name, if the command has one
  Outcome outcome;
};

// What happened to one script.
struct FileResult {
  std::string rel;         // the script's name in the suite
  std::string error;       // the script could not be run at all (conversion, JSON)
  int passed = 0, failed = 0, skipped = 0;
  int not_run = 0;         // commands that are not checks in this mode
  std::vector<CheckRecord> checks;
};

// Runs every command of `file` through a fresh mode from `factory`.
FileResult run_commands(const std::string& rel, const CommandFile& file, ModeFactory factory);

}  // namespace lvm::spec
