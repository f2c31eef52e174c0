// Modes jit and jit-lazy: the interp mode's semantics with every call
// running compiled code, every function compiled before its module's
// first call (jit) or each on its first call (jit-lazy).
#include "jit/jit.h"
#include "mode.h"

namespace lvm::spec {

std::unique_ptr<Mode> make_jit_mode() {
  set_default_tier(jit::tier(/*eager=*/true));
  return make_interp_mode();
}

std::unique_ptr<Mode> make_jit_lazy_mode() {
  set_default_tier(jit::tier(/*eager=*/false));
  return make_interp_mode();
}

}  // namespace lvm::spec
