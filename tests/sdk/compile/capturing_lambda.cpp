// A capturing lambda cannot be an entry: its captures live in the parent.
// expect-error: capturing_lambda_cannot_be_an_entry<(lambda at
// expect-error: lvm::spawn: a capturing lambda cannot be a process entry: its captures live in the parent's memory, which the child process cannot see
#include <lvm.hpp>

int main() {
  int n = 3;
  (void)lvm::spawn([n] { (void)n; });
}
