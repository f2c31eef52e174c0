// Modes jit, jit-lazy and jit-small: the interp mode's semantics with every
// call running compiled code, every function compiled before its module's
// first call (jit, jit-small) or each on its first call (jit-lazy). jit and
// jit-lazy give memories guarded reservations (accesses without bounds
// checks, out-of-bounds ones caught by the fault handler); jit-small gives
// every memory that fits a small pooled slot (explicit checks).
#include "jit/jit.h"
#include "mode.h"

namespace lvm::spec {

std::unique_ptr<Mode> make_jit_mode() {
  set_default_tier(jit::tier(/*eager=*/true));
  return make_interp_mode();
}

std::unique_ptr<Mode> make_jit_small_mode() {
  set_default_tier(jit::tier(/*eager=*/true));
  InstanceConfig config;
  config.small_memory_slots = true;
  return make_interp_mode(config);
}

std::unique_ptr<Mode> make_jit_lazy_mode() {
  set_default_tier(jit::tier(/*eager=*/false));
  return make_interp_mode();
}

}  // namespace lvm::spec
