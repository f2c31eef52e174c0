// The unit-test binary's entry point (doctest).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
// No crash handlers of doctest's: it installs its own SIGSEGV handler for
// each test case and puts back the one from before the case at its end,
// which would remove the JIT's fault handler (jit/signals.cpp) installed
// during a case, so that a later case's guest out-of-bounds access, a trap
// by design, would crash the binary when all cases run in one process.
#define DOCTEST_CONFIG_NO_POSIX_SIGNALS
#include <doctest/doctest.h>
