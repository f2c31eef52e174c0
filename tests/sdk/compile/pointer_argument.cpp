// A pointer argument, even for a parameter it converts to (bool).
// expect-error: pointer_cannot_be_sent<int *>
// expect-error: check_argument<bool, int *>
// expect-error: lvm: a pointer cannot be sent to another process
#include <lvm.hpp>

static void flag(bool on) { (void)on; }

int main() {
  static int x;
  (void)lvm::spawn(flag, &x);
}
