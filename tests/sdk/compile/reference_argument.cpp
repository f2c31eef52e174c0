// std::ref as an argument: a reference to the parent's variable.
// expect-error: reference_cannot_be_sent<std::reference_wrapper<int>>
// expect-error: lvm: a reference cannot be sent to another process: it names the sender's memory
#include <lvm.hpp>

static void count(int n) { (void)n; }

int main() {
  int n = 1;
  (void)lvm::spawn(count, std::ref(n));
}
