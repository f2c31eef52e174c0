// The subcommands of the `lvm` binary. Each takes the arguments after its
// name and returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace lvm::cli {

// `lvm validate FILE...`: prints `ok` or the error with its byte offset.
int cmd_validate(const std::vector<std::string>& args);
// `lvm inspect FILE`: imports, exports, memories, tables, globals, sections.
int cmd_inspect(const std::vector<std::string>& args);
// `lvm run [options] FILE [args...]`: runs a WASI command module.
int cmd_run(const std::vector<std::string>& args);

// Exit code of `lvm run` when the guest traps (as a process killed by
// SIGABRT would report it, like wasmtime).
inline constexpr int kTrapExitCode = 134;





}  // namespace lvm::cli
