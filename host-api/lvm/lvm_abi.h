// The lvm host ABI v1 (import module "lvm"; brief section 5, docs/abi.md):
// processes, messages and timers for guests in any language. Functions take
// and return i32/i64 and (pointer, length) pairs into the caller's memory;
// results are status codes (LvmStatus). A pointer or length outside the
// caller's memory traps the caller only.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "loader/loader.h"
#include "vm/host.h"
#include "vm/instance.h"
#include "vm/module_image.h"

namespace lvm {

// The import module every ABI function lives in.
inline constexpr const char* kLvmModule = "lvm";

// Status codes returned by ABI functions (docs/abi.md, sdk/c/lvm.h).
enum LvmStatus : int32_t {
  kLvmOk = 0,
  kLvmNoProc = 1,      // no such process, or it has ended
  kLvmTimedOut = 2,    // receive: nothing matched before the timeout
  kLvmNoEntry = 3,     // spawn: no such function, or not of type [] -> []
  kLvmLimit = 4,       // spawn: process, memory or address-space limit reached
  kLvmBadModule = 5,   // module_compile: the bytes are not a valid module, or do not link
  kLvmNoMessage = 6,   // message_read: no message has been received yet
  kLvmInvalid = 7,     // an argument out of its range (a negative length, a reserved tag, ...)
  kLvmExists = 8,      // register: the name is taken, or the caller has a name already
  kLvmNotFound = 9,    // no such name, timer or active monitor
  kLvmNotPermitted = 10,  // spawn: the caller was spawned without the right to spawn
  kLvmNoNode = 11,     // not a distributed node (lvm run --name), a malformed node name, or unreachable
  kLvmTooBig = 12,     // spawn_remote: the module is beyond the other node's --max-remote-module
};

// What the ABI functions share: how modules compiled at run time are
// loaded and linked, and the table of their handles.
class LvmAbiContext {
 public:
  LvmAbiContext(LoadOptions load, ImportResolver resolver) : load_(std::move(load)), resolver_(std::move(resolver)) {}
  const LoadOptions& load_options() const { return load_; }
  const ImportResolver& resolver() const { return resolver_; }
  // Keeps an image and returns its handle (>= 0).
  int32_t add_module(std::shared_ptr<const ModuleImage> image);
  // The image behind a handle, or null.
  std::shared_ptr<const ModuleImage> module(int32_t handle);

 private:
  LoadOptions load_;
  ImportResolver resolver_;
  std::mutex mu_;
  std::vector<std::shared_ptr<const ModuleImage>> modules_;
};

// Every ABI function. They act on the calling process (Instance::process)
// and trap when called from an instance that is not a process.
std::vector<HostFunction> lvm_functions(std::shared_ptr<LvmAbiContext> ctx);

}  // namespace lvm
