// A pointer inside a container: the element type is named.
// expect-error: pointer_cannot_be_sent<double *>
// expect-error: require_serializable<std::vector<double *>>
// expect-error: lvm: a pointer cannot be sent to another process
#include <lvm.hpp>

#include <vector>

static void sum(std::vector<double*> values) { (void)values; }

int main() { (void)lvm::spawn(sum, std::vector<double*>{}); }
