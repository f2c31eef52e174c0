// A non-const reference parameter: the child's writes would never reach the parent.
// expect-error: entry_parameter_cannot_be_a_mutable_reference<std::string &>
// expect-error: lvm::spawn: an entry cannot take a non-const reference: the child gets its own copy of every argument
#include <lvm.hpp>

static void fill(std::string& out) { out = "filled"; }

int main() {
  std::string s;
  (void)lvm::spawn(fill, s);
}
