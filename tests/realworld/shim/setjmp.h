/* Minimal setjmp shim for wasm32-wasi (wasi-libc has no setjmp/longjmp, and
 * clang 14 has no wasm exception-handling lowering for it).  setjmp always
 * returns 0 and longjmp aborts: the module is still the real library code,
 * it just traps where it would have unwound.  Only used to make the build
 * link; lvm only validates the result. */
#ifndef LVM_REALWORLD_SETJMP_SHIM_H
#define LVM_REALWORLD_SETJMP_SHIM_H
#include <stdlib.h>
typedef int jmp_buf[1];
typedef int sigjmp_buf[1];
#define setjmp(b) ((void)(b), 0)
#define _setjmp(b) setjmp(b)
#define sigsetjmp(b, s) ((void)(s), setjmp(b))
static inline _Noreturn void longjmp(jmp_buf b, int v) { (void)b; (void)v; abort(); }
#define _longjmp(b, v) longjmp(b, v)
#define siglongjmp(b, v) longjmp(b, v)
#endif
