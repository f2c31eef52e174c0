// WASI preview1 (`wasi_snapshot_preview1`) for lvm: the configuration an
// embedder gives (arguments, environment, preopened directories, stdio), the
// per-process context holding the fd table, and the host functions.
// docs/wasi.md lists what is implemented and the sandboxing rules.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "host-api/wasi/fd_table.h"
#include "vm/host.h"

namespace lvm {

// The import module name every preview1 function lives in.
inline constexpr const char* kWasiModule = "wasi_snapshot_preview1";

// What a WASI process starts with.
struct WasiConfig {
  std::vector<std::string> args;  // argv, including argv[0]
  std::vector<std::string> env;   // "KEY=VALUE" strings
  // A host directory the guest may reach under `guest_path` (fd 3, 4, ... in order).
  struct Preopen {
    std::string host_path, guest_path;
  };
  std::vector<Preopen> preopens;
  // Host descriptors behind guest fds 0, 1, 2; borrowed, never closed by
  // lvm. A negative value gives the guest /dev/null instead.
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2;
  // Use openat2(RESOLVE_BENEATH) for path resolution when the kernel has it;
  // false forces the portable component-by-component resolver (tests).
  bool allow_openat2 = true;
};

// The WASI state of one process: its configuration and fd table.
class WasiContext {
 public:
  // Wraps the stdio descriptors and opens the preopened directories. Returns
  // nullptr and sets *error (if given) when a preopen cannot be opened.
  static std::shared_ptr<WasiContext> create(WasiConfig config, std::string* error = nullptr);

  const WasiConfig& config() const { return config_; }
  wasi::FdTable& fds() { return fds_; }
  // True when path resolution may use openat2 (available and allowed).
  bool use_openat2() const;

 private:
  WasiContext() = default;
  WasiConfig config_;
  wasi::FdTable fds_;
};

// Every preview1 function, bound to `ctx`, with the exact core-wasm
// signature of the preview1 witx. Functions lvm does not implement return
// ENOSYS (52); none traps except proc_exit, which ends the process.
std::vector<HostFunction> wasi_functions(std::shared_ptr<WasiContext> ctx);

}  // namespace lvm
