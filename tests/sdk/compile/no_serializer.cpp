// A struct without a serialize member cannot be a spawn argument.
// expect-error: type_has_no_serializer<Point>
// expect-error: lvm: this type is not Serializable, so it cannot be sent to another process. Give it a member `template <class A> void serialize(A& a)
#include <lvm.hpp>

struct Point {
  int x = 0, y = 0;
};

static void plot(Point p) { (void)p; }

int main() { (void)lvm::spawn(plot, Point{1, 2}); }
