// Arguments must match the entry's parameters one for one.
// expect-error: argument_count_must_match_parameters<lvm::detail::type_list<int, int>, lvm::detail::type_list<int>>
// expect-error: lvm::spawn: the number of arguments differs from the number of the entry's parameters
#include <lvm.hpp>

static void add(int a, int b) { (void)(a + b); }

int main() { (void)lvm::spawn(add, 1); }
