#include "host-api/lvm/lvm_abi.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "dist/etf_pid.h"
#include "vm/process.h"
#include "vm/scheduler.h"

namespace lvm {

int32_t LvmAbiContext::add_module(std::shared_ptr<const ModuleImage> image) {
  std::lock_guard lock(mu_);
  modules_.push_back(std::move(image));
  return int32_t(modules_.size() - 1);
}

std::shared_ptr<const ModuleImage> LvmAbiContext::module(int32_t handle) {
  std::lock_guard lock(mu_);
  if (handle < 0 || size_t(handle) >= modules_.size()) return nullptr;
  return modules_[size_t(handle)];
}

namespace {

using Fn = std::function<Trap(HostCall&)>;

// What a spawn costs the spawning process, in reductions (a slice is a few
// thousand): like the BEAM, a process that spawns in a loop yields now and
// then, so its children run while their instances are still in cache.
constexpr int64_t kSpawnReductions = 40;

// A guest buffer argument checked against the caller's memory: the span,
// or a trap naming the function and the bad range.
struct Buffer {
  uint8_t* data = nullptr;
  uint32_t size = 0;
};

[[gnu::noinline, gnu::cold]] Trap out_of_bounds(HostCall& call, const char* fn, const char* what, uint32_t ptr,
                                                uint32_t len) {
  return call.trap(std::string("lvm.") + fn + ": " + what + " [" + std::to_string(ptr) + ", " +
                   std::to_string(uint64_t(ptr) + len) + ") is outside the caller's memory (" +
                   std::to_string(call.memory().size()) + " bytes)");
}

// `write`: the host writes into it (it counts as written guest memory).
inline bool buffer(HostCall& call, const char* fn, const char* what, uint32_t ptr, uint32_t len, Buffer& out,
                   Trap& trap, bool write = false) {
  uint8_t* p = write ? call.ptr(ptr, len) : const_cast<uint8_t*>(call.cptr(ptr, len));
  if (!p) [[unlikely]] {
    trap = out_of_bounds(call, fn, what, ptr, len);
    return false;
  }
  out.data = p;
  out.size = len;
  return true;
}

[[gnu::noinline, gnu::cold]] Trap not_a_process(HostCall& call) {
  return call.trap("lvm." + call.function().name + ": called outside a process");
}

// Spawns `func` of `image` with the bytes at [args, args+len), writing the
// pid to pid_out. The status is the call's result. The child inherits the
// caller's limits unless `opts` says otherwise.
Trap do_spawn(HostCall& call, const char* fn, Process& self, const std::shared_ptr<const ModuleImage>& image,
              uint32_t func, uint32_t args_ptr, uint32_t args_len, uint32_t pid_out, SpawnOptions* opts = nullptr) {
  Trap trap = Trap::None;
  Buffer args, out;
  if (!buffer(call, fn, "argument bytes", args_ptr, args_len, args, trap)) return trap;
  if (!buffer(call, fn, "pid output", pid_out, 8, out, trap, true)) return trap;
  if (!self.limits().may_spawn) {
    call.set_i32(0, kLvmNotPermitted);
    return Trap::None;
  }
  SpawnOptions inherited;
  if (!opts) {
    inherited.parent = &self;
    inherited.limits = self.limits();
    opts = &inherited;
  }
  Pid pid = 0;
  call.consume_reductions(kSpawnReductions);
  switch (self.scheduler().spawn(image, func, {args.data, args.size}, &pid, nullptr, *opts)) {
    case SpawnStatus::Ok:
      std::memcpy(out.data, &pid, 8);
      call.set_i32(0, kLvmOk);
      break;
    case SpawnStatus::NoEntry:
    case SpawnStatus::BadEntryType: call.set_i32(0, kLvmNoEntry); break;
    case SpawnStatus::Limit: call.set_i32(0, kLvmLimit); break;
  }
  return Trap::None;
}

// The wasm function at `index` of the caller's table 0 (a C function
// pointer in wasm32), or null.
const FuncInst* table_function(Instance& in, uint32_t index) {
  if (in.tables.empty() || in.tables[0]->elem != ValType::FuncRef || index >= in.tables[0]->size()) return nullptr;
  const auto* f = static_cast<const FuncInst*>(in.tables[0]->elems[index]);
  return f && !f->host ? f : nullptr;
}

// lvm_spawn_opts.flags
constexpr uint32_t kSpawnLink = 1, kSpawnMonitor = 2, kSpawnNoSpawn = 4;

// A name argument: 1 to 255 bytes.
constexpr uint32_t kMaxNameBytes = 255;

// What `trap` keeps of a guest's reason text (the rest is cut off).
constexpr uint32_t kMaxTrapTextBytes = 4096;

// The index of exported function `name` of `m`, or UINT32_MAX.
uint32_t export_func(const Module& m, std::string_view name) {
  const Export* e = m.find_export(name, ExternKind::Func);
  return e ? e->index : UINT32_MAX;
}

void add(std::vector<HostFunction>& out, const char* name, std::vector<ValType> params, std::vector<ValType> results,
         Fn fn) {
  out.push_back(HostFunction{kLvmModule, name, FuncType(std::move(params), std::move(results)), std::move(fn)});
}

// A function that acts on the calling process: `F{}(call, process)` runs
// only when the caller is one (else it traps, naming the function).
template <class F>
Trap on_process(HostCall& call, const F& fn) {
  Process* p = call.caller().process;
  if (!p) [[unlikely]] return not_a_process(call);
  return fn(call, p);
}

template <class F>
void add_process_fn(std::vector<HostFunction>& out, const char* name, std::vector<ValType> params,
                    std::vector<ValType> results, F fn) {
  add(out, name, std::move(params), std::move(results), [fn](HostCall& call) { return on_process(call, fn); });
  // A lambda without captures is also a plain function (C++20 lets it be
  // made from nothing), which the interpreter calls directly.
  if constexpr (std::is_default_constructible_v<F>)
    out.back().direct = [](HostCall& call) { return on_process(call, F{}); };
}

// receive's end: message `m` (if any) copied into the caller's buffer
// (`cap` bytes at `buf`) and info (24 bytes at `info`), both checked, or
// the wait for one.
inline Trap receive_into(HostCall& call, Process* p, const Message* m, uint32_t buf, uint32_t cap, uint32_t info) {
  if (m) [[likely]] {
    p->finish_wait();
    const uint32_t copied = std::min(m->size, cap);
    const uint64_t sender = m->sender;
    copy_bytes(call.checked_ptr(buf, copied), const_cast<Message*>(m)->bytes(), copied);
    uint8_t* out = call.checked_ptr(info, 24);
    std::memcpy(out, &m->tag, 8);
    std::memcpy(out + 8, &sender, 8);
    std::memcpy(out + 16, &m->size, 4);
    std::memcpy(out + 20, &copied, 4);
    call.set_i32(0, kLvmOk);
    return Trap::None;
  }
  const int64_t timeout = call.i64(2);
  if (timeout == 0 || (p->waiting() && p->wait_deadline() != UINT64_MAX && now_ns() >= p->wait_deadline())) {
    p->finish_wait();
    call.set_i32(0, kLvmTimedOut);
    return Trap::None;
  }
  if (!p->waiting()) p->begin_wait(timeout < 0 ? UINT64_MAX : now_ns() + uint64_t(timeout), true);
  return Trap::Yield;  // runs again when a message arrives or the deadline passes
}

// Checks receive's buffer and info arguments (before a message is taken:
// a bad one traps and leaves the mailbox as it was).
inline bool receive_buffers_ok(HostCall& call, Trap& trap) {
  if (!call.check(call.u32(3), call.u32(4))) [[unlikely]] {
    trap = out_of_bounds(call, "receive", "buffer", call.u32(3), call.u32(4));
    return false;
  }
  if (!call.check(call.u32(5), 24)) [[unlikely]] {
    trap = out_of_bounds(call, "receive", "info output", call.u32(5), 24);
    return false;
  }
  return true;
}

// receive with `ntags` tags: a selective receive (out of line, so that
// receiving any message needs no room for the tags).
[[gnu::noinline]] Trap receive_tagged(HostCall& call, Process* p, uint32_t ntags) {
  if (ntags > (UINT32_MAX >> 3)) {
    call.set_i32(0, kLvmInvalid);
    return Trap::None;
  }
  Trap trap = Trap::None;
  Buffer tags;
  if (!buffer(call, "receive", "tag array", call.u32(0), ntags * 8, tags, trap)) return trap;
  if (!receive_buffers_ok(call, trap)) return trap;
  // The tags, copied out of guest memory (aligned, and few: the stack).
  int64_t tag_storage[16];
  std::vector<int64_t> tag_heap;
  int64_t* tag_list = tag_storage;
  if (ntags > 16) {
    tag_heap.resize(ntags);
    tag_list = tag_heap.data();
  }
  std::memcpy(tag_list, tags.data, size_t(ntags) * 8);
  return receive_into(call, p, p->take_message({tag_list, ntags}), call.u32(3), call.u32(4), call.u32(5));
}

std::string_view text(const Buffer& b) { return {reinterpret_cast<const char*>(b.data), b.size}; }

// Copies `s` into a guest buffer (as much as fits) and returns its length.
int32_t copy_out(const Buffer& b, std::string_view s) {
  std::memcpy(b.data, s.data(), std::min<size_t>(s.size(), b.size));
  return int32_t(s.size());
}

// How long spawn_remote and whereis_remote wait for the other node's
// answer (a lost connection ends the wait at once).
constexpr uint64_t kRemoteCallTimeoutNs = 30'000'000'000ull;

int32_t remote_status(RemoteStatus s) {
  switch (s) {
    case RemoteStatus::Ok: return kLvmOk;
    case RemoteStatus::NoNode: return kLvmNoNode;
    case RemoteStatus::Refused: return kLvmNotPermitted;
    case RemoteStatus::TooLarge: return kLvmTooBig;
    case RemoteStatus::BadModule: return kLvmBadModule;
    case RemoteStatus::NoEntry: return kLvmNoEntry;
    case RemoteStatus::Limit: return kLvmLimit;
    case RemoteStatus::NotFound: return kLvmNotFound;
    case RemoteStatus::TimedOut: return kLvmTimedOut;
  }
  return kLvmLimit;
}

// lvm_spawn_opts (docs/abi.md) as a guest passed it: flags, a memory limit
// in pages and a reduction limit (0: the caller's), the monitor reference
// written back at +16.
struct GuestSpawnOpts {
  uint32_t flags = 0, pages = 0;
  uint64_t reductions = 0;
  bool valid() const {
    return !(flags & ~uint32_t(kSpawnLink | kSpawnMonitor | kSpawnNoSpawn)) && reductions <= uint64_t(INT64_MAX);
  }
};
GuestSpawnOpts read_spawn_opts(const Buffer& raw) {
  GuestSpawnOpts o;
  std::memcpy(&o.flags, raw.data, 4);
  std::memcpy(&o.pages, raw.data + 4, 4);
  std::memcpy(&o.reductions, raw.data + 8, 8);
  return o;
}
// The child's options: linked or monitored as asked (the reference to
// `ref`), with the caller's limits narrowed by `o`.
SpawnOptions child_options(Process& parent, const GuestSpawnOpts& o, uint64_t* ref) {
  SpawnOptions opts;
  opts.parent = &parent;
  opts.link = o.flags & kSpawnLink;
  opts.monitor = o.flags & kSpawnMonitor;
  opts.monitor_ref = ref;
  opts.limits = parent.limits();
  ProcessLimits& l = opts.limits;
  if (o.pages) l.max_memory_pages = std::min<uint64_t>(l.max_memory_pages, o.pages);
  if (o.reductions)
    l.max_reductions = l.max_reductions ? std::min(l.max_reductions, int64_t(o.reductions)) : int64_t(o.reductions);
  if (o.flags & kSpawnNoSpawn) l.may_spawn = false;
  return opts;
}

// The end of a call to another node (the caller waits in it): the answer,
// the give-up at the deadline, or another wait. `out` gets the pid; with
// `opts` (a monitored spawn) the monitor's reference goes to opts + 16.
Trap remote_wait(HostCall& call, Process* p, RemoteHub* hub, const Buffer& out, const Buffer* opts) {
  const bool late = now_ns() >= p->wait_deadline();
  RemoteResult r;
  const bool done = hub->call_result(p->pid(), late, r);
  // The wake-up messages (sent before the answer was visible): gone, and
  // the inbox drained, so the wait does not spin on unrelated mail.
  p->drop_messages(kTagCallDone, p->pid());
  if (!done && !late) return Trap::Yield;
  p->finish_wait();
  if (!done) {
    call.set_i32(0, kLvmTimedOut);
    return Trap::None;
  }
  if (r.status == RemoteStatus::Ok) {
    std::memcpy(out.data, &r.pid, 8);
    if (r.monitor_ref) {
      p->scheduler().note_remote_monitor(*p, r.monitor_ref, r.pid);
      if (opts) std::memcpy(opts->data + 16, &r.monitor_ref, 8);
    }
  }
  call.set_i32(0, remote_status(r.status));
  return Trap::None;
}

// The node functions (docs/distribution.md): they work on any VM; without
// `lvm run --name` the node is "nonode@nohost", as in Erlang.
void add_node_functions(std::vector<HostFunction>& fns) {
  constexpr ValType I = ValType::I32, L = ValType::I64;
  // node_self(buf, cap) -> length of this node's name (0: not distributed)
  add_process_fn(fns, "node_self", {I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer buf;
    if (!buffer(call, "node_self", "buffer", call.u32(0), call.u32(1), buf, trap, true)) return trap;
    RemoteHub* hub = p->scheduler().remote();
    call.set_i32(0, hub ? copy_out(buf, hub->node_name()) : 0);
    return Trap::None;
  });
  // pid_node(pid, buf, cap) -> length of the name of the pid's node, or -LVM_ENOPROC
  add_process_fn(fns, "pid_node", {L, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer buf;
    if (!buffer(call, "pid_node", "buffer", call.u32(1), call.u32(2), buf, trap, true)) return trap;
    RemoteHub* hub = p->scheduler().remote();
    const Pid pid = Pid(call.i64(0));
    std::string node = hub ? hub->pid_node(pid) : is_remote_pid(pid) ? std::string() : std::string(dist::kNoNode);
    call.set_i32(0, node.empty() ? -kLvmNoProc : copy_out(buf, node));
    return Trap::None;
  });
  // send_named(node, node_len, name, name_len, tag, data, len) -> status
  add_process_fn(fns, "send_named", {I, I, I, I, L, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer node, name, msg;
    if (!buffer(call, "send_named", "node name", call.u32(0), call.u32(1), node, trap)) return trap;
    if (!buffer(call, "send_named", "name", call.u32(2), call.u32(3), name, trap)) return trap;
    if (!buffer(call, "send_named", "message", call.u32(5), call.u32(6), msg, trap)) return trap;
    const int64_t tag = call.i64(4);
    if (reserved_tag(tag) || name.size == 0 || name.size > kMaxNameBytes || node.size > kMaxNameBytes) {
      call.set_i32(0, kLvmInvalid);
      return Trap::None;
    }
    RemoteHub* hub = p->scheduler().remote();
    const std::string_view n = text(node);
    if (!hub && !n.empty() && n != dist::kNoNode) {
      call.set_i32(0, kLvmNoNode);
      return Trap::None;
    }
    if (n.empty() || (hub ? n == hub->node_name() : true)) {
      const Pid to = p->scheduler().whereis(std::string(text(name)));
      call.set_i32(0, to && p->scheduler().send(p->pid(), to, tag, {msg.data, msg.size}) ? kLvmOk : kLvmNotFound);
      return Trap::None;
    }
    if (n.find('@') == std::string_view::npos) {
      call.set_i32(0, kLvmNoNode);
      return Trap::None;
    }
    hub->send_named(p->pid(), n, text(name), tag, {msg.data, msg.size});
    call.set_i32(0, kLvmOk);
    return Trap::None;
  });
  // monitor_node(node, len, on) -> status
  add_process_fn(fns, "monitor_node", {I, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer node;
    if (!buffer(call, "monitor_node", "node name", call.u32(0), call.u32(1), node, trap)) return trap;
    RemoteHub* hub = p->scheduler().remote();
    call.set_i32(0, hub && hub->monitor_node(p->pid(), text(node), call.i32(2) != 0) ? kLvmOk : kLvmNoNode);
    return Trap::None;
  });
  // pid_encode(pid, buf, cap) -> length of the pid's portable bytes
  add_process_fn(fns, "pid_encode", {L, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer buf;
    if (!buffer(call, "pid_encode", "buffer", call.u32(1), call.u32(2), buf, trap, true)) return trap;
    RemoteHub* hub = p->scheduler().remote();
    const Pid pid = Pid(call.i64(0));
    std::vector<uint8_t> bytes = hub ? hub->encode_pid(pid) : dist::encode_local_pid(dist::kNoNode, 0, pid);
    std::memcpy(buf.data, bytes.data(), std::min<size_t>(bytes.size(), buf.size));
    call.set_i32(0, int32_t(bytes.size()));
    return Trap::None;
  });
  // pid_decode(buf, len, pid_out) -> status
  add_process_fn(fns, "pid_decode", {I, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer buf, out;
    if (!buffer(call, "pid_decode", "bytes", call.u32(0), call.u32(1), buf, trap)) return trap;
    if (!buffer(call, "pid_decode", "pid output", call.u32(2), 8, out, trap, true)) return trap;
    RemoteHub* hub = p->scheduler().remote();
    const Pid pid = hub ? hub->decode_pid({buf.data, buf.size})
                        : dist::decode_local_pid(dist::kNoNode, 0, {buf.data, buf.size});
    std::memcpy(out.data, &pid, 8);
    call.set_i32(0, pid ? kLvmOk : kLvmInvalid);
    return Trap::None;
  });
  // spawn_remote(node, node_len, fn, args, len, opts, pid_out) -> status;
  // opts: lvm_spawn_opts or 0. The caller waits for the node's answer.
  add_process_fn(fns, "spawn_remote", {I, I, I, I, I, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer node, args, out, raw;
    if (!buffer(call, "spawn_remote", "node name", call.u32(0), call.u32(1), node, trap)) return trap;
    if (!buffer(call, "spawn_remote", "argument bytes", call.u32(3), call.u32(4), args, trap)) return trap;
    const bool has_opts = call.u32(5) != 0;
    if (has_opts && !buffer(call, "spawn_remote", "options", call.u32(5), 24, raw, trap, true)) return trap;
    if (!buffer(call, "spawn_remote", "pid output", call.u32(6), 8, out, trap, true)) return trap;
    RemoteHub* hub = p->scheduler().remote();
    if (p->waiting()) return remote_wait(call, p, hub, out, has_opts ? &raw : nullptr);
    const GuestSpawnOpts o = has_opts ? read_spawn_opts(raw) : GuestSpawnOpts{};
    if (!o.valid() || node.size > kMaxNameBytes) {
      call.set_i32(0, kLvmInvalid);
      return Trap::None;
    }
    if (!p->limits().may_spawn) {
      call.set_i32(0, kLvmNotPermitted);
      return Trap::None;
    }
    const FuncInst* f = table_function(call.caller(), call.u32(2));
    if (!f) {
      call.set_i32(0, kLvmNoEntry);
      return Trap::None;
    }
    uint64_t ref = 0;
    SpawnOptions opts = child_options(*p, o, &ref);
    const std::string_view n = text(node);
    if (n.empty() || (hub && n == hub->node_name()) || (!hub && n == dist::kNoNode)) {
      // This node: a local spawn.
      Trap t = do_spawn(call, "spawn_remote", *p, p->image(), f->index, call.u32(3), call.u32(4), call.u32(6), &opts);
      if (t == Trap::None && opts.monitor && has_opts) std::memcpy(raw.data + 16, &ref, 8);
      return t;
    }
    if (!hub || n.find('@') == std::string_view::npos) {
      call.set_i32(0, kLvmNoNode);
      return Trap::None;
    }
    RemoteSpawn req;
    req.node = n;
    req.image = p->image();
    req.func = f->index;
    req.args = {args.data, args.size};
    req.link = opts.link;
    req.monitor = opts.monitor;
    req.no_spawn = !opts.limits.may_spawn;
    const uint64_t max_pages = opts.limits.max_memory_pages;
    req.max_memory_pages = max_pages < kMaxMemoryPages ? uint32_t(max_pages) : 0;
    req.max_reductions = uint64_t(opts.limits.max_reductions);
    call.consume_reductions(kSpawnReductions);
    RemoteResult r;
    if (!hub->spawn_remote(p->pid(), req, r)) {
      call.set_i32(0, remote_status(r.status));
      return Trap::None;
    }
    p->begin_wait(now_ns() + kRemoteCallTimeoutNs, true);
    return Trap::Yield;
  });
  // whereis_remote(node, node_len, name, name_len, pid_out) -> status
  add_process_fn(fns, "whereis_remote", {I, I, I, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer node, name, out;
    if (!buffer(call, "whereis_remote", "node name", call.u32(0), call.u32(1), node, trap)) return trap;
    if (!buffer(call, "whereis_remote", "name", call.u32(2), call.u32(3), name, trap)) return trap;
    if (!buffer(call, "whereis_remote", "pid output", call.u32(4), 8, out, trap, true)) return trap;
    RemoteHub* hub = p->scheduler().remote();
    if (p->waiting()) return remote_wait(call, p, hub, out, nullptr);
    if (name.size == 0 || name.size > kMaxNameBytes || node.size > kMaxNameBytes) {
      call.set_i32(0, kLvmInvalid);
      return Trap::None;
    }
    const std::string_view n = text(node);
    if (n.empty() || (hub && n == hub->node_name()) || (!hub && n == dist::kNoNode)) {
      const Pid pid = p->scheduler().whereis(std::string(text(name)));
      if (pid) std::memcpy(out.data, &pid, 8);
      call.set_i32(0, pid ? kLvmOk : kLvmNotFound);
      return Trap::None;
    }
    RemoteResult r;
    if (!hub || n.find('@') == std::string_view::npos || !hub->whereis_remote(p->pid(), n, text(name), r)) {
      call.set_i32(0, hub ? remote_status(r.status) : kLvmNoNode);
      return Trap::None;
    }
    p->begin_wait(now_ns() + kRemoteCallTimeoutNs, true);
    return Trap::Yield;
  });
}

}  // namespace

std::vector<HostFunction> lvm_functions(std::shared_ptr<LvmAbiContext> ctx) {
  constexpr ValType I = ValType::I32, L = ValType::I64;
  std::vector<HostFunction> fns;

  add_process_fn(fns, "self", {}, {L}, [](HostCall& call, Process* p) {
    call.set_i64(0, int64_t(p->pid()));
    return Trap::None;
  });

  add_process_fn(fns, "spawn", {I, I, I, I}, {I}, [](HostCall& call, Process* p) {
    const FuncInst* f = table_function(call.caller(), call.u32(0));
    if (!f) {
      call.set_i32(0, kLvmNoEntry);
      return Trap::None;
    }
    return do_spawn(call, "spawn", *p, p->image(), f->index, call.u32(1), call.u32(2), call.u32(3));
  });

  // spawn_opt(fn, args, len, opts, pid_out) -> status; opts: lvm_spawn_opts
  add_process_fn(fns, "spawn_opt", {I, I, I, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer raw;
    if (!buffer(call, "spawn_opt", "options", call.u32(3), 24, raw, trap, true)) return trap;
    const GuestSpawnOpts o = read_spawn_opts(raw);
    if (!o.valid()) {
      call.set_i32(0, kLvmInvalid);
      return Trap::None;
    }
    const FuncInst* f = table_function(call.caller(), call.u32(0));
    if (!f) {
      call.set_i32(0, kLvmNoEntry);
      return Trap::None;
    }
    uint64_t ref = 0;
    SpawnOptions opts = child_options(*p, o, &ref);
    Trap t = do_spawn(call, "spawn_opt", *p, p->image(), f->index, call.u32(1), call.u32(2), call.u32(4), &opts);
    if (t == Trap::None && opts.monitor) std::memcpy(raw.data + 16, &ref, 8);
    return t;
  });

  add_process_fn(fns, "spawn_export", {I, I, I, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer name;
    if (!buffer(call, "spawn_export", "name", call.u32(0), call.u32(1), name, trap)) return trap;
    const uint32_t func = export_func(call.caller().module(), {reinterpret_cast<char*>(name.data), name.size});
    if (func == UINT32_MAX) {
      call.set_i32(0, kLvmNoEntry);
      return Trap::None;
    }
    return do_spawn(call, "spawn_export", *p, p->image(), func, call.u32(2), call.u32(3), call.u32(4));
  });

  add_process_fn(fns, "module_compile", {I, I, I}, {I}, [ctx](HostCall& call, Process*) {
    Trap trap = Trap::None;
    Buffer bytes, out;
    if (!buffer(call, "module_compile", "module bytes", call.u32(0), call.u32(1), bytes, trap)) return trap;
    if (!buffer(call, "module_compile", "handle output", call.u32(2), 4, out, trap, true)) return trap;
    auto module = load_module(std::span<const uint8_t>(bytes.data, bytes.size), ctx->load_options());
    if (!module) {
      call.set_i32(0, kLvmBadModule);
      return Trap::None;
    }
    auto image = ModuleImage::build(*module, ctx->resolver());
    if (std::holds_alternative<InstantiateError>(image)) {
      call.set_i32(0, kLvmBadModule);
      return Trap::None;
    }
    const int32_t handle = ctx->add_module(std::get<std::shared_ptr<const ModuleImage>>(std::move(image)));
    std::memcpy(out.data, &handle, 4);
    call.set_i32(0, kLvmOk);
    return Trap::None;
  });

  add_process_fn(fns, "spawn_module", {I, I, I, I, I, I}, {I}, [ctx](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer name;
    if (!buffer(call, "spawn_module", "name", call.u32(1), call.u32(2), name, trap)) return trap;
    auto image = ctx->module(call.i32(0));
    if (!image) {
      call.set_i32(0, kLvmInvalid);
      return Trap::None;
    }
    const uint32_t func = export_func(image->module(), {reinterpret_cast<char*>(name.data), name.size});
    if (func == UINT32_MAX) {
      call.set_i32(0, kLvmNoEntry);
      return Trap::None;
    }
    return do_spawn(call, "spawn_module", *p, image, func, call.u32(3), call.u32(4), call.u32(5));
  });

  add_process_fn(fns, "args", {I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer buf;
    if (!buffer(call, "args", "buffer", call.u32(0), call.u32(1), buf, trap, true)) return trap;
    auto args = p->args();
    std::memcpy(buf.data, args.data(), std::min<size_t>(args.size(), buf.size));
    call.set_i32(0, int32_t(args.size()));
    return Trap::None;
  });

  add_process_fn(fns, "send", {L, L, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer msg;
    if (!buffer(call, "send", "message", call.u32(2), call.u32(3), msg, trap)) return trap;
    if (reserved_tag(call.i64(1))) {
      call.set_i32(0, kLvmInvalid);
      return Trap::None;
    }
    const bool ok = p->scheduler().send(p->pid(), Pid(call.i64(0)), call.i64(1), {msg.data, msg.size});
    call.set_i32(0, ok ? kLvmOk : kLvmNoProc);
    return Trap::None;
  });

  // receive(tags, ntags, timeout_ns, buf, cap, info) -> status
  add_process_fn(fns, "receive", {I, I, L, I, I, I}, {I}, [](HostCall& call, Process* p) {
    const uint32_t ntags = call.u32(1);
    if (ntags) [[unlikely]]
      return receive_tagged(call, p, ntags);
    Trap trap = Trap::None;
    if (!call.check(call.u32(0), 0)) [[unlikely]]
      return out_of_bounds(call, "receive", "tag array", call.u32(0), 0);
    if (!receive_buffers_ok(call, trap)) return trap;
    return receive_into(call, p, p->take_message({}), call.u32(3), call.u32(4), call.u32(5));
  });

  // message_read(offset, buf, cap) -> bytes copied, or -status
  add_process_fn(fns, "message_read", {I, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer buf;
    if (!buffer(call, "message_read", "buffer", call.u32(1), call.u32(2), buf, trap, true)) return trap;
    const Message* m = p->current_message();
    if (!m) {
      call.set_i32(0, -kLvmNoMessage);
      return Trap::None;
    }
    const uint32_t offset = std::min(call.u32(0), m->size);
    const uint32_t n = std::min(m->size - offset, buf.size);
    std::memcpy(buf.data, const_cast<Message*>(m)->bytes() + offset, n);
    call.set_i32(0, int32_t(n));
    return Trap::None;
  });

  add_process_fn(fns, "sleep", {L}, {}, [](HostCall& call, Process* p) {
    if (!p->waiting()) {
      const int64_t ns = call.i64(0);
      if (ns <= 0) return Trap::None;
      p->begin_wait(now_ns() + uint64_t(ns), false);
      return Trap::Yield;
    }
    if (now_ns() >= p->wait_deadline()) {
      p->finish_wait();
      return Trap::None;
    }
    return Trap::Yield;
  });

  add_process_fn(fns, "yield", {}, {}, [](HostCall&, Process* p) {
    return p->take_yield() ? Trap::Yield : Trap::None;
  });

  add(fns, "exit", {I}, {}, [](HostCall& call) { return call.exit(call.i32(0)); });

  // trap(text, len): ends the caller with a trap whose reason is the text
  // (at most kMaxTrapTextBytes of it), e.g. a Rust panic's message.
  add(fns, "trap", {I, I}, {}, [](HostCall& call) {
    Trap trap = Trap::None;
    Buffer text;
    const uint32_t len = std::min(call.u32(1), kMaxTrapTextBytes);
    if (!buffer(call, "trap", "text", call.u32(0), len, text, trap)) return trap;
    return call.trap(std::string(reinterpret_cast<const char*>(text.data), text.size));
  });

  add_process_fn(fns, "kill", {L}, {I}, [](HostCall& call, Process* p) {
    const Pid target = Pid(call.i64(0));
    if (target == p->pid()) return Trap::Killed;
    if (is_remote_pid(target)) {
      RemoteHub* hub = p->scheduler().remote();
      call.set_i32(0, hub && hub->kill(p->pid(), target) ? kLvmOk : kLvmNoProc);
      return Trap::None;
    }
    call.set_i32(0, p->scheduler().kill(target) ? kLvmOk : kLvmNoProc);
    return Trap::None;
  });

  add_process_fn(fns, "link", {L}, {I}, [](HostCall& call, Process* p) {
    call.set_i32(0, p->scheduler().link(*p, Pid(call.i64(0))) ? kLvmOk : kLvmNoProc);
    return Trap::None;
  });

  add_process_fn(fns, "unlink", {L}, {I}, [](HostCall& call, Process* p) {
    p->scheduler().unlink(*p, Pid(call.i64(0)));
    call.set_i32(0, kLvmOk);
    return Trap::None;
  });

  // monitor(pid, ref_out) -> LVM_OK (a DOWN message comes, at once if pid is not alive)
  add_process_fn(fns, "monitor", {L, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer out;
    if (!buffer(call, "monitor", "reference output", call.u32(1), 8, out, trap, true)) return trap;
    const uint64_t ref = p->scheduler().monitor(*p, Pid(call.i64(0)));
    std::memcpy(out.data, &ref, 8);
    call.set_i32(0, kLvmOk);
    return Trap::None;
  });

  add_process_fn(fns, "demonitor", {L}, {I}, [](HostCall& call, Process* p) {
    call.set_i32(0, p->scheduler().demonitor(*p, uint64_t(call.i64(0))) ? kLvmOk : kLvmNotFound);
    return Trap::None;
  });

  add_process_fn(fns, "trap_exit", {I}, {I}, [](HostCall& call, Process* p) {
    call.set_i32(0, p->trap_exit() ? 1 : 0);
    p->set_trap_exit(call.i32(0) != 0);
    return Trap::None;
  });

  // register(name, len) -> status
  add_process_fn(fns, "register", {I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer name;
    if (!buffer(call, "register", "name", call.u32(0), call.u32(1), name, trap)) return trap;
    if (name.size == 0 || name.size > kMaxNameBytes) {
      call.set_i32(0, kLvmInvalid);
      return Trap::None;
    }
    const auto r = p->scheduler().register_name(*p, std::string(reinterpret_cast<char*>(name.data), name.size));
    call.set_i32(0, r == Scheduler::NameStatus::Ok ? kLvmOk : kLvmExists);
    return Trap::None;
  });

  add_process_fn(fns, "unregister", {I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer name;
    if (!buffer(call, "unregister", "name", call.u32(0), call.u32(1), name, trap)) return trap;
    const bool ok = p->scheduler().unregister_name(std::string(reinterpret_cast<char*>(name.data), name.size));
    call.set_i32(0, ok ? kLvmOk : kLvmNotFound);
    return Trap::None;
  });

  // whereis(name, len, pid_out) -> status
  add_process_fn(fns, "whereis", {I, I, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer name, out;
    if (!buffer(call, "whereis", "name", call.u32(0), call.u32(1), name, trap)) return trap;
    if (!buffer(call, "whereis", "pid output", call.u32(2), 8, out, trap, true)) return trap;
    const Pid pid = p->scheduler().whereis(std::string(reinterpret_cast<char*>(name.data), name.size));
    std::memcpy(out.data, &pid, 8);
    call.set_i32(0, pid ? kLvmOk : kLvmNotFound);
    return Trap::None;
  });

  // send_after(pid, tag, buf, len, delay_ns, ref_out) -> status
  add_process_fn(fns, "send_after", {L, L, I, I, L, I}, {I}, [](HostCall& call, Process* p) {
    Trap trap = Trap::None;
    Buffer msg, out;
    if (!buffer(call, "send_after", "message", call.u32(2), call.u32(3), msg, trap)) return trap;
    if (!buffer(call, "send_after", "reference output", call.u32(5), 8, out, trap, true)) return trap;
    if (reserved_tag(call.i64(1)) || call.i64(4) < 0) {
      call.set_i32(0, kLvmInvalid);
      return Trap::None;
    }
    const uint64_t ref =
        p->scheduler().send_after(p->pid(), Pid(call.i64(0)), call.i64(1), {msg.data, msg.size}, uint64_t(call.i64(4)));
    std::memcpy(out.data, &ref, 8);
    call.set_i32(0, kLvmOk);
    return Trap::None;
  });

  add_process_fn(fns, "cancel_timer", {L}, {I}, [](HostCall& call, Process* p) {
    call.set_i32(0, p->scheduler().cancel_timer(uint64_t(call.i64(0))) ? kLvmOk : kLvmNotFound);
    return Trap::None;
  });

  add_node_functions(fns);
  return fns;
}

}  // namespace lvm
