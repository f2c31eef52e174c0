// A view (std::string_view, std::span) points into the sender's memory.
// expect-error: view_cannot_be_sent<std::span<const int
// expect-error: lvm: a view (std::string_view, std::span) cannot be sent to another process
#include <lvm.hpp>

int main() {
  static const int values[] = {1, 2, 3};
  lvm::self().send(1, std::span<const int>(values));
}
