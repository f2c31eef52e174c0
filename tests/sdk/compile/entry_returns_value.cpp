// An entry's return value would have nowhere to go.
// expect-error: entry_must_return_void<int>
// expect-error: lvm::spawn: an entry must return void
#include <lvm.hpp>

static int answer() { return 42; }

int main() { (void)lvm::spawn(answer); }
