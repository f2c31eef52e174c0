// A program using the whole SDK compiles without a warning: the refusals
// of the other snippets come from what they do wrong, not from the setup.
// expect: compiles
#include <lvm.hpp>
#include <lvm/supervisor.hpp>

#include <map>

using namespace std::chrono_literals;

enum class Op : std::uint8_t { add, mul };

struct Job {
  Op op = Op::add;
  std::vector<std::int64_t> values;
  std::optional<std::string> label;
  std::variant<std::monostate, int, std::string> extra;
  std::array<double, 2> range{};
  std::pair<int, std::tuple<bool, char>> misc;
  lvm::Process<std::int64_t> reply_to;
  template <class A>
  void serialize(A& a) {
    a(op, values, label, extra, range, misc, reply_to);
  }
};

static void worker(Job job, const std::string& name, std::vector<int>&& scratch, int n) {
  std::int64_t r = job.op == Op::add ? 0 : 1;
  for (auto v : job.values) r = job.op == Op::add ? r + v : r * v;
  job.reply_to.send(r + std::int64_t(name.size() + scratch.size()) + n);
}

static void server() {
  for (;;) {
    auto c = lvm::receive<lvm::Call<std::string, std::size_t>>();
    (void)c.reply(c.request.size());
  }
}

static void supervisor() {
  lvm::supervise({.name = "top",
                  .strategy = lvm::Strategy::one_for_all,
                  .children = {{"server", lvm::task(server)},
                               {"lambda", lvm::task([](int x) { (void)x; }, 1), lvm::Restart::transient}}});
}

int main() {
  Job job{Op::mul, {2, 3}, "job", 5, {0, 1}, {1, {true, 'c'}}, lvm::self<std::int64_t>()};
  auto p = lvm::spawn(worker, job, "a name", std::vector<int>{1}, 'x');
  if (!p) return 1;
  const std::int64_t r = lvm::receive<std::int64_t>();
  auto s = lvm::spawn<lvm::Call<std::string, std::size_t>>(server);
  lvm::Result<std::size_t> n = lvm::call(*s, "hello", 1s);
  auto sup = lvm::spawn_monitor(supervisor);
  (void)lvm::link(*s);
  (void)lvm::monitor(*s);
  (void)lvm::trap_exit(true);
  (void)lvm::register_name("main");
  auto me = lvm::whereis<std::int64_t>("main");
  auto timer = lvm::send_after(*me, std::int64_t(1), 10ms);
  (void)lvm::cancel_timer(*timer);
  if (auto m = lvm::receive_message({lvm::exit_tag, lvm::down_tag, lvm::tag_of<Job>}, 0ms))
    if (auto e = m->exit_signal()) (void)e->describe();
  (void)lvm::receive_for<Job>(5ms);
  lvm::sleep(1ms);
  std::map<int, int> local;  // not sent: any type is fine in a process's own memory
  local[1] = int(r + n.value_or(0) + (sup ? 1 : 0));
  lvm::exit(local[1] == 0);
}
