// The C++ SDK's node functions (sdk/cpp/lvm.hpp, docs/distribution.md),
// run by test_dist.sh on nodes it starts:
//   cpp NODE NAME   NODE runs dist_host.wasm with its echo registered as NAME:
//                   spawn_remote with a handle and numbers as arguments, a
//                   monitored remote spawn, whereis on NODE, send_named,
//                   node_self, node_of, monitor_node
//   badptr          every node function given a wild pointer traps only
//                   its caller
#include <lvm.hpp>

#include <cstdio>
#include <cstring>
#include <string>

using namespace std::chrono_literals;

static int failures;
#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::printf("FAILED: %s (line %d)\n", #cond, __LINE__);              \
      failures++;                                                          \
    }                                                                      \
  } while (0)

static void add(lvm::Process<std::string> parent, int a, int b) {
  parent.send(std::to_string(a + b) + " on " + lvm::node_self());
}

static void cpp_scenario(const std::string& node, const std::string& name) {
  const std::string me = lvm::node_self();
  CHECK(me.find('@') != std::string::npos);
  auto child = lvm::spawn_remote(node, add, lvm::self<std::string>(), 20, 22);
  CHECK(child.ok());
  if (child.ok()) CHECK(lvm::node_of(*child) == node);
  const auto sum = lvm::receive_for<std::string>(20s);
  std::printf("cpp: spawn_remote: %s\n", sum ? sum->c_str() : "no answer");
  CHECK(sum && *sum == "42 on " + node);

  auto watched = lvm::spawn_opt(lvm::SpawnOptions{.monitor = true, .node = node}, [] { lvm::exit(7); });
  CHECK(watched.ok());
  if (watched.ok()) {
    const auto down = lvm::receive_down(20s);
    std::printf("cpp: a monitored remote child %s\n", down ? down->describe().c_str() : "sent no DOWN");
    CHECK(down && down->monitor == watched->monitor && down->pid == watched->process && down->code == 7);
  }

  const auto there = lvm::whereis(name, node);
  CHECK(there.ok());
  if (there.ok()) {
    CHECK(lvm::node_of(*there) == node);
    CHECK(there->send(77, std::uint32_t(0xbeef)) == lvm::Status::ok);
    const auto back = lvm::receive_for<std::uint32_t>(10s, 77);
    CHECK(back && *back == 0xbeef);
  }
  CHECK(lvm::whereis("nosuch", node).status() == lvm::Status::not_found);
  CHECK(lvm::send_named(node, name, 78, std::uint32_t(5)) == lvm::Status::ok);
  const auto named = lvm::receive_for<std::uint32_t>(10s, 78);
  CHECK(named && *named == 5);
  CHECK(lvm::monitor_node(node) == lvm::Status::ok);
  lvm_msg_info info;
  const std::int64_t tags[] = {LVM_TAG_NODEUP};
  char buf[256] = {0};
  CHECK(lvm_receive(tags, 1, 10'000'000'000LL, buf, sizeof buf - 1, &info) == LVM_OK && node == buf);
  std::printf("cpp: whereis on %s, send_named and monitor_node work; node_self %s\n", node.c_str(), me.c_str());
}

static void wild(int which) {
  const std::string_view bad(reinterpret_cast<const char*>(std::uintptr_t(0xfffffff0u)), 64);
  switch (which) {
    case 0: (void)lvm::whereis("x", bad); break;
    case 1: (void)lvm::whereis(bad, "a@b.c"); break;
    case 2: (void)lvm::send_named(bad, "x", 5, 1); break;
    case 3: (void)lvm::monitor_node(bad); break;
    case 4: (void)lvm::spawn_opt(lvm::SpawnOptions{.node = bad}, [] {}); break;
  }
}

static void badptr_scenario() {
  const char* what[] = {"whereis_remote", "whereis_remote", "send_named", "monitor_node", "spawn_remote"};
  int trapped = 0;
  for (int k = 0; k < 5; k++) {
    auto s = lvm::spawn_monitor(wild, k);
    CHECK(s.ok());
    const auto down = lvm::receive_down(10s);
    const std::string want = std::string("lvm.") + what[k] + ": ";
    if (down && down->kind == lvm::ExitKind::trap && down->reason.rfind(want, 0) == 0 &&
        down->reason.find("outside the caller's memory") != std::string::npos)
      trapped++;
    else
      std::printf("FAILED: %s with a wild pointer: %s\n", what[k], down ? down->describe().c_str() : "no DOWN");
  }
  std::printf("cpp-badptr: %d of 5 SDK node calls with a wild pointer trapped their caller only\n", trapped);
  CHECK(trapped == 5);
}

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "cpp" && argc > 3) cpp_scenario(argv[2], argv[3]);
  else if (what == "badptr") badptr_scenario();
  else {
    std::fprintf(stderr, "usage: dist_sdk.wasm cpp NODE NAME | badptr\n");
    return 2;
  }
  std::fflush(stdout);
  return failures ? 1 : 0;
}
