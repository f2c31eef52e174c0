// An entry parameter that is a pointer: the address means nothing in the child.
// expect-error: pointer_cannot_be_sent<const char *>
// expect-error: lvm: a pointer cannot be sent to another process: it holds an address in the sender's memory
#include <lvm.hpp>

static void greet(const char* name) { (void)name; }

int main() { (void)lvm::spawn(greet, "world"); }
