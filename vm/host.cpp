#include "vm/host.h"

#include "vm/instance.h"

namespace lvm {

HostCall::HostCall(Instance& caller, const HostFunction& fn, const uint64_t* args, uint64_t* results,
                   int64_t* reductions)
    : caller_(caller), fn_(fn), mem_(caller.memory0()), args_(args), results_(results), reductions_(reductions) {}

Trap HostCall::trap(std::string message) {
  caller_.trap_message = std::move(message);
  return Trap::HostError;
}

Trap HostCall::exit(int32_t code) {
  caller_.exit_code = code;
  return Trap::Exit;
}

}  // namespace lvm
