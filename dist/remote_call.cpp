// Calls that wait for another node's answer (docs/distribution.md, "Remote
// spawn" and "Names across nodes"), both sides of each:
//
// - remote spawn: a REG_SEND to the node's `$lvm_spawn` with
//   {spawn, Id, Hash, Size, Entry, Args, Flags, MaxPages, MaxReductions,
//   MonitorRef | undefined, Module | undefined}. The module is named by its
//   SHA-256 and sent only when the node answers need_module (it caches
//   what it receives), so it travels once, not per spawn. The answer is a
//   SEND to the caller node's system pid: {spawn_reply, Id, Status, Pid}.
// - whereis on another node: an rpc of erlang:whereis/1 through the node's
//   `rex` ({'$gen_call', {From, Ref}, {call, erlang, whereis, [Name],
//   user}}), which Erlang nodes answer too, and lvm nodes answer here.
//
// The caller waits in its host call (host-api/lvm), woken by a
// kTagCallDone message; the call ends with the answer, when the
// connection is lost (NoNode) or when the caller gives up (TimedOut).
#include <cstdio>
#include <cstring>

#include "dist/control.h"
#include "dist/node.h"
#include "vm/module_image.h"

namespace lvm::dist {

namespace {
// The third word of the references of this node's rpc calls.
constexpr uint32_t kCallMark = 0x63616c6c;  // "call"
// Modules that came for remote spawns, kept at most (the oldest goes).
constexpr size_t kModuleCacheSize = 64;
constexpr std::string_view kNeedModule = "need_module";
// Flags of a spawn request.
constexpr int64_t kWireLink = 1, kWireMonitor = 2, kWireNoSpawn = 4;

struct StatusName {
  RemoteStatus status;
  std::string_view atom;
};
constexpr StatusName kStatusNames[] = {
    {RemoteStatus::Ok, "ok"},           {RemoteStatus::Refused, "refused"},
    {RemoteStatus::TooLarge, "too_large"}, {RemoteStatus::BadModule, "bad_module"},
    {RemoteStatus::NoEntry, "no_entry"}, {RemoteStatus::Limit, "limit"},
};

std::string_view status_atom(RemoteStatus s) {
  for (const auto& n : kStatusNames)
    if (n.status == s) return n.atom;
  return "limit";
}

std::string hex8(const Sha256& h) {
  char buf[17];
  for (int k = 0; k < 8; ++k) std::snprintf(buf + 2 * k, 3, "%02x", h[size_t(k)]);
  return buf;
}
}  // namespace

// ---- modules ----

Sha256 Node::module_hash(const std::shared_ptr<const ModuleImage>& image) {
  {
    std::lock_guard lock(modules_mu_);
    auto it = hashes_.find(image.get());
    if (it != hashes_.end() && it->second.first.lock() == image) return it->second.second;
  }
  const Sha256 h = sha256(image->module().bytes);
  std::lock_guard lock(modules_mu_);
  if (hashes_.size() >= 256) std::erase_if(hashes_, [](const auto& e) { return e.second.first.expired(); });
  hashes_[image.get()] = {image, h};
  return h;
}

void Node::add_module(const std::shared_ptr<const ModuleImage>& image) {
  const Sha256 h = module_hash(image);
  std::lock_guard lock(modules_mu_);
  modules_[h] = image;
}

// ---- the calling side ----

Node::Call* Node::start_call(Pid caller, std::string_view node, Call::Kind kind, RemoteResult& out,
                             std::shared_ptr<Connection>& conn) {
  out = {};
  out.status = RemoteStatus::NoNode;
  if (node.size() > 255 || node == name_) return nullptr;
  const uint32_t index = node_of(node);
  conn = connection(index);
  if (!conn || conn->dead.load()) return nullptr;
  Call* call;
  {
    std::lock_guard lock(calls_mu_);
    if (call_of_.count(caller)) return nullptr;  // (one call per process: it waits in it)
    const uint64_t id = ++next_call_;
    call = &calls_[id];  // (unordered_map elements stay put)
    call->kind = kind;
    call->caller = caller;
    call->node = index;
    call->id = id;
    call_of_[caller] = id;
  }
  // A connection lost before the call was listed failed the others
  // without it: fail it here. (One lost after sees it listed.)
  if (conn->dead.load()) {
    std::lock_guard lock(calls_mu_);
    call_of_.erase(caller);
    for (auto it = calls_.begin(); it != calls_.end(); ++it)
      if (&it->second == call) {
        calls_.erase(it);
        break;
      }
    return nullptr;
  }
  return call;
}

void Node::finish_call(Call& call, const RemoteResult& r) {
  call.done = true;
  call.result = r;
  const Pid caller = call.caller;
  if (!call.abandoned && sched_.send(caller, caller, kTagCallDone, {reinterpret_cast<const uint8_t*>(&caller), 8}))
    return;
  // Nobody waits for it (the caller ended, or gave up): forget it.
  if (!call.abandoned) call_of_.erase(caller);
  calls_.erase(call.id);
}

void Node::fail_calls(uint32_t node) {
  std::lock_guard lock(calls_mu_);
  std::vector<uint64_t> ids;
  for (auto& [id, call] : calls_)
    if (call.node == node && !call.done) ids.push_back(id);
  RemoteResult lost;
  lost.status = RemoteStatus::NoNode;
  for (uint64_t id : ids) finish_call(calls_.at(id), lost);
}

bool Node::call_result(Pid caller, bool abandon, RemoteResult& out) {
  std::lock_guard lock(calls_mu_);
  auto it = call_of_.find(caller);
  if (it == call_of_.end()) {
    out = {};
    out.status = RemoteStatus::NoNode;
    return true;
  }
  Call& call = calls_.at(it->second);
  if (call.done) {
    out = call.result;
    calls_.erase(call.id);
    call_of_.erase(it);
    return true;
  }
  if (!abandon) return false;
  // Given up: a late answer is dropped (and a child spawned linked is
  // told to exit); the caller may make another call.
  call_of_.erase(it);
  call.abandoned = true;
  return false;
}

void Node::send_spawn_request(Connection& c, const Call& call, bool with_module) {
  const std::vector<uint8_t>& bytes = call.image->module().bytes;
  std::vector<uint8_t> f = begin_frame();
  f.reserve(f.size() + 256 + call.args.size() + (with_module ? bytes.size() : 0));
  EtfWriter w(f);
  w.version();
  w.tuple(4);  // {REG_SEND, FromPid, Unused, '$lvm_spawn'}
  w.integer(kDopRegSend);
  write_pid(w, call.caller);
  w.atom("");
  w.atom(kSpawnServiceName);
  w.version();
  w.tuple(11);
  w.atom("spawn");
  w.integer(int64_t(call.id));
  w.binary(call.hash);
  w.integer(int64_t(bytes.size()));
  w.integer(call.func);
  w.binary(call.args);
  w.integer((call.link ? kWireLink : 0) | (call.monitor ? kWireMonitor : 0) | (call.no_spawn ? kWireNoSpawn : 0));
  w.integer(call.max_memory_pages);
  w.integer(int64_t(std::min<uint64_t>(call.max_reductions, INT64_MAX)));
  if (call.monitor) {
    const uint32_t ids[3] = {uint32_t(call.monitor_ref), uint32_t(call.monitor_ref >> 32), kRefMark};
    w.ref(name_, creation_, ids);
  } else {
    w.atom("undefined");
  }
  if (with_module) w.binary(bytes);
  else w.atom("undefined");
  end_frame(f);
  send_frame(c, f);
}

bool Node::spawn_remote(Pid caller, const RemoteSpawn& req, RemoteResult& out) {
  if (req.image->module().bytes.size() > kMaxRemoteModuleLimit) {
    out = {};
    out.status = RemoteStatus::TooLarge;
    return false;
  }
  const Sha256 hash = module_hash(req.image);
  std::shared_ptr<Connection> c;
  Call* call = start_call(caller, req.node, Call::Kind::Spawn, out, c);
  if (!call) return false;
  Call copy;
  {
    std::lock_guard lock(calls_mu_);
    call->image = req.image;
    call->hash = hash;
    call->func = req.func;
    call->args.assign(req.args.begin(), req.args.end());
    call->link = req.link;
    call->monitor = req.monitor;
    call->no_spawn = req.no_spawn;
    call->max_memory_pages = req.max_memory_pages;
    call->max_reductions = req.max_reductions;
    if (req.monitor) call->monitor_ref = sched_.new_ref();
    copy = *call;
  }
  send_spawn_request(*c, copy, false);
  return true;
}

bool Node::whereis_remote(Pid caller, std::string_view node, std::string_view name, RemoteResult& out) {
  std::shared_ptr<Connection> c;
  Call* call = start_call(caller, node, Call::Kind::Whereis, out, c);
  if (!call) return false;
  uint64_t id;
  {
    std::lock_guard lock(calls_mu_);
    id = call->id;
  }
  std::vector<uint8_t> f = begin_frame();
  EtfWriter w(f);
  w.version();
  w.tuple(4);  // {REG_SEND, FromPid, Unused, rex}
  w.integer(kDopRegSend);
  write_system_pid(w);
  w.atom("");
  w.atom("rex");
  w.version();
  w.tuple(3);  // {'$gen_call', {From, Ref}, {call, erlang, whereis, [Name], user}}
  w.atom("$gen_call");
  w.tuple(2);
  write_system_pid(w);
  const uint32_t ids[3] = {uint32_t(id), uint32_t(id >> 32), kCallMark};
  w.ref(name_, creation_, ids);
  w.tuple(5);
  w.atom("call");
  w.atom("erlang");
  w.atom("whereis");
  w.list(1);
  w.atom(name);
  w.nil();
  w.atom("user");  // the group leader: the called node's own (rpc.erl allows `user`)
  end_frame(f);
  send_frame(*c, f);
  return true;
}

bool Node::call_answer(Connection& c, std::span<const uint8_t> term, std::string& why) {
  EtfReader r(term);
  r.version();
  uint32_t arity = 0;
  if (r.peek() != kSmallTuple || !r.tuple(arity)) return true;  // (not an answer: ignored)
  const uint8_t first = r.peek();
  if (arity == 2 && (first == kNewerReference || first == kNewReference)) {
    // {Ref, Result}: an rpc's answer.
    WireRef ref;
    if (!r.ref(ref)) return true;
    if (ref.node != name_ || ref.len != 3 || ref.ids[2] != kCallMark) return true;
    const uint64_t id = uint64_t(ref.ids[0]) | uint64_t(ref.ids[1]) << 32;
    RemoteResult res;
    res.status = RemoteStatus::NoNode;  // {badrpc, _} and anything else
    std::string_view a;
    WirePid pid;
    if (r.peek() == kNewPid || r.peek() == kPid) {
      if (r.pid(pid)) {
        res.pid = from_wire(pid);
        res.status = res.pid ? RemoteStatus::Ok : RemoteStatus::NotFound;
      }
    } else if ((r.peek() == kSmallAtomUtf8 || r.peek() == kAtomUtf8 || r.peek() == kSmallAtom || r.peek() == kAtom) &&
               r.atom(a) && a == "undefined") {
      res.status = RemoteStatus::NotFound;
    }
    std::lock_guard lock(calls_mu_);
    auto it = calls_.find(id);
    if (it == calls_.end() || it->second.done || it->second.kind != Call::Kind::Whereis ||
        it->second.node != c.node)
      return true;
    if (it->second.abandoned) {
      calls_.erase(it);
      return true;
    }
    finish_call(it->second, res);
    return true;
  }
  std::string_view tag, status;
  int64_t id = 0;
  if (arity != 4 || !r.atom(tag) || tag != "spawn_reply") return true;
  WirePid child_wire;
  bool has_pid = false;
  if (!r.integer(id) || !r.atom(status)) {
    why = "a malformed spawn_reply: " + r.why();
    return false;
  }
  if (r.peek() == kNewPid || r.peek() == kPid) {
    if (!r.pid(child_wire)) {
      why = "a malformed spawn_reply: " + r.why();
      return false;
    }
    has_pid = true;
  } else if (!r.skip()) {
    why = "a malformed spawn_reply: " + r.why();
    return false;
  }
  if (r.left() != 0) {
    why = "a malformed spawn_reply: " + std::to_string(r.left()) + " bytes after it";
    return false;
  }
  RemoteResult res;
  res.status = RemoteStatus::Limit;
  for (const auto& n : kStatusNames)
    if (n.atom == status) res.status = n.status;
  std::lock_guard lock(calls_mu_);
  auto it = calls_.find(uint64_t(id));
  if (it == calls_.end() || it->second.done || it->second.kind != Call::Kind::Spawn || it->second.node != c.node)
    return true;
  Call& call = it->second;
  if (status == kNeedModule) {
    if (call.module_sent || call.abandoned) {
      res.status = RemoteStatus::BadModule;  // (it asked twice: it cannot keep it)
    } else {
      call.module_sent = true;
      send_spawn_request(c, call, true);
      return true;
    }
  }
  const Pid child = res.status == RemoteStatus::Ok && has_pid && child_wire.node == c.peer ? from_wire(child_wire) : 0;
  if (res.status == RemoteStatus::Ok && !child) {
    why = "a spawn_reply ok without a pid of " + c.peer;
    return false;
  }
  if (child) {
    res.pid = child;
    // Links and monitors before any later frame of this connection (an
    // EXIT or DOWN of the child) is read: atomic, as a local spawn.
    const bool caller_gone = call.abandoned;
    if (call.link) {
      bool linked = false;
      if (!caller_gone) {
        std::lock_guard sig(c.sig->mu);
        linked = sched_.add_remote_link(call.caller, child);
        if (linked) c.sig->links.emplace(call.caller, child);
      }
      if (!linked) {
        // The caller is gone (or gave up): the child it was linked to ends.
        std::vector<uint8_t> f = begin_frame();
        EtfWriter w(f);
        w.version();
        w.tuple(4);  // {EXIT, FromPid, ToPid, Reason}
        w.integer(kDopExit);
        write_pid(w, call.caller);
        write_pid(w, child);
        w.atom(caller_gone ? "abandoned" : "noproc");
        end_frame(f);
        reply(c, f);
      }
    }
    if (call.monitor && !caller_gone) {
      std::lock_guard sig(c.sig->mu);
      c.sig->monitors[call.monitor_ref] = PeerState::OutMonitor{call.caller, child};
      res.monitor_ref = call.monitor_ref;
    }
  }
  if (call.abandoned) {
    calls_.erase(it);
    return true;
  }
  finish_call(call, res);
  return true;
}

// ---- the called side ----

bool Node::spawn_request(Connection& c, const WirePid& from, std::span<const uint8_t> term, std::string& why) {
  EtfReader r(term);
  r.version();
  uint32_t arity = 0;
  std::string_view tag;
  int64_t id = 0, size = 0, entry = 0, flags = 0, pages = 0, reductions = 0;
  std::span<const uint8_t> hash, args, module;
  bool has_module = false, has_ref = false;
  std::vector<uint8_t> ref_bytes;
  auto malformed = [&](const char* what) {
    why = std::string("a malformed remote spawn request (") + what + ")" + (r.ok() ? "" : ": " + r.why());
    return false;
  };
  if (!r.tuple(arity) || arity != 11 || !r.atom(tag) || tag != "spawn") return malformed("not {spawn, ...} of 11");
  if (!r.integer(id) || !r.binary(hash) || hash.size() != 32 || !r.integer(size) || size < 0 || !r.integer(entry) ||
      entry < 0 || entry > int64_t(UINT32_MAX) || !r.binary(args) || !r.integer(flags) || flags < 0 || flags > 7 ||
      !r.integer(pages) || pages < 0 || pages > int64_t(UINT32_MAX) || !r.integer(reductions) || reductions < 0)
    return malformed("a field of the wrong type or range");
  if (r.peek() == kNewerReference || r.peek() == kNewReference) {
    const uint8_t* start = r.position();
    WireRef ref;
    if (!r.ref(ref)) return malformed("the monitor reference");
    ref_bytes.assign(start, r.position());
    has_ref = true;
  } else {
    std::string_view a;
    if (!r.atom(a)) return malformed("the monitor reference");
  }
  if (r.peek() == kBinary) {
    if (!r.binary(module)) return malformed("the module");
    has_module = true;
  } else {
    std::string_view a;
    if (!r.atom(a)) return malformed("the module");
  }
  if (r.left() != 0) return malformed("bytes after it");
  if ((flags & kWireMonitor) && !has_ref) return malformed("a monitor without a reference");
  const Pid requester = from_wire(from);
  if (!is_remote_pid(requester) || from.node != c.peer) return malformed("not from a process of the peer");

  auto answer = [&](RemoteStatus status, std::string_view atom, Pid child) {
    std::vector<uint8_t> f = begin_frame();
    EtfWriter w(f);
    w.version();
    w.tuple(3);  // {SEND, FromPid, ToPid}: to the requesting node's system pid
    w.integer(kDopSend);
    write_system_pid(w);
    w.pid(from.node, 0, 0, from.creation);
    w.version();
    w.tuple(4);
    w.atom("spawn_reply");
    w.integer(id);
    w.atom(atom.empty() ? status_atom(status) : atom);
    if (child) write_pid(w, child);
    else w.atom("undefined");
    end_frame(f);
    reply(c, f);
  };
  auto refuse = [&](RemoteStatus status, const std::string& reason) {
    if (config_.log)
      std::fprintf(stderr, "lvm: node %s: refused a remote spawn from %s: %s\n", name_.c_str(), c.peer.c_str(),
                   reason.c_str());
    answer(status, {}, 0);
    return true;
  };
  if (!config_.remote_spawn) return refuse(RemoteStatus::Refused, "this node runs with --no-remote-spawn");
  if (uint64_t(size) > config_.max_remote_module)
    return refuse(RemoteStatus::TooLarge, "its module of " + std::to_string(size) + " bytes is beyond --max-remote-module (" +
                                              std::to_string(config_.max_remote_module) + " bytes)");
  Sha256 h;
  std::memcpy(h.data(), hash.data(), 32);
  std::shared_ptr<const ModuleImage> image;
  if (has_module) {
    if (module.size() != uint64_t(size))
      return refuse(RemoteStatus::BadModule, "its module has " + std::to_string(module.size()) + " bytes, not the " +
                                                 std::to_string(size) + " announced");
    if (sha256(module) != h) return refuse(RemoteStatus::BadModule, "the module's bytes do not match its SHA-256");
    std::string error = "no loader";
    if (config_.load_module) image = config_.load_module(module, &error);
    if (!image) return refuse(RemoteStatus::BadModule, "not a valid module: " + error);
    {
      std::lock_guard lock(modules_mu_);
      if (modules_.emplace(h, image).second) {
        module_order_.push_back(h);
        if (module_order_.size() > kModuleCacheSize) {
          modules_.erase(module_order_.front());
          module_order_.pop_front();
        }
      }
    }
    if (config_.log)
      std::fprintf(stderr, "lvm: node %s: module %s (%zu bytes) from %s validated and cached\n", name_.c_str(),
                   hex8(h).c_str(), module.size(), c.peer.c_str());
  } else {
    std::lock_guard lock(modules_mu_);
    auto it = modules_.find(h);
    if (it != modules_.end()) image = it->second;
  }
  if (!image) {
    answer(RemoteStatus::Ok, kNeedModule, 0);
    return true;
  }
  // The child: this node's limits, narrowed by the request's; linked to
  // and monitored by the requester from the start.
  SpawnOptions opts;
  if (pages) opts.limits.max_memory_pages = std::min<uint64_t>(opts.limits.max_memory_pages, uint64_t(pages));
  opts.limits.max_reductions = reductions;
  if (flags & kWireNoSpawn) opts.limits.may_spawn = false;
  if (flags & kWireLink) opts.remote_link = requester;
  uint64_t local_ref = 0;
  if (flags & kWireMonitor) {
    local_ref = sched_.new_ref();
    opts.remote_watcher = requester;
    opts.remote_watch_ref = local_ref;
  }
  // Under the peer's signal lock: the child's EXIT or DOWN (which take it)
  // goes out after the answer and finds its link or monitor listed.
  std::lock_guard sig(c.sig->mu);
  Pid child = 0;
  std::string error;
  const SpawnStatus s = sched_.spawn(image, uint32_t(entry), args, &child, &error, opts);
  if (s != SpawnStatus::Ok) {
    if (config_.log)
      std::fprintf(stderr, "lvm: node %s: a remote spawn from %s failed: %s\n", name_.c_str(), c.peer.c_str(),
                   error.c_str());
    answer(s == SpawnStatus::Limit ? RemoteStatus::Limit : RemoteStatus::NoEntry, {}, 0);
    return true;
  }
  if (flags & kWireLink) c.sig->links.emplace(child, requester);
  if (flags & kWireMonitor) c.sig->watched[local_ref] = PeerState::InMonitor{child, requester, std::move(ref_bytes)};
  answer(RemoteStatus::Ok, {}, child);
  return true;
}

void Node::rex_request(Connection& c, std::span<const uint8_t> term) {
  // {'$gen_call', {From, Tag}, {call, erlang, whereis, [Name], _}}; other
  // calls are answered {badrpc, unsupported}, other terms ignored.
  EtfReader r(term);
  r.version();
  uint32_t arity = 0, n = 0;
  std::string_view a, m, fn, name;
  WirePid from;
  if (!r.tuple(arity) || arity != 3 || !r.atom(a) || a != "$gen_call" || !r.tuple(arity) || arity != 2 ||
      !r.pid(from))
    return;
  const uint8_t* tag_start = r.position();
  if (!r.skip()) return;
  const std::vector<uint8_t> tag(tag_start, r.position());
  Pid found = 0;
  const bool whereis = r.tuple(arity) && arity == 5 && r.atom(a) && a == "call" && r.atom(m) && m == "erlang" &&
                       r.atom(fn) && fn == "whereis" && r.list(n) && n == 1 && r.atom(name) && r.nil();
  if (whereis) found = sched_.whereis(std::string(name));
  std::vector<uint8_t> f = begin_frame();
  EtfWriter w(f);
  w.version();
  w.tuple(3);  // {SEND, FromPid, ToPid} + {Tag, Result}
  w.integer(kDopSend);
  write_system_pid(w);
  w.pid(from.node, from.id, from.serial, from.creation);
  w.version();
  w.tuple(2);
  f.insert(f.end(), tag.begin(), tag.end());
  if (!whereis) {
    w.tuple(2);
    w.atom("badrpc");
    w.atom("unsupported");
  } else if (found) {
    write_pid(w, found);
  } else {
    w.atom("undefined");
  }
  end_frame(f);
  reply(c, f);
}

}  // namespace lvm::dist
