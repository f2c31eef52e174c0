// A message type without a serializer, inside a container: send and
// receive refuse it, naming it.
// expect-error: type_has_no_serializer<Reading>
// expect-error: require_serializable<std::optional<Reading>>
// expect-error: lvm: this type is not Serializable
#include <lvm.hpp>

struct Reading {
  double celsius = 0;
};

int main() {
  lvm::self<std::optional<Reading>>().send(Reading{21.5});
  (void)lvm::receive<std::optional<Reading>>();
}
