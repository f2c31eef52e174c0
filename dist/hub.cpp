// What the scheduler and the ABI ask of the node (RemoteHub): each call
// encodes one control message (ERTS "Distribution Protocol", "Protocol
// between connected nodes") and queues it on the peer's connection.
#include <cstring>

#include "dist/control.h"
#include "dist/node.h"

namespace lvm::dist {

void Node::message_term(EtfWriter& w, int64_t tag, std::span<const uint8_t> data) {
  // An lvm message is {Tag, Binary} on the Erlang side; an Erlang term
  // that arrived as kTagTerm goes back as the term it was.
  w.version();
  if (tag == kTagTerm && !data.empty() && data[0] == kVersion) {
    EtfReader r(data);
    r.version();
    if (r.skip() && r.left() == 0) {
      w.bytes().insert(w.bytes().end(), data.begin() + 1, data.end());
      return;
    }
  }
  w.tuple(2);
  w.integer(tag);
  w.binary(data);
}

void Node::encode_reason(EtfWriter& w, const ExitReason& r) {
  switch (exit_kind(r)) {
    case ExitKind::Normal: w.atom("normal"); return;
    case ExitKind::Code:
      w.tuple(2);
      w.atom("exit_code");
      w.integer(r.code);
      return;
    case ExitKind::Killed: w.atom("killed"); return;
    case ExitKind::NoProc: w.atom("noproc"); return;
    case ExitKind::NoConnection: w.atom("noconnection"); return;
    case ExitKind::Trap:
      w.tuple(2);
      w.atom("trap");
      w.binary({reinterpret_cast<const uint8_t*>(r.message.data()), r.message.size()});
      return;
  }
}

ExitReason Node::decode_reason(std::span<const uint8_t> term) {
  ExitReason r;
  EtfReader rd(term);
  std::string_view a;
  if (rd.peek() == kSmallAtomUtf8 || rd.peek() == kAtomUtf8 || rd.peek() == kSmallAtom || rd.peek() == kAtom) {
    rd.atom(a);
    if (a == "normal") return r;
    if (a == "killed" || a == "kill") {
      r.trap = Trap::Killed;
      r.message = trap_message(Trap::Killed);
      return r;
    }
    r.trap = Trap::HostError;
    r.message = std::string(a);
    if (a == "noconnection") r.remote_kind = int32_t(ExitKind::NoConnection);
    else if (a == "noproc") r.remote_kind = int32_t(ExitKind::NoProc);
    return r;
  }
  uint32_t arity;
  if (rd.peek() == kSmallTuple && rd.tuple(arity) && arity == 2 && rd.atom(a)) {
    int64_t code;
    std::span<const uint8_t> text;
    if (a == "exit_code" && rd.integer(code) && code >= INT32_MIN && code <= INT32_MAX) {
      r.trap = Trap::Exit;
      r.code = int32_t(code);
      return r;
    }
    if (a == "trap" && rd.binary(text)) {
      r.trap = Trap::HostError;
      r.message.assign(text.begin(), text.end());
      return r;
    }
  }
  r.trap = Trap::HostError;  // any other Erlang reason: a trap with the term's text
  r.message = etf_print(term);
  return r;
}

bool Node::send(Pid from, Pid to, int64_t tag, std::span<const uint8_t> data) {
  RemotePid r;
  if (!remote_pid(to, r)) return false;
  auto c = connection(r.node);
  if (!c) return false;
  std::vector<uint8_t> f = begin_frame();
  f.reserve(f.size() + 96 + data.size());
  EtfWriter w(f);
  // {SEND, FromPid, ToPid}: the second element is unused by Erlang (it was
  // the cookie); lvm nodes read the sender there.
  w.version();
  w.tuple(3);
  w.integer(kDopSend);
  write_pid(w, from);
  write_pid(w, to);
  message_term(w, tag, data);
  end_frame(f);
  send_frame(*c, f);
  return true;
}

bool Node::send_named(Pid from, std::string_view node, std::string_view name, int64_t tag,
                      std::span<const uint8_t> data) {
  if (node.empty() || node == name_) {
    const Pid to = sched_.whereis(std::string(name));
    return to && sched_.send(from, to, tag, data);
  }
  auto c = connection(node_of(node));
  if (!c) return false;
  std::vector<uint8_t> f = begin_frame();
  EtfWriter w(f);
  w.version();
  w.tuple(4);  // {REG_SEND, FromPid, Unused, ToName}
  w.integer(kDopRegSend);
  write_pid(w, from);
  w.atom("");
  w.atom(name);
  message_term(w, tag, data);
  end_frame(f);
  send_frame(*c, f);
  return true;
}

bool Node::kill(Pid from, Pid to) {
  RemotePid r;
  if (!remote_pid(to, r)) return false;
  auto c = connection(r.node);
  if (!c) return false;
  std::vector<uint8_t> f = begin_frame();
  EtfWriter w(f);
  w.version();
  w.tuple(4);  // {EXIT2, FromPid, ToPid, Reason}
  w.integer(kDopExit2);
  write_pid(w, from);
  write_pid(w, to);
  w.atom("kill");
  end_frame(f);
  send_frame(*c, f);
  return true;
}

bool Node::link(Pid local, Pid remote) {
  RemotePid r;
  if (!remote_pid(remote, r)) return false;
  auto c = connection(r.node);
  if (!c || c->dead.load()) return false;
  {
    std::lock_guard lock(c->sig->mu);
    c->sig->links.emplace(local, remote);
  }
  std::vector<uint8_t> f = begin_frame();
  EtfWriter w(f);
  w.version();
  w.tuple(3);  // {LINK, FromPid, ToPid}
  w.integer(kDopLink);
  write_pid(w, local);
  write_pid(w, remote);
  end_frame(f);
  send_frame(*c, f);
  return true;
}

void Node::unlink(Pid local, Pid remote) {
  RemotePid r;
  if (!remote_pid(remote, r)) return;
  auto c = connection(r.node, false);
  if (!c) return;
  uint64_t id;
  {
    std::lock_guard lock(c->sig->mu);
    c->sig->links.erase({local, remote});
    id = ++c->sig->unlink_id;
  }
  std::vector<uint8_t> f = begin_frame();
  EtfWriter w(f);
  w.version();
  w.tuple(4);  // {UNLINK_ID, Id, FromPid, ToPid}
  w.integer(kDopUnlinkId);
  w.integer(int64_t(id));
  write_pid(w, local);
  write_pid(w, remote);
  end_frame(f);
  send_frame(*c, f);
}

bool Node::monitor(Pid watcher, Pid target, uint64_t ref) {
  RemotePid r;
  if (!remote_pid(target, r)) return false;
  auto c = connection(r.node);
  if (!c || c->dead.load()) return false;
  {
    std::lock_guard lock(c->sig->mu);
    c->sig->monitors[ref] = PeerState::OutMonitor{watcher, target};
  }
  std::vector<uint8_t> f = begin_frame();
  EtfWriter w(f);
  w.version();
  w.tuple(4);  // {MONITOR_P, FromPid, ToProc, Ref}
  w.integer(kDopMonitorP);
  write_pid(w, watcher);
  write_pid(w, target);
  const uint32_t ids[3] = {uint32_t(ref), uint32_t(ref >> 32), kRefMark};
  w.ref(name_, creation_, ids);
  end_frame(f);
  send_frame(*c, f);
  return true;
}

void Node::demonitor(Pid watcher, Pid target, uint64_t ref) {
  RemotePid r;
  if (!remote_pid(target, r)) return;
  auto c = connection(r.node, false);
  if (!c) return;
  {
    std::lock_guard lock(c->sig->mu);
    if (!c->sig->monitors.erase(ref)) return;
  }
  std::vector<uint8_t> f = begin_frame();
  EtfWriter w(f);
  w.version();
  w.tuple(4);  // {DEMONITOR_P, FromPid, ToProc, Ref}
  w.integer(kDopDemonitorP);
  write_pid(w, watcher);
  write_pid(w, target);
  const uint32_t ids[3] = {uint32_t(ref), uint32_t(ref >> 32), kRefMark};
  w.ref(name_, creation_, ids);
  end_frame(f);
  send_frame(*c, f);
}

bool Node::our_ref(const WireRef& ref, uint64_t& out) const {
  if (ref.node != name_ || ref.len != 3 || ref.ids[2] != kRefMark) return false;
  out = uint64_t(ref.ids[0]) | uint64_t(ref.ids[1]) << 32;
  return true;
}

void Node::exit_signal(Pid from, Pid to, const ExitReason& reason) {
  RemotePid r;
  if (!remote_pid(to, r)) return;
  auto c = connection(r.node, false);
  if (!c) return;
  {
    std::lock_guard lock(c->sig->mu);
    if (!c->sig->links.erase({from, to})) return;  // unlinked, or the peer ended first
  }
  std::vector<uint8_t> f = begin_frame();
  EtfWriter w(f);
  w.version();
  w.tuple(4);  // {EXIT, FromPid, ToPid, Reason}
  w.integer(kDopExit);
  write_pid(w, from);
  write_pid(w, to);
  encode_reason(w, reason);
  end_frame(f);
  send_frame(*c, f);
}

void Node::down(Pid from, Pid watcher, uint64_t ref, const ExitReason& reason) {
  RemotePid r;
  if (!remote_pid(watcher, r)) return;
  auto c = connection(r.node, false);
  if (!c) return;
  std::vector<uint8_t> wire_ref;
  {
    std::lock_guard lock(c->sig->mu);
    auto it = c->sig->watched.find(ref);
    if (it == c->sig->watched.end()) return;
    wire_ref = std::move(it->second.ref);
    c->sig->watched.erase(it);
  }
  std::vector<uint8_t> f = begin_frame();
  EtfWriter w(f);
  w.version();
  w.tuple(5);  // {MONITOR_P_EXIT, FromProc, ToPid, Ref, Reason}
  w.integer(kDopMonitorPExit);
  write_pid(w, from);
  write_pid(w, watcher);
  f.insert(f.end(), wire_ref.begin(), wire_ref.end());
  encode_reason(w, reason);
  end_frame(f);
  send_frame(*c, f);
}

std::string Node::pid_node(Pid pid) {
  if (!is_remote_pid(pid)) return name_;
  RemotePid r;
  return remote_pid(pid, r) ? node_name_of(r.node) : std::string();
}

std::vector<uint8_t> Node::encode_pid(Pid pid) {
  std::vector<uint8_t> out;
  EtfWriter w(out);
  w.version();
  write_pid(w, pid);
  return out;
}

Pid Node::decode_pid(std::span<const uint8_t> bytes) {
  EtfReader r(bytes);
  WirePid w;
  if (!r.version() || !r.pid(w) || r.left() != 0) return 0;
  return from_wire(w);
}

bool Node::monitor_node(Pid watcher, std::string_view node, bool on) {
  if (node.size() > 255 || node.find('@') == std::string_view::npos) return false;
  const uint32_t index = node_of(node);
  bool up = false;
  {
    std::lock_guard lock(nodes_mu_);
    auto& ws = nodes_[index].watchers;
    std::erase(ws, watcher);
    if (on) ws.push_back(watcher);
    up = nodes_[index].conn && nodes_[index].conn->up.load();
  }
  if (!on || node == name_) return true;
  if (up) {
    sched_.send(watcher, watcher, kTagNodeUp, {reinterpret_cast<const uint8_t*>(node.data()), node.size()});
  } else if (!connection(index)) {
    sched_.send(watcher, watcher, kTagNodeDown, {reinterpret_cast<const uint8_t*>(node.data()), node.size()});
  }
  return true;
}

}  // namespace lvm::dist
