// A node for remote spawns of another module (test_dist.sh): registers
// argv[1] and answers every message to its sender with the same tag and
// bytes, forever. dist.wasm spawns its own functions here, so its module
// must travel (this one is not it).
#include <lvm.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  const char *name = argc > 1 ? argv[1] : "host";
  if (lvm_register(name, strlen(name)) != LVM_OK) return 1;
  char node[256];
  int n = lvm_node_self(node, sizeof node - 1);
  node[n > 0 ? n : 0] = 0;
  printf("host %s on %s\n", name, node);
  fflush(stdout);
  static char buf[1 << 16];
  for (;;) {
    lvm_msg_info info;
    lvm_receive_any(LVM_INFINITY, buf, sizeof buf, &info);
    lvm_send(info.sender, info.tag, buf, info.copied);
  }
}
