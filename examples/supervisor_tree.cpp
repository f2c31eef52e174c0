// supervisor_tree: a division service kept alive by a two-level supervision
// tree (sdk/cpp/lvm/supervisor.hpp), and what happens when it fails too
// often.
//
//   top           one_for_one, at most 1 restart in 10 s
//   ├─ stats      counts the divisions done (registered as "stats")
//   └─ pool       one_for_one, at most 2 restarts in 10 s
//      └─ divider answers 1000 / n (registered as "divider"); n = 0 traps it
//
// (Stats and the divider say so when they start to the process registered
// as "client", the root, which thus learns of each restart without polling.)
// The root asks the divider for 1000 / n, with ZEROS requests of n = 0 in
// between, each of which kills the divider.
//   lvm run supervisor_tree.wasm [ZEROS]     (default 2)
// Up to 2 zeros, the pool restarts the divider and the service carries on
// (stats, in another branch, keeps its count); the 3rd makes the pool give
// up, and top restarts the whole pool; the 6th makes the pool give up again,
// one restart too many for top, which gives up too. The root then reports
// it and exits with top's exit code (lvm::supervisor_gave_up, 70).
// The supervisors report restarts on stderr.
#include <lvm.hpp>
#include <lvm/supervisor.hpp>

#include <cstdio>
#include <cstdlib>

using namespace std::chrono_literals;

// Messages of stats: a division was done; how many were?
struct Done {
  template <class A>
  void serialize(A&) {}
};
struct Total {
  template <class A>
  void serialize(A&) {}
};
using Divider = lvm::Server<int, int>;

// What stats and a divider tell the process registered as "client" when
// they have started (and registered their names).
struct StatsUp {
  template <class A>
  void serialize(A&) {}
};
struct DividerUp {
  Divider divider;
  template <class A>
  void serialize(A& a) {
    a(divider);
  }
};

// Registers the caller as `name`. A restarted worker may find the name of
// its previous instance still taken for a moment (lvm releases a name just
// after sending the exit signals that start the restart), so it retries.
static void register_as(const char* name) {
  for (int tries = 0; lvm::register_name(name) == lvm::Status::exists; tries++) {
    if (tries == 1000) lvm::exit(1);
    lvm::sleep(1ms);
  }
}

static void stats() {
  register_as("stats");
  if (auto client = lvm::whereis<StatsUp>("client")) client->send(StatsUp{});
  int done = 0;
  for (;;) {
    auto m = lvm::receive_message({lvm::tag_of<Done>, lvm::tag_of<lvm::Call<Total, int>>});
    if (m->is<Done>()) done++;
    else if (auto total = m->as<lvm::Call<Total, int>>()) total->reply(done);
  }
}

static void divider() {
  register_as("divider");
  std::printf("divider: started as process %llu\n", (unsigned long long)lvm::self().pid());
  std::fflush(stdout);
  if (auto client = lvm::whereis<DividerUp>("client")) client->send(DividerUp{lvm::self<lvm::Call<int, int>>()});
  for (;;) {
    auto c = lvm::receive<lvm::Call<int, int>>();
    const int quotient = 1000 / c.request;  // n = 0: integer divide by zero, a trap
    if (auto s = lvm::whereis<Done>("stats")) s->send(Done{});  // before the reply: counted before the caller asks
    c.reply(quotient);
  }
}

static void pool() {
  lvm::supervise({.name = "pool",
                  .strategy = lvm::Strategy::one_for_one,
                  .max_restarts = 2,
                  .period = 10s,
                  .children = {{"divider", lvm::task(divider)}}});
}

static void top() {
  lvm::supervise({.name = "top",
                  .strategy = lvm::Strategy::one_for_one,
                  .max_restarts = 1,
                  .period = 10s,
                  .children = {{"stats", lvm::task(stats)}, {"pool", lvm::task(pool)}}});
}

// The root's view of the tree: top, monitored; its DOWN once it came.
static lvm::Spawned<> tree;
static std::optional<lvm::ExitSignal> tree_down;

// The next DOWN, noting top's.
static lvm::ExitSignal next_down() {
  lvm::ExitSignal d = *lvm::receive_down();
  if (d.monitor == tree.monitor) tree_down = d;
  return d;
}

// The next divider to start; nullopt once top ended.
static std::optional<Divider> find_divider() {
  while (!tree_down) {
    auto m = lvm::receive_message({lvm::tag_of<DividerUp>, lvm::down_tag});
    if (auto up = m->as<DividerUp>()) return up->divider;
    if (auto d = m->exit_signal(); d && d->monitor == tree.monitor) tree_down = d;
  }
  std::printf("root: the tree gave up: top %s\n", tree_down->describe().c_str());
  return std::nullopt;
}

// Asks the divider for 1000 / n; after n = 0 killed it, finds its
// successor. False if that failed (top gave up) or a division went wrong.
static bool divide(Divider& divider, int n) {
  const auto ref = lvm::monitor(divider);
  auto r = lvm::call(divider, n, n == 0 ? 100ms : 5s);
  if (r) {
    (void)lvm::demonitor(*ref);
    std::printf("root: 1000 / %d = %d\n", n, *r);
    return true;
  }
  std::printf("root: 1000 / %d: no reply (%s)", n, lvm::to_string(r.status()).data());
  if (n != 0) return std::printf("\n"), false;
  lvm::ExitSignal down = next_down();
  while (down.monitor != *ref) down = next_down();
  std::printf("; the divider %s\n", down.describe().c_str());
  auto next = find_divider();
  if (next) divider = *next;
  return next.has_value();
}

int main(int argc, char** argv) {
  const int zeros = argc > 1 ? std::atoi(argv[1]) : 2;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines in order with the divider's
  if (lvm::register_name("client") != lvm::Status::ok) return 1;  // before any divider starts
  auto t = lvm::spawn_monitor(top);
  if (!t) return 1;
  tree = *t;
  (void)lvm::receive<StatsUp>();  // so that every division is counted
  auto divider = find_divider();
  if (!divider) return 1;
  for (int i = 0; i < zeros; i++) {
    if (!divide(*divider, i + 1) || !divide(*divider, 0)) return tree_down ? tree_down->code : 1;
  }
  if (!divide(*divider, 8)) return 1;
  auto stats = lvm::whereis<lvm::Call<Total, int>>("stats");
  auto total = stats ? lvm::call(*stats, Total{}, 1s) : lvm::Result<int>(lvm::Status::not_found);
  std::printf("supervisor_tree: the divider was restarted after %d crashes; stats counted %d divisions\n", zeros,
              total.value_or(-1));
  return 0;
}
