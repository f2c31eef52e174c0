// A pointer field of a struct with a serializer: the field's type and the
// struct's serialize are named.
// expect-error: pointer_cannot_be_sent<Node *>
// expect-error: Node::serialize<lvm::Writer>
// expect-error: lvm: a pointer cannot be sent to another process
#include <lvm.hpp>

struct Node {
  int value = 0;
  Node* next = nullptr;
  template <class A>
  void serialize(A& a) {
    a(value, next);
  }
};

int main() { lvm::self<Node>().send(Node{}); }
