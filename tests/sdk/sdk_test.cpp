// The C++ SDK (sdk/cpp/lvm.hpp, lvm/supervisor.hpp) under lvm, one scenario
// per argv[1]; each prints what it observed and exits 0 only if every CHECK
// held (test_sdk.sh checks the output too):
//   serialize   every Serializable type round-trips through encode/decode
//               and through a message; the wire format; malformed bytes
//               are refused without crashing or allocating what they claim
//   spawn       arguments of every kind reach the child; lambda entries;
//               spawn_link, spawn_monitor, spawn_opt; a Task starts twice;
//               the child sees its own statics; undecodable arguments trap
//   messages    typed send/receive, selective receive by type and by tag,
//               receive_for, raw messages, a malformed message dropped
//   call        request/reply: many clients, a timeout, a late reply, a dead
//               server, a reply of the wrong type
//   signals     EXIT and DOWN decoded (normal, code, trap, killed, noproc);
//               demonitor; Result::value() of an error traps
//   names       register_name, whereis, unregister_name
//   timers      send_after, cancel_timer
//   supervisor  one_for_one and one_for_all restarts, transient and
//               temporary children, giving up at the restart intensity,
//               the end of the process that started it
#include <lvm.hpp>
#include <lvm/supervisor.hpp>

#include <cstdio>
#include <cstring>
#include <map>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

static int failures;
#define CHECK(cond)                                              \
  do {                                                           \
    if (!(cond)) {                                               \
      std::printf("FAILED: %s (line %d)\n", #cond, __LINE__);    \
      failures++;                                                \
    }                                                            \
  } while (0)

static std::vector<std::byte> bytes_of(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(std::byte(v));
  return out;
}

// Waits on nothing until killed.
static void wait_forever() {
  for (;;) (void)lvm::receive_any();
}

// ---- serialize ----

enum Color : std::uint8_t { red, green, blue };
enum class Mode : std::int64_t { off = -1, on = std::int64_t(1) << 40 };

struct Empty {
  template <class A>
  void serialize(A&) {}
  bool operator==(const Empty&) const = default;
};

struct Inner {
  std::int16_t a = 0;
  std::string s;
  template <class A>
  void serialize(A& ar) {
    ar(a, s);
  }
  bool operator==(const Inner&) const = default;
};

// One field of every supported kind.
struct Everything {
  bool b = false;
  char c = 0;
  std::int8_t i8 = 0;
  std::uint8_t u8 = 0;
  std::int16_t i16 = 0;
  std::uint16_t u16 = 0;
  std::int32_t i32 = 0;
  std::uint32_t u32 = 0;
  std::int64_t i64 = 0;
  std::uint64_t u64 = 0;
  float f = 0;
  double d = 0;
  Color color = red;
  Mode mode = Mode::off;
  std::byte byte{};
  std::string text;
  std::vector<std::int32_t> ints;
  std::vector<std::string> strings;
  std::vector<bool> bits;
  std::array<std::uint16_t, 3> arr{};
  std::array<std::string, 2> sarr;
  int carr[3] = {};
  Inner cinner[2];
  std::optional<int> none, some;
  std::optional<Inner> oinner;
  std::pair<int, std::string> pair;
  std::tuple<char, double, std::vector<Inner>> tuple;
  std::variant<std::monostate, int, std::string> v0, v1, v2;
  lvm::Process<Inner> handle;
  lvm::Process<> untyped;
  std::vector<Empty> empties;
  std::vector<std::vector<int>> nested;

  template <class A>
  void serialize(A& ar) {
    ar(b, c, i8, u8, i16, u16, i32, u32, i64, u64, f, d, color, mode, byte, text, ints, strings, bits, arr, sarr);
    ar(carr, cinner, none, some, oinner, pair, tuple, v0, v1, v2, handle, untyped, empties, nested);
  }
  bool operator==(const Everything&) const = default;
};

static Everything sample() {
  Everything e;
  e.b = true;
  e.c = 'x';
  e.i8 = -8;
  e.u8 = 250;
  e.i16 = -16000;
  e.u16 = 65000;
  e.i32 = -2000000000;
  e.u32 = 4000000000u;
  e.i64 = -(std::int64_t(1) << 62);
  e.u64 = ~std::uint64_t(0) - 1;
  e.f = 1.5f;
  e.d = -0.125;
  e.color = blue;
  e.mode = Mode::on;
  e.byte = std::byte(0xAB);
  e.text = std::string("with\0nul", 8);
  e.ints = {1, -2, 3};
  e.strings = {"", "one", "two"};
  e.bits = {true, false, true, true};
  e.arr = {1, 2, 3};
  e.sarr = {"left", "right"};
  e.carr[0] = 7, e.carr[2] = -7;
  e.cinner[1] = {5, "five"};
  e.some = 42;
  e.oinner = Inner{-1, "inner"};
  e.pair = {9, "nine"};
  e.tuple = {'t', 3.25, {{1, "a"}, {2, "b"}}};
  e.v1 = 17;
  e.v2 = std::string("variant");
  e.handle = lvm::Process<Inner>(0x1234567890ull);
  e.untyped = lvm::self();
  e.empties.resize(3);
  e.nested = {{}, {1}, {2, 3}};
  return e;
}

// Sends every message back to its sender, with its tag, byte for byte.
static void echo() {
  for (;;) {
    auto m = lvm::receive_any();
    lvm_send(m->sender().pid(), m->tag(), m->bytes().data(), m->bytes().size());
  }
}

static void serialize_scenario() {
  // The wire format, byte for byte.
  CHECK(lvm::encode(std::uint32_t(1)) == bytes_of({1, 0, 0, 0}));
  CHECK(lvm::encode(std::string("ab")) == bytes_of({2, 0, 0, 0, 'a', 'b'}));
  CHECK(lvm::encode(std::optional<std::int16_t>(5)) == bytes_of({1, 5, 0}));
  CHECK(lvm::encode(std::optional<std::int16_t>()) == bytes_of({0}));
  CHECK(lvm::encode(std::variant<char, bool>(true)) == bytes_of({1, 0, 0, 0, 1}));
  CHECK(lvm::encode(std::vector<bool>{true, false}) == bytes_of({2, 0, 0, 0, 1, 0}));
  CHECK(lvm::encode(lvm::Process<>(258)) == bytes_of({2, 1, 0, 0, 0, 0, 0, 0}));
  CHECK(lvm::encode(Inner{1, "z"}) == bytes_of({1, 0, 1, 0, 0, 0, 'z'}));

  // Everything round-trips.
  const Everything e = sample();
  const std::vector<std::byte> bytes = lvm::encode(e);
  auto back = lvm::decode<Everything>(bytes);
  CHECK(back && *back == e);
  // Every truncation is refused, and so is a byte too many.
  int refused = 0;
  for (std::size_t n = 0; n < bytes.size(); n++) refused += !lvm::decode<Everything>({bytes.data(), n});
  CHECK(refused == int(bytes.size()));
  std::vector<std::byte> longer = bytes;
  longer.push_back(std::byte(0));
  CHECK(!lvm::decode<Everything>(longer));
  std::printf("serialize: a value of every supported type round-trips (%zu bytes); all %d truncations and a trailing "
              "byte are refused\n",
              bytes.size(), refused);

  // Malformed values.
  CHECK(!lvm::decode<bool>(bytes_of({2})));
  CHECK(!lvm::decode<std::optional<int>>(bytes_of({3, 1, 0, 0, 0})));
  CHECK((!lvm::decode<std::variant<int, char>>(bytes_of({2, 0, 0, 0, 1}))));
  // Counts beyond the bytes left are refused before anything is allocated.
  CHECK(!lvm::decode<std::vector<std::uint64_t>>(bytes_of({0xff, 0xff, 0xff, 0xff})));
  CHECK(!lvm::decode<std::string>(bytes_of({0xff, 0xff, 0xff, 0x7f, 'a'})));
  CHECK(!lvm::decode<std::vector<std::string>>(bytes_of({0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})));
  CHECK(lvm::detail::min_size<Inner>() == 6);
  CHECK(!lvm::decode<std::vector<Inner>>(bytes_of({3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0})));
  CHECK(lvm::decode<std::vector<Empty>>(bytes_of({5, 0, 0, 0}))->size() == 5);
  CHECK(!lvm::decode<std::vector<Empty>>(bytes_of({0xff, 0xff, 0xff, 0xff})));
  std::printf("serialize: a bad bool, optional flag or variant index, and counts beyond the bytes are refused\n");

  // The same through messages, to another process and back.
  auto echoer = lvm::spawn<Everything>(echo);
  CHECK(echoer.ok());
  CHECK(echoer->send(e) == lvm::Status::ok);
  CHECK(lvm::receive<Everything>() == e);
  // A message larger than the receive buffer (read in two parts).
  std::vector<std::uint8_t> big(300000);
  for (std::size_t i = 0; i < big.size(); i++) big[i] = std::uint8_t(i * 7);
  CHECK(lvm::Process<std::vector<std::uint8_t>>(echoer->pid()).send(big) == lvm::Status::ok);
  CHECK(lvm::receive<std::vector<std::uint8_t>>() == big);
  lvm::kill(*echoer);
  std::printf("serialize: the same value and a 300000-byte vector came back from an echo process intact\n");
}

// ---- spawn ----

static int generation = 1;  // the parent sets 2 before spawning

using ArgsSeen = std::tuple<std::int8_t, double, std::string, std::vector<Inner>, std::optional<std::string>, Inner,
                            std::string, std::vector<int>, Color, lvm::Process<>, int>;

static void child_with_args(lvm::Process<ArgsSeen> parent, std::int8_t a, double b, std::string s, std::vector<Inner> v,
                            std::optional<std::string> o, Inner in, const std::string& cref, std::vector<int>&& rref,
                            Color c, lvm::Process<> other) {
  parent.send(ArgsSeen{a, b, s, v, o, in, cref, rref, c, other, generation});
  // Not flushed here: the SDK's entry flushes when this returns.
  std::printf("spawn: a child's printf reached stdout without fflush\n");
}

static void noexcept_child(lvm::Process<int> parent, int x) noexcept { parent.send(x + 1); }

static void exit7() { lvm::exit(7); }
static void returns() {}

// Reports the status of its own spawn attempt.
static void try_spawn(lvm::Process<lvm::Status> parent) {
  auto r = lvm::spawn(returns);
  parent.send(r.status());
}

static void count_in(lvm::Process<int> parent, int n) { parent.send(n); }

static void spawn_scenario() {
  generation = 2;
  const std::vector<Inner> v = {{1, "one"}, {2, "two"}};
  const Inner in{3, "three"};
  const lvm::Process<> other(99);
  auto child = lvm::spawn(child_with_args, lvm::self<ArgsSeen>(), 5, 2.5, "a literal", v,
                          std::optional<std::string>("opt"), in, std::string("cref"), std::vector<int>{1, 2}, green,
                          other);
  CHECK(child.ok() && child->pid() != 0 && child->pid() != lvm::self().pid());
  const ArgsSeen seen = lvm::receive<ArgsSeen>();
  CHECK(seen == ArgsSeen(5, 2.5, "a literal", v, "opt", in, "cref", {1, 2}, green, other, 1));
  std::printf("spawn: the child got every argument (literal, vector of structs, optional, const& and && parameters, "
              "enum, handle) and sees generation %d (the parent set 2)\n",
              std::get<10>(seen));

  auto lambda = lvm::spawn([](lvm::Process<int> parent, int x) { parent.send(x * 2); }, lvm::self<int>(), 21);
  CHECK(lambda.ok() && lvm::receive<int>() == 42);
  CHECK(lvm::spawn(noexcept_child, lvm::self<int>(), 1).ok() && lvm::receive<int>() == 2);
  std::printf("spawn: a capture-free lambda and a noexcept function as entries\n");

  lvm::trap_exit(true);
  auto linked = lvm::spawn_link(returns);
  auto exit_signal = lvm::receive_exit(5s);
  CHECK(linked.ok() && exit_signal && exit_signal->pid == *linked && exit_signal->normal());
  lvm::trap_exit(false);
  auto monitored = lvm::spawn_monitor(exit7);
  auto down = lvm::receive_down(5s);
  CHECK(monitored.ok() && down && down->pid == monitored->process && down->monitor == monitored->monitor);
  CHECK(down && down->kind == lvm::ExitKind::code && down->code == 7);
  std::printf("spawn: spawn_link gave an EXIT (normal), spawn_monitor a DOWN with its monitor (exit code 7)\n");

  auto restricted = lvm::spawn_opt(lvm::SpawnOptions{.no_spawn = true}, try_spawn, lvm::self<lvm::Status>());
  CHECK(restricted.ok() && lvm::receive<lvm::Status>() == lvm::Status::not_permitted);
  auto tiny = lvm::spawn_opt(lvm::SpawnOptions{.max_memory_pages = 1}, returns);
  CHECK(!tiny.ok() && tiny.status() == lvm::Status::limit);
  std::printf("spawn: no_spawn gives the child not_permitted; a memory limit below the module's gives limit\n");

  const lvm::Task task = lvm::task(count_in, lvm::self<int>(), 11);
  auto first = task.start(), second = task.start();
  CHECK(first.ok() && second.ok() && first->process != second->process);
  CHECK(lvm::receive<int>() == 11 && lvm::receive<int>() == 11);
  CHECK(lvm::Task().start().status() == lvm::Status::no_entry);
  std::printf("spawn: one Task started twice made two processes\n");

  // The trampoline of an entry taking (int), given bytes that are not an int.
  lvm_spawn_opts o{LVM_SPAWN_MONITOR, 0, 0, 0};
  lvm_pid_t pid = 0;
  const std::uint32_t trampoline = lvm::detail::trampoline_index(static_cast<void (*)(int)>(nullptr));
  CHECK(lvm_spawn_opt_raw(trampoline, "xy", 2, &o, &pid) == LVM_OK);
  down = lvm::receive_down(5s);
  CHECK(down && down->pid.pid() == pid && down->kind == lvm::ExitKind::trap);
  std::printf("spawn: undecodable spawn arguments end the child with a trap (%s)\n", down ? down->describe().c_str() : "");
}

// ---- messages ----

struct Ping {
  int n = 0;
  template <class A>
  void serialize(A& a) {
    a(n);
  }
};
struct Pong {
  std::string s;
  template <class A>
  void serialize(A& a) {
    a(s);
  }
};

static void send_later(lvm::Process<Ping> to, int n) {
  lvm::sleep(10ms);
  to.send(Ping{n});
}

static void messages_scenario() {
  const auto ping = lvm::self<Ping>();
  const auto pong = lvm::self<Pong>();
  CHECK(ping.send(Ping{1}) == lvm::Status::ok);
  pong.send(Pong{"a"});
  ping.send(Ping{2});
  CHECK(lvm::receive<Pong>().s == "a");  // past Ping 1
  CHECK(lvm::receive<Ping>().n == 1);
  CHECK(lvm::receive<Ping>().n == 2);
  std::printf("messages: receive<Pong> took the Pong behind a Ping; the Pings stayed queued, in order\n");

  lvm::self().send(77, std::int32_t(5));
  lvm::self().send(78, std::int32_t(6));
  CHECK(lvm::receive<std::int32_t>(78) == 6);
  CHECK(lvm::receive<std::int32_t>(77) == 5);
  std::printf("messages: selective receive by explicit tag\n");

  const auto t0 = Clock::now();
  CHECK(!lvm::receive_for<Ping>(30ms));
  CHECK(Clock::now() - t0 >= 30ms);
  CHECK(!lvm::receive_for<Ping>(0ms));
  CHECK(lvm::spawn(send_later, ping, 3).ok());
  auto later = lvm::receive_for<Ping>(5s);
  CHECK(later && later->n == 3);
  std::printf("messages: receive_for timed out after 30 ms, and got a Ping sent 10 ms into its wait\n");

  ping.send(Ping{4});
  pong.send(Pong{"b"});
  auto m1 = lvm::receive_message({lvm::tag_of<Pong>, lvm::tag_of<Ping>});
  auto m2 = lvm::receive_message({lvm::tag_of<Pong>, lvm::tag_of<Ping>});
  CHECK(m1 && m1->is<Ping>() && m1->as<Ping>()->n == 4 && m1->sender() == lvm::self());
  CHECK(m2 && m2->is<Pong>() && m2->as<Pong>()->s == "b" && !m2->as<Ping>());
  CHECK(!m1->exit_signal());
  std::printf("messages: receive_message of two types took them in arrival order\n");

  // A message with Ping's tag that is not a Ping: dropped (with a line on
  // stderr); the next Ping is received.
  lvm_send(lvm_self(), lvm::tag_of<Ping>, "x", 1);
  ping.send(Ping{5});
  CHECK(lvm::receive<Ping>().n == 5);
  std::printf("messages: a malformed message with Ping's tag was dropped\n");

  auto dead = lvm::spawn<Ping>(returns);
  (void)lvm::monitor(*dead);
  (void)lvm::receive_down();
  CHECK(dead->send(Ping{6}) == lvm::Status::no_process);
  CHECK(lvm::self().send(lvm::exit_tag, 1) == lvm::Status::invalid);
  CHECK(lvm::Process<Ping>().send(Ping{}) == lvm::Status::no_process);
  CHECK(!lvm::receive_any(0ms));
  std::printf("messages: sending to an ended process gives no_process, a reserved tag invalid\n");
}

// ---- call ----

struct Put {
  std::string key, value;
  template <class A>
  void serialize(A& a) {
    a(key, value);
  }
};
struct Get {
  std::string key;
  template <class A>
  void serialize(A& a) {
    a(key);
  }
};
using KvRequest = std::variant<Put, Get>;
using KvReply = std::optional<std::string>;
using KvServer = lvm::Server<KvRequest, KvReply>;

static void kv_server() {
  std::map<std::string, std::string> store;
  for (;;) {
    auto c = lvm::receive<lvm::Call<KvRequest, KvReply>>();
    if (auto* put = std::get_if<Put>(&c.request)) {
      auto it = store.find(put->key);
      c.reply(it == store.end() ? KvReply() : KvReply(it->second));
      store[put->key] = put->value;
    } else {
      auto it = store.find(std::get<Get>(c.request).key);
      c.reply(it == store.end() ? KvReply() : KvReply(it->second));
    }
  }
}

// Puts and gets 50 keys of its own; reports how many answers were right.
static void kv_client(KvServer kv, lvm::Process<int> parent, int id) {
  int right = 0;
  for (int i = 0; i < 50; i++) {
    const std::string key = std::to_string(id) + "." + std::to_string(i);
    right += lvm::call(kv, Put{key, "v" + key}).value() == std::nullopt;
    right += lvm::call(kv, Get{key}).value() == "v" + key;
  }
  parent.send(right);
}

// Answers n with 2n after 50 ms.
static void slow_doubler() {
  for (;;) {
    auto c = lvm::receive<lvm::Call<int, int>>();
    lvm::sleep(50ms);
    c.reply(c.request * 2);
  }
}

// Answers with a string, not the int the caller expects.
static void wrong_replier() {
  auto c = lvm::receive<lvm::Call<int, int>>();
  c.from.send(c.reply_tag, std::string("not an int"));
}

static void call_scenario() {
  auto kv = lvm::spawn<lvm::Call<KvRequest, KvReply>>(kv_server);
  CHECK(kv.ok());
  CHECK(lvm::call(*kv, Put{"k", "v1"}).value() == std::nullopt);
  CHECK(lvm::call(*kv, Put{"k", "v2"}).value() == "v1");
  CHECK(lvm::call(*kv, Get{"k"}).value() == "v2");
  CHECK(lvm::call(*kv, Get{"nothing"}, 1s).value() == std::nullopt);
  for (int id = 0; id < 4; id++) CHECK(lvm::spawn(kv_client, *kv, lvm::self<int>(), id).ok());
  int right = 0;
  for (int id = 0; id < 4; id++) right += lvm::receive<int>();
  CHECK(right == 400);
  std::printf("call: a key-value server answered 4 concurrent clients: %d of 400 answers right\n", right);

  auto slow = lvm::spawn<lvm::Call<int, int>>(slow_doubler);
  const auto t0 = Clock::now();
  auto late = lvm::call(*slow, 1, 10ms);
  CHECK(!late && late.status() == lvm::Status::timed_out && Clock::now() - t0 < 45ms);
  auto in_time = lvm::call(*slow, 2, 5s);
  CHECK(in_time.ok() && *in_time == 4);  // not the late 2 of the first call
  std::printf("call: a call timed out after 10 ms; the next got its own reply (4), not the late one\n");

  auto dead = lvm::spawn_monitor<lvm::Call<int, int>>(returns);
  (void)lvm::receive_down();
  CHECK(lvm::call(dead->process, 1, 1s).status() == lvm::Status::no_process);
  auto wrong = lvm::spawn<lvm::Call<int, int>>(wrong_replier);
  CHECK(lvm::call(*wrong, 1, 5s).status() == lvm::Status::bad_message);
  std::printf("call: an ended server gives no_process, a reply of the wrong type bad_message\n");
  lvm::kill(*kv);
  lvm::kill(*slow);
}

// ---- signals ----

static volatile int seven = 7, zero = 0;
static void divide_by_zero() {
  const int a = seven, b = zero;  // (1 / zero would compile to a select, not a division)
  std::printf("%d\n", a / b);
}
static void exit3() { lvm::exit(3); }
static void misuse_result() { (void)lvm::Result<int>(lvm::Status::timed_out).value(); }

static void signals_scenario() {
  CHECK(lvm::trap_exit(true) == false);
  auto trapped = lvm::spawn_link(divide_by_zero);
  auto e = lvm::receive_exit(5s);
  CHECK(e && e->pid == *trapped && e->kind == lvm::ExitKind::trap && e->monitor == lvm::MonitorRef(0));
  CHECK(e && e->reason.find("divide by zero") != std::string::npos);
  std::printf("signals: EXIT from a trapping child: %s\n", e ? e->describe().c_str() : "none");
  (void)lvm::spawn_link(exit3);
  e = lvm::receive_exit(5s);
  CHECK(e && e->kind == lvm::ExitKind::code && e->code == 3 && e->describe() == "exited with code 3");
  (void)lvm::spawn_link(returns);
  e = lvm::receive_exit(5s);
  CHECK(e && e->normal() && e->describe() == "ended normally");
  auto waiting = lvm::spawn(wait_forever);
  CHECK(lvm::link(*waiting) == lvm::Status::ok && lvm::kill(*waiting) == lvm::Status::ok);
  e = lvm::receive_exit(5s);
  CHECK(e && e->pid == *waiting && e->kind == lvm::ExitKind::killed && e->describe() == "was killed");
  CHECK(lvm::link(*waiting) == lvm::Status::no_process);
  e = lvm::receive_exit(5s);
  CHECK(e && e->kind == lvm::ExitKind::noproc);
  CHECK(lvm::trap_exit(false) == true);
  std::printf("signals: EXITs of kinds code 3, normal, killed and noproc decoded\n");

  auto w = lvm::spawn(wait_forever);
  auto ref = lvm::monitor(*w);
  CHECK(ref.ok() && lvm::kill(*w) == lvm::Status::ok);
  auto d = lvm::receive_down(5s);
  CHECK(d && d->monitor == *ref && d->pid == *w && d->kind == lvm::ExitKind::killed);
  auto gone = lvm::monitor(*w);
  d = lvm::receive_down(5s);
  CHECK(gone.ok() && d && d->monitor == *gone && d->kind == lvm::ExitKind::noproc);
  auto w2 = lvm::spawn(wait_forever);
  auto ref2 = lvm::monitor(*w2);
  CHECK(lvm::demonitor(*ref2) == lvm::Status::ok && lvm::demonitor(*ref2) == lvm::Status::not_found);
  lvm::kill(*w2);
  CHECK(!lvm::receive_down(30ms));
  std::printf("signals: DOWN with its monitor (killed, noproc); none after demonitor\n");

  auto misuse = lvm::spawn_monitor(misuse_result);
  d = lvm::receive_down(5s);
  CHECK(misuse.ok() && d && d->kind == lvm::ExitKind::trap);
  std::printf("signals: value() of an error Result traps the process\n");
}

// ---- names ----

static void register_child(lvm::Process<lvm::Status> parent) {
  parent.send(lvm::register_name("sdk-child"));
  wait_forever();
}

static void names_scenario() {
  CHECK(lvm::register_name("sdk-test") == lvm::Status::ok);
  CHECK(lvm::register_name("sdk-test") == lvm::Status::exists);
  auto me = lvm::whereis<Ping>("sdk-test");
  CHECK(me && *me == lvm::self());
  me->send(Ping{8});
  CHECK(lvm::receive<Ping>().n == 8);
  auto child = lvm::spawn(register_child, lvm::self<lvm::Status>());
  CHECK(lvm::receive<lvm::Status>() == lvm::Status::ok);
  CHECK(lvm::whereis("sdk-child") == *child);
  CHECK(lvm::unregister_name("sdk-test") == lvm::Status::ok);
  CHECK(lvm::unregister_name("sdk-test") == lvm::Status::not_found);
  CHECK(!lvm::whereis("sdk-test"));
  CHECK(lvm::register_name("") == lvm::Status::invalid);
  lvm::kill(*child);
  std::printf("names: register_name, exists, whereis (typed), unregister_name, invalid\n");
}

// ---- timers ----

static void timers_scenario() {
  const auto t0 = Clock::now();
  auto fires = lvm::send_after(lvm::self<Ping>(), Ping{9}, 20ms);
  auto cancelled = lvm::send_after(lvm::self<Ping>(), Ping{10}, 40ms);
  auto tagged = lvm::send_after(lvm::self(), 5, std::string("tagged"), 30ms);
  CHECK(fires.ok() && cancelled.ok() && tagged.ok());
  CHECK(lvm::cancel_timer(*cancelled) == lvm::Status::ok);
  CHECK(lvm::receive<Ping>().n == 9 && Clock::now() - t0 >= 20ms);
  CHECK(lvm::receive<std::string>(5) == "tagged");
  CHECK(!lvm::receive_for<Ping>(60ms));
  CHECK(lvm::cancel_timer(*fires) == lvm::Status::not_found);
  CHECK(lvm::send_after(lvm::self(), 5, 1, -1ms).status() == lvm::Status::invalid);
  std::printf("timers: send_after arrived after 20 ms; the cancelled one never came\n");
}

// ---- supervisor ----

struct Started {
  std::string name;
  lvm::Process<std::string> process;
  template <class A>
  void serialize(A& a) {
    a(name, process);
  }
};

// A supervised worker: says it started, then follows orders.
static void worker(lvm::Process<Started> test, std::string name) {
  test.send(Started{name, lvm::self<std::string>()});
  for (;;) {
    const std::string order = lvm::receive<std::string>();
    if (order == "crash") divide_by_zero();
    if (order == "exit") lvm::exit(3);
    if (order == "return") return;
  }
}

static lvm::ChildSpec child(lvm::Process<Started> test, const char* name, lvm::Restart restart) {
  return {name, lvm::task(worker, test, name), restart};
}

static void one_for_one_supervisor(lvm::Process<Started> test) {
  lvm::supervise({.name = "one",
                  .strategy = lvm::Strategy::one_for_one,
                  .max_restarts = 3,
                  .period = 10s,
                  .children = {child(test, "a", lvm::Restart::permanent), child(test, "b", lvm::Restart::permanent),
                               child(test, "t", lvm::Restart::transient),
                               child(test, "tmp", lvm::Restart::temporary)}});
}

static void one_for_all_supervisor(lvm::Process<Started> test) {
  lvm::supervise({.name = "all",
                  .strategy = lvm::Strategy::one_for_all,
                  .max_restarts = 1,
                  .period = 10s,
                  .children = {child(test, "a", lvm::Restart::permanent), child(test, "b", lvm::Restart::permanent),
                               child(test, "tmp", lvm::Restart::temporary)}});
}

// Starts a supervisor linked to itself, tells the test, then traps on "go".
static void starter(lvm::Process<Started> test) {
  auto sup = lvm::spawn_link(one_for_all_supervisor, test);
  test.send(Started{"supervisor", lvm::Process<std::string>(sup->pid())});
  (void)lvm::receive<std::string>();
  divide_by_zero();
}

// The next n Started messages, by name.
static std::map<std::string, lvm::Process<std::string>> started(int n) {
  std::map<std::string, lvm::Process<std::string>> out;
  for (int i = 0; i < n; i++)
    if (auto s = lvm::receive_for<Started>(5s)) out[s->name] = s->process;
  return out;
}

// The DOWN of the monitor `ref`; other DOWNs that come first are kept for
// later calls (processes end in no fixed order).
static std::optional<lvm::ExitSignal> down_of(lvm::MonitorRef ref) {
  static std::vector<lvm::ExitSignal> early;
  for (auto it = early.begin(); it != early.end(); ++it)
    if (it->monitor == ref) {
      lvm::ExitSignal d = *it;
      early.erase(it);
      return d;
    }
  while (auto d = lvm::receive_down(5s)) {
    if (d->monitor == ref) return d;
    early.push_back(*d);
  }
  return std::nullopt;
}

static void supervisor_scenario() {
  const auto test = lvm::self<Started>();
  // one_for_one: only the child that ended starts again.
  auto sup = lvm::spawn_monitor(one_for_one_supervisor, test);
  CHECK(sup.ok());
  auto kids = started(4);
  CHECK(kids.size() == 4);
  kids["a"].send("crash");
  auto again = started(1);
  CHECK(again.size() == 1 && again.count("a") && again["a"] != kids["a"]);
  const auto a = again["a"];
  kids["b"].send("exit");
  again = started(1);
  CHECK(again.size() == 1 && again.count("b") && again["b"] != kids["b"]);
  kids["t"].send("return");   // transient, ended normally: not restarted
  kids["tmp"].send("crash");  // temporary: not restarted
  CHECK(!lvm::receive_for<Started>(100ms));
  std::printf("supervisor: one_for_one restarted the crashed and the exited child only; not the transient one "
              "that returned, nor the temporary one\n");
  again["b"].send("exit");  // restart 3 of at most 3 in 10 s
  again = started(1);
  CHECK(again.size() == 1 && again.count("b"));
  auto a_ref = lvm::monitor(a);
  again["b"].send("exit");  // a 4th: it gives up
  auto d = down_of(sup->monitor);
  CHECK(d && d->kind == lvm::ExitKind::code && d->code == lvm::supervisor_gave_up);
  auto ad = down_of(*a_ref);
  CHECK(ad && ad->kind == lvm::ExitKind::killed);
  std::printf("supervisor: at a 4th restart within 10 s it gave up (exit code %d), ending its other child\n",
              d ? d->code : -1);

  // one_for_all: every child starts again, except the temporary one.
  sup = lvm::spawn_monitor(one_for_all_supervisor, test);
  kids = started(3);
  CHECK(kids.size() == 3);
  auto tmp_ref = lvm::monitor(kids["tmp"]);
  kids["b"].send("crash");
  again = started(2);
  CHECK(again.size() == 2 && again["a"] != kids["a"] && again["b"] != kids["b"] && !again.count("tmp"));
  auto tmp_down = down_of(*tmp_ref);
  CHECK(tmp_down && tmp_down->kind == lvm::ExitKind::killed);
  a_ref = lvm::monitor(again["a"]);
  again["a"].send("crash");  // a second restart within 10 s: more than 1
  d = down_of(sup->monitor);
  CHECK(d && d->code == lvm::supervisor_gave_up);
  CHECK(down_of(*a_ref));
  std::printf("supervisor: one_for_all restarted both permanent children and ended the temporary one; gave up at "
              "the second restart\n");

  // The process that started a supervisor, linked, ends: so does the tree.
  auto s = lvm::spawn(starter, test);
  auto tree = started(4);  // the supervisor and its three children
  CHECK(tree.size() == 4);
  auto sup_ref = lvm::monitor(tree["supervisor"]);
  auto child_ref = lvm::monitor(tree["a"]);
  lvm::Process<std::string>(s->pid()).send("go");
  d = down_of(*sup_ref);
  CHECK(d && d->kind == lvm::ExitKind::code && d->code == lvm::supervisor_linked_exit);
  auto cd = down_of(*child_ref);
  CHECK(cd && cd->kind == lvm::ExitKind::killed);
  std::printf("supervisor: when its starter trapped, it ended its children and exited with code %d\n",
              d ? d->code : -1);
}

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "";
  if (!std::strcmp(what, "serialize")) serialize_scenario();
  else if (!std::strcmp(what, "spawn")) spawn_scenario();
  else if (!std::strcmp(what, "messages")) messages_scenario();
  else if (!std::strcmp(what, "call")) call_scenario();
  else if (!std::strcmp(what, "signals")) signals_scenario();
  else if (!std::strcmp(what, "names")) names_scenario();
  else if (!std::strcmp(what, "timers")) timers_scenario();
  else if (!std::strcmp(what, "supervisor")) supervisor_scenario();
  else {
    std::fprintf(stderr, "usage: sdk_test.wasm serialize|spawn|messages|call|signals|names|timers|supervisor\n");
    return 2;
  }
  return failures ? 1 : 0;
}
