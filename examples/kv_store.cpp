// kv_store: a key-value store in a process of its own, and client processes
// that use it by request/reply (lvm::call), typed end to end: a request is
// a std::variant of commands, and the compiler checks that clients and the
// store agree on the request and reply types (lvm::Server<Request, Reply>).
//   lvm run kv_store.wasm [CLIENTS] [KEYS]      (default 4 clients, 100 keys)
// Each client puts KEYS keys of its own, reads them back, erases half and
// checks they are gone, then reports how many answers were right; the root
// checks the store's final size and prints the time per call.
#include <lvm.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>

// The store's commands. Each answers with a Reply.
struct Put {  // value: the key's previous value
  std::string key, value;
  template <class A>
  void serialize(A& a) {
    a(key, value);
  }
};
struct Get {  // value: the key's value
  std::string key;
  template <class A>
  void serialize(A& a) {
    a(key);
  }
};
struct Erase {  // value: the value it had
  std::string key;
  template <class A>
  void serialize(A& a) {
    a(key);
  }
};
struct Size {  // size: how many keys
  template <class A>
  void serialize(A&) {}
};
using Request = std::variant<Put, Get, Erase, Size>;

struct Reply {
  std::optional<std::string> value;
  std::uint64_t size = 0;
  template <class A>
  void serialize(A& a) {
    a(value, size);
  }
};

using Store = lvm::Server<Request, Reply>;

// A client's report to the root.
struct Report {
  int client = 0;
  int calls = 0, right = 0;
  template <class A>
  void serialize(A& a) {
    a(client, calls, right);
  }
};

// A visitor of lambdas, one per alternative.
template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

static void store() {
  std::map<std::string, std::string> data;
  auto take = [&](const std::string& key) -> std::optional<std::string> {
    auto it = data.find(key);
    return it == data.end() ? std::nullopt : std::optional(it->second);
  };
  for (;;) {
    auto c = lvm::receive<lvm::Call<Request, Reply>>();
    c.reply(std::visit(overloaded{[&](const Put& p) {
                                    Reply r{take(p.key)};
                                    data[p.key] = p.value;
                                    return r;
                                  },
                                  [&](const Get& g) { return Reply{take(g.key)}; },
                                  [&](const Erase& e) {
                                    Reply r{take(e.key)};
                                    data.erase(e.key);
                                    return r;
                                  },
                                  [&](const Size&) { return Reply{std::nullopt, data.size()}; }},
                       c.request));
  }
}

static void client(Store kv, lvm::Process<Report> root, int id, int keys) {
  Report report{id};
  auto ask = [&](Request request, const std::optional<std::string>& expect) {
    auto reply = lvm::call(kv, std::move(request));
    report.calls++;
    report.right += reply && reply->value == expect;
  };
  auto key = [id](int i) { return "client" + std::to_string(id) + ".key" + std::to_string(i); };
  auto value = [id](int i) { return std::to_string(id * 1000 + i); };
  for (int i = 0; i < keys; i++) ask(Put{key(i), value(i)}, std::nullopt);
  for (int i = 0; i < keys; i++) ask(Get{key(i)}, value(i));
  for (int i = 0; i < keys; i += 2) ask(Erase{key(i)}, value(i));
  for (int i = 0; i < keys; i++) ask(Get{key(i)}, i % 2 ? std::optional(value(i)) : std::nullopt);
  root.send(report);
}

int main(int argc, char** argv) {
  const int clients = argc > 1 ? std::atoi(argv[1]) : 4;
  const int keys = argc > 2 ? std::atoi(argv[2]) : 100;
  if (clients < 1 || keys < 1) return 2;
  auto kv = lvm::spawn_link<lvm::Call<Request, Reply>>(store);
  if (!kv) return 1;
  const auto t0 = std::chrono::steady_clock::now();
  for (int id = 0; id < clients; id++)
    if (!lvm::spawn(client, *kv, lvm::self<Report>(), id, keys)) return 1;
  int calls = 0, right = 0;
  for (int i = 0; i < clients; i++) {
    const Report r = lvm::receive<Report>();
    calls += r.calls;
    right += r.right;
  }
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
  auto size = lvm::call(*kv, Size{});
  const std::uint64_t expect = std::uint64_t(clients) * std::uint64_t(keys / 2);
  std::printf("kv_store: %d clients made %d calls, %d answers right; the store holds %llu keys (%s)\n", clients, calls,
              right, (unsigned long long)size.value().size, size->size == expect ? "correct" : "WRONG");
  std::printf("kv_store: %lld ns per call\n", (long long)(ns / calls));
  return right == calls && size->size == expect ? 0 : 1;
}
