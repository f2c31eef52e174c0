// A receiver must construct the struct before reading its fields into it.
// expect-error: serializable_struct_needs_default_constructor<Meters>
// expect-error: lvm: a Serializable struct must be default-constructible
#include <lvm.hpp>

struct Meters {
  explicit Meters(double v) : value(v) {}
  double value;
  template <class A>
  void serialize(A& a) {
    a(value);
  }
};

int main() { (void)lvm::receive<Meters>(); }
