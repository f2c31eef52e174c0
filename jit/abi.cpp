// Offsets of the context fields generated code reads (jit/abi.h).
#include "jit/abi.h"

#include <cstddef>

#include "vm/runtime.h"

namespace lvm::jit {

// ExecStack is not standard-layout (it has vectors and atomics), but GCC
// and Clang lay out such classes in declaration order as usual; offsetof
// is what generated code needs.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
int32_t Ctx::jit(size_t field_off) { return int32_t(offsetof(interp::ExecStack, jit) + field_off); }
int32_t Ctx::preempt() { return int32_t(offsetof(interp::ExecStack, preempt)); }
// What a compiled run touches fills two cache lines (vm/jit_state.h).
static_assert(offsetof(JitState, view) + offsetof(JitInstanceView, module_code) <= 128);
#pragma GCC diagnostic pop
int32_t Ctx::mem_size() { return jit(offsetof(JitState, view) + offsetof(JitInstanceView, mem_size)); }
int32_t Ctx::mem_base() { return jit(offsetof(JitState, view) + offsetof(JitInstanceView, mem_base)); }
int32_t Ctx::dirty() { return jit(offsetof(JitState, view) + offsetof(JitInstanceView, dirty)); }
int32_t Ctx::globals() { return jit(offsetof(JitState, view) + offsetof(JitInstanceView, globals)); }
int32_t Ctx::funcs() { return jit(offsetof(JitState, view) + offsetof(JitInstanceView, funcs)); }
int32_t Ctx::tables() { return jit(offsetof(JitState, view) + offsetof(JitInstanceView, tables)); }
int32_t Ctx::stack_limit() { return jit(offsetof(JitState, stack_limit)); }
int32_t Ctx::stack_floor() { return jit(offsetof(JitState, stack_floor)); }
int32_t Ctx::pending_fn() { return jit(offsetof(JitState, pending_fn)); }
int32_t Ctx::scratch() { return jit(offsetof(JitState, scratch)); }

int32_t Ctx::instance() { return jit(offsetof(JitState, view) + offsetof(JitInstanceView, instance)); }
int32_t Ctx::code() { return jit(offsetof(JitState, view) + offsetof(JitInstanceView, code)); }

int32_t FuncInstLayout::type_id() { return int32_t(offsetof(FuncInst, type_id)); }
int32_t FuncInstLayout::instance() { return int32_t(offsetof(FuncInst, instance)); }
int32_t FuncInstLayout::index() { return int32_t(offsetof(FuncInst, index)); }
int32_t FuncInstLayout::host() { return int32_t(offsetof(FuncInst, host)); }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
int32_t TableLayout::elems_begin() { return int32_t(offsetof(TableInst, elems)); }
int32_t TableLayout::elems_end() { return int32_t(offsetof(TableInst, elems) + sizeof(void*)); }
#pragma GCC diagnostic pop
int32_t GlobalLayout::value() { return int32_t(offsetof(GlobalInst, value)); }

}  // namespace lvm::jit
