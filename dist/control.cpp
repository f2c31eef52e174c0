// Incoming frames (ERTS "Distribution Protocol"): a frame is the
// pass-through byte 112, a control tuple and, for sends, a message term.
// Everything is checked before it acts: a frame that does not parse, an
// unknown operation or trailing bytes close the connection with the reason
// (node.cpp logs it); the node and its processes go on.
#include <cstring>

#include "dist/control.h"
#include "dist/node.h"

namespace lvm::dist {

Pid Node::sender_pid(Connection& c, const WirePid& w) {
  const uint64_t epoch = pid_epoch_.load(std::memory_order_relaxed);
  if (c.last_sender && w.id == c.last_sender_wire.id && w.serial == c.last_sender_wire.serial &&
      w.creation == c.last_sender_wire.creation && w.node == c.last_sender_node && c.last_sender_epoch == epoch)
    return c.last_sender;
  // A sender of the peer itself: its creation is the peer's current one.
  const Pid p = from_wire(w, w.node == c.peer);
  c.last_sender_node.assign(w.node);
  c.last_sender_wire = w;
  c.last_sender_wire.node = {};
  c.last_sender = p;
  c.last_sender_epoch = pid_epoch_.load(std::memory_order_relaxed);
  return p;
}

Pid Node::local_pid(const WirePid& w) const {
  if (w.node != name_ || w.creation != creation_) return 0;
  const Pid p = Pid(w.serial) << 32 | w.id;
  return is_remote_pid(p) ? 0 : p;
}

void Node::deliver(Pid from, Pid to, std::span<const uint8_t> term) {
  // {Tag, Binary} with an integer tag a guest could send: an lvm message.
  EtfReader r(term);
  r.version();
  uint32_t arity;
  int64_t tag;
  std::span<const uint8_t> bytes;
  if (r.peek() == kSmallTuple && r.tuple(arity) && arity == 2 && r.integer(tag) && !reserved_tag(tag) &&
      r.binary(bytes) && r.left() == 0) {
    sched_.send(from, to, tag, bytes);
    return;
  }
  sched_.send(from, to, kTagTerm, term);  // any other term: its bytes, version byte included
}

void Node::reply(Connection& c, const std::vector<uint8_t>& frame) {
  if (!c.drain.load()) {
    send_frame(c, frame);
  } else if (auto current = connection(c.node, false)) {
    send_frame(*current, frame);
  }
}

bool Node::handle_frame(Connection& c, std::span<const uint8_t> frame, std::string& why) {
  if (frame[0] != 112) {
    why = "a frame without the pass-through byte 112 (it starts with " + std::to_string(frame[0]) + ")";
    return false;
  }
  EtfReader r(frame.subspan(1));
  uint32_t arity = 0;
  int64_t op = 0;
  if (!r.version() || !r.tuple(arity) || arity < 1 || !r.integer(op)) {
    why = "a control message that does not parse: " + (r.ok() ? std::string("an empty tuple") : r.why());
    return false;
  }
  auto bad = [&](const char* what) {
    why = std::string(what) + " (control message " + std::to_string(op) + "): " +
          (r.ok() ? "wrong shape" : r.why());
    return false;
  };
  // The message term after a send's control tuple: one whole term, to the end.
  auto message = [&](std::span<const uint8_t>& term) {
    const uint8_t* start = r.position();
    if (!r.version() || !r.skip()) return false;
    if (r.left() != 0) return r.fail(std::to_string(r.left()) + " bytes after the message");
    term = {start, size_t(r.position() - start)};
    return true;
  };
  auto end = [&] { return r.left() == 0 || r.fail(std::to_string(r.left()) + " bytes after the control message"); };
  WirePid from, to;
  switch (op) {
    case kDopSend:
    case kDopSendTT: {
      // {SEND, Unused, ToPid} (+ TraceToken): an lvm node puts the sender
      // where Erlang puts nothing.
      if (arity != (op == kDopSend ? 3u : 4u)) return bad("SEND of the wrong arity");
      bool has_sender = false;
      if (r.peek() == kNewPid || r.peek() == kPid) {
        if (!r.pid(from)) return bad("SEND");
        has_sender = true;
      } else if (!r.skip()) {
        return bad("SEND");
      }
      if (!r.pid(to) || (op == kDopSendTT && !r.skip())) return bad("SEND");
      std::span<const uint8_t> term;
      if (!message(term)) return bad("SEND's message");
      if (is_system_pid(to)) return call_answer(c, term, why);  // an answer to one of our calls
      if (const Pid dest = local_pid(to)) deliver(has_sender ? sender_pid(c, from) : 0, dest, term);
      return true;
    }
    case kDopSendSender:
    case kDopSendSenderTT: {
      // {SEND_SENDER, FromPid, ToPid} (+ TraceToken): how Erlang nodes send
      // to us, since the handshake offers DFLAG_SEND_SENDER (handshake.h).
      if (arity != (op == kDopSendSender ? 3u : 4u) || !r.pid(from) || !r.pid(to) ||
          (op == kDopSendSenderTT && !r.skip()))
        return bad("SEND_SENDER");
      std::span<const uint8_t> term;
      if (!message(term)) return bad("SEND_SENDER's message");
      if (is_system_pid(to)) return call_answer(c, term, why);
      if (const Pid dest = local_pid(to)) deliver(sender_pid(c, from), dest, term);
      return true;
    }
    case kDopRegSend:
    case kDopRegSendTT: {
      std::string_view name;
      if (arity != (op == kDopRegSend ? 4u : 5u) || !r.pid(from) || !r.skip() || !r.atom(name) ||
          (op == kDopRegSendTT && !r.skip()))
        return bad("REG_SEND");
      std::span<const uint8_t> term;
      if (!message(term)) return bad("REG_SEND's message");
      if (name == kSpawnServiceName) return spawn_request(c, from, term, why);
      if (name == "rex") {
        rex_request(c, term);
        return true;
      }
      if (const Pid dest = sched_.whereis(std::string(name))) deliver(sender_pid(c, from), dest, term);
      return true;
    }
    case kDopLink: {
      if (arity != 3 || !r.pid(from) || !r.pid(to) || !end()) return bad("LINK");
      const Pid remote = from_wire(from), local = local_pid(to);
      if (local && sched_.add_remote_link(local, remote)) {
        std::lock_guard lock(c.sig->mu);
        c.sig->links.emplace(local, remote);
        return true;
      }
      // Not alive: the linker gets an exit signal with reason noproc.
      std::vector<uint8_t> f = begin_frame();
      EtfWriter w(f);
      w.version();
      w.tuple(4);
      w.integer(kDopExit);
      w.pid(to.node, to.id, to.serial, to.creation);
      w.pid(from.node, from.id, from.serial, from.creation);
      w.atom("noproc");
      end_frame(f);
      reply(c, f);
      return true;
    }
    case kDopUnlink:
    case kDopUnlinkId:
    case kDopUnlinkIdAck: {
      int64_t id = 0;
      if (arity != (op == kDopUnlink ? 3u : 4u) || (op != kDopUnlink && !r.integer(id)) || !r.pid(from) ||
          !r.pid(to) || !end())
        return bad("UNLINK");
      if (op == kDopUnlinkIdAck) return true;
      const Pid remote = from_wire(from), local = local_pid(to);
      if (local) {
        {
          std::lock_guard lock(c.sig->mu);
          c.sig->links.erase({local, remote});
        }
        sched_.remove_remote_link(local, remote);
      }
      if (op == kDopUnlinkId) {
        std::vector<uint8_t> f = begin_frame();
        EtfWriter w(f);
        w.version();
        w.tuple(4);  // {UNLINK_ID_ACK, Id, FromPid, ToPid}
        w.integer(kDopUnlinkIdAck);
        w.integer(id);
        w.pid(to.node, to.id, to.serial, to.creation);
        w.pid(from.node, from.id, from.serial, from.creation);
        end_frame(f);
        reply(c, f);
      }
      return true;
    }
    case kDopExit:
    case kDopExit2: {
      if (arity != 4 || !r.pid(from) || !r.pid(to)) return bad("EXIT");
      const uint8_t* start = r.position();
      if (!r.skip() || !end()) return bad("EXIT");
      const ExitReason reason = decode_reason({start, size_t(r.position() - start)});
      const Pid remote = from_wire(from), local = local_pid(to);
      if (!local) return true;
      if (op == kDopExit2) {
        // exit/2 from another node: a reason other than normal ends the
        // process (killed); trap_exit does not turn it into a message.
        if (!reason.normal()) sched_.kill(local);
        return true;
      }
      {
        std::lock_guard lock(c.sig->mu);
        c.sig->links.erase({local, remote});
      }
      sched_.exit_signal(local, remote, reason);
      return true;
    }
    case kDopMonitorP:
    case kDopDemonitorP: {
      if (arity != 4 || !r.pid(from)) return bad("MONITOR_P");
      Pid target = 0;
      std::string_view name;
      const uint8_t* proc_start = r.position();
      if (r.peek() == kNewPid || r.peek() == kPid) {
        if (!r.pid(to)) return bad("MONITOR_P");
        target = local_pid(to);
      } else {
        if (!r.atom(name)) return bad("MONITOR_P");
        target = sched_.whereis(std::string(name));
      }
      const std::vector<uint8_t> proc(proc_start, r.position());
      const uint8_t* ref_start = r.position();
      WireRef ref;
      if (!r.ref(ref) || !end()) return bad("MONITOR_P");
      std::vector<uint8_t> ref_bytes(ref_start, r.position());
      const Pid watcher = from_wire(from);
      if (op == kDopDemonitorP) {
        uint64_t found = 0;
        {
          std::lock_guard lock(c.sig->mu);
          for (auto& [k, m] : c.sig->watched)
            if (m.watcher == watcher && m.ref == ref_bytes) found = k;
          if (found) c.sig->watched.erase(found);
        }
        if (found) sched_.remove_remote_watcher(target, found);
        return true;
      }
      const uint64_t local_ref = sched_.new_ref();
      bool ok = false;
      if (target) {
        // Listed before the watcher is added: the target may end at once.
        std::lock_guard lock(c.sig->mu);
        c.sig->watched[local_ref] = PeerState::InMonitor{target, watcher, ref_bytes};
      }
      if (target) ok = sched_.add_remote_watcher(target, watcher, local_ref);
      if (!ok) {
        bool still = true;
        if (target) {
          std::lock_guard lock(c.sig->mu);
          still = c.sig->watched.erase(local_ref) > 0;
        }
        if (!still) return true;  // (its DOWN went out meanwhile)
        std::vector<uint8_t> f = begin_frame();
        EtfWriter w(f);
        w.version();
        w.tuple(5);  // {MONITOR_P_EXIT, FromProc, ToPid, Ref, noproc}
        w.integer(kDopMonitorPExit);
        f.insert(f.end(), proc.begin(), proc.end());
        w.pid(from.node, from.id, from.serial, from.creation);
        f.insert(f.end(), ref_bytes.begin(), ref_bytes.end());
        w.atom("noproc");
        end_frame(f);
        reply(c, f);
      }
      return true;
    }
    case kDopMonitorPExit: {
      if (arity != 5) return bad("MONITOR_P_EXIT");
      Pid target = 0;
      if (r.peek() == kNewPid || r.peek() == kPid) {
        if (!r.pid(from)) return bad("MONITOR_P_EXIT");
        target = from_wire(from);
      } else if (!r.skip()) {
        return bad("MONITOR_P_EXIT");
      }
      WireRef ref;
      if (!r.pid(to) || !r.ref(ref)) return bad("MONITOR_P_EXIT");
      const uint8_t* start = r.position();
      if (!r.skip() || !end()) return bad("MONITOR_P_EXIT");
      uint64_t local_ref;
      if (!our_ref(ref, local_ref)) return true;
      const ExitReason reason = decode_reason({start, size_t(r.position() - start)});
      // Delivered under the lock: a demonitor (which takes it) then finds
      // the DOWN in the mailbox, or it never comes.
      std::lock_guard lock(c.sig->mu);
      auto it = c.sig->monitors.find(local_ref);
      if (it == c.sig->monitors.end()) return true;
      const PeerState::OutMonitor m = it->second;
      c.sig->monitors.erase(it);
      sched_.send(target ? target : m.target, m.watcher, kTagDown,
                  exit_payload(local_ref, target ? target : m.target, &reason));
      return true;
    }
    default:
      why = "unknown control message " + std::to_string(op);
      return false;
  }
}

}  // namespace lvm::dist
