// A generic lambda's parameter types are unknown, so its arguments cannot
// be decoded.
// expect-error: entry_must_be_a_function_or_capture_free_lambda<(lambda at
// expect-error: lvm::spawn: an entry must be a function pointer or a capture-free lambda with named parameter types (not auto)
#include <lvm.hpp>

int main() { (void)lvm::spawn([](auto x) { (void)x; }, 1); }
