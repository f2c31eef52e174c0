/* Debian's libclang-rt-14-dev-wasm32 builtins were compiled with
 * -fstack-protector, so e.g. __umodti3 references these two symbols, which
 * wasi-libc does not define.  Provide them (link fix only). */
#include <stdlib.h>
unsigned long __stack_chk_guard = 0x5a17c0deUL;
_Noreturn void __stack_chk_fail(void) { abort(); }
