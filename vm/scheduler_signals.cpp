// Links, monitors, exit signals and the name registry (brief section 4;
// Erlang's semantics). See scheduler.h.
//
// Each process guards its links and watchers with its own sig_mu_; no two
// of these locks are held at once, so there is no lock order to keep (send,
// called under one to deliver an EXIT or DOWN, takes none). An ending
// process closes its lists (sig_closed_) and signals what it found; a link
// or monitor attempted after that sees the target gone.
#include <algorithm>
#include <cstring>

#include "vm/scheduler.h"

namespace lvm {

ExitKind exit_kind(const ExitReason& r) {
  if (r.remote_kind >= 0) return ExitKind(r.remote_kind);
  if (r.normal()) return ExitKind::Normal;
  if (r.trap == Trap::Exit) return ExitKind::Code;
  if (r.trap == Trap::Killed) return ExitKind::Killed;
  return ExitKind::Trap;
}

std::vector<uint8_t> exit_payload(uint64_t ref, Pid pid, const ExitReason* r) {
  const ExitKind kind = r ? exit_kind(*r) : ExitKind::NoProc;
  const int32_t code = r && kind == ExitKind::Code ? r->code : 0;
  std::string text;
  if (!r) text = "no such process";
  else if (kind == ExitKind::Trap || kind == ExitKind::Killed || r->remote_kind >= 0) text = r->message;
  std::vector<uint8_t> out(24 + text.size());
  const int32_t k = int32_t(kind);
  std::memcpy(out.data(), &ref, 8);
  std::memcpy(out.data() + 8, &pid, 8);
  std::memcpy(out.data() + 16, &k, 4);
  std::memcpy(out.data() + 20, &code, 4);
  std::memcpy(out.data() + 24, text.data(), text.size());
  return out;
}

bool Scheduler::link(Process& self, Pid other) {
  const Pid me = self.pid();
  if (other == me) return true;  // (Erlang: a no-op)
  // (A remote pid no node knows names no process: the local path below.)
  if (is_remote_pid(other) && remote_ && !remote_->pid_node(other).empty()) [[unlikely]] {
    // Listed first: an EXIT coming back at once finds the link.
    {
      std::lock_guard lock(self.sig_mu_);
      if (std::find(self.links_.begin(), self.links_.end(), other) == self.links_.end()) self.links_.push_back(other);
    }
    if (remote_->link(me, other)) return true;
    ExitReason lost;
    lost.trap = Trap::HostError;
    lost.remote_kind = int32_t(ExitKind::NoConnection);
    lost.message = "noconnection";
    exit_signal(me, other, lost);
    return true;
  }
  Process* p = lookup(other);
  bool ok = false;
  if (p) {
    std::lock_guard lock(p->sig_mu_);
    if (p->pid_.load(std::memory_order_acquire) == other && !p->sig_closed_) {
      ok = true;
      if (std::find(p->links_.begin(), p->links_.end(), me) == p->links_.end()) p->links_.push_back(me);
    }
  }
  if (!ok) {
    if (self.trap_exit()) send(other, me, kTagExit, exit_payload(0, other, nullptr));
    return false;
  }
  std::lock_guard lock(self.sig_mu_);
  if (std::find(self.links_.begin(), self.links_.end(), other) == self.links_.end()) self.links_.push_back(other);
  return true;
}

void Scheduler::unlink(Process& self, Pid other) {
  // Our side first: an exit signal from `other` is delivered only while we
  // still list it (exit_signal), so none arrives after this.
  {
    std::lock_guard lock(self.sig_mu_);
    std::erase(self.links_, other);
  }
  if (is_remote_pid(other)) {
    if (remote_) remote_->unlink(self.pid(), other);
    return;
  }
  if (Process* p = lookup(other)) {
    std::lock_guard lock(p->sig_mu_);
    if (p->pid_.load(std::memory_order_acquire) == other) std::erase(p->links_, self.pid());
  }
}

uint64_t Scheduler::monitor(Process& self, Pid target) {
  const uint64_t ref = ++next_ref_;
  if (is_remote_pid(target) && remote_ && !remote_->pid_node(target).empty()) [[unlikely]] {
    self.monitoring_.emplace_back(ref, target);
    if (!remote_->monitor(self.pid(), target, ref)) {
      ExitReason lost;
      lost.trap = Trap::HostError;
      lost.remote_kind = int32_t(ExitKind::NoConnection);
      lost.message = "noconnection";
      self.monitoring_.pop_back();
      send(target, self.pid(), kTagDown, exit_payload(ref, target, &lost));
    }
    return ref;
  }
  Process* p = lookup(target);
  bool ok = false;
  if (p) {
    std::lock_guard lock(p->sig_mu_);
    if (p->pid_.load(std::memory_order_acquire) == target && !p->sig_closed_) {
      p->watchers_.emplace_back(ref, self.pid());
      ok = true;
    }
  }
  if (ok) {
    // Forget monitors whose DOWN has come, now and then, so a process that
    // monitors many short-lived ones keeps a short list.
    if (self.monitoring_.size() >= 64 && (self.monitoring_.size() & (self.monitoring_.size() - 1)) == 0)
      std::erase_if(self.monitoring_, [&](const std::pair<uint64_t, Pid>& m) {
        Process* t = lookup(m.second);
        return !t || t->pid_.load(std::memory_order_acquire) != m.second ||
               t->state_.load() == Process::State::Dead;
      });
    self.monitoring_.emplace_back(ref, target);
  } else {
    send(target, self.pid(), kTagDown, exit_payload(ref, target, nullptr));
  }
  return ref;
}

bool Scheduler::demonitor(Process& self, uint64_t ref) {
  bool active = false;
  auto it = std::find_if(self.monitoring_.begin(), self.monitoring_.end(),
                         [&](const std::pair<uint64_t, Pid>& m) { return m.first == ref; });
  if (it != self.monitoring_.end()) {
    const Pid target = it->second;
    self.monitoring_.erase(it);
    if (is_remote_pid(target)) {
      if (remote_) remote_->demonitor(self.pid(), target, ref);
      active = true;
    } else if (Process* p = lookup(target)) {
      std::lock_guard lock(p->sig_mu_);
      if (p->pid_.load(std::memory_order_acquire) == target)
        active = std::erase_if(p->watchers_, [&](const std::pair<uint64_t, Pid>& w) { return w.first == ref; }) > 0;
    }
  }
  self.drop_messages(kTagDown, ref);  // a DOWN already delivered goes too
  return active;
}

void Scheduler::exit_signal(Pid to, Pid from, const ExitReason& reason) {
  if (is_remote_pid(to)) return;
  Process* p = lookup(to);
  if (!p) return;
  {
    std::lock_guard lock(p->sig_mu_);
    if (p->pid_.load(std::memory_order_acquire) != to || p->sig_closed_) return;
    auto it = std::find(p->links_.begin(), p->links_.end(), from);
    if (it == p->links_.end()) return;  // unlinked meanwhile
    p->links_.erase(it);
    if (p->trap_exit()) {
      // Sent under the lock: an unlink (which takes it) returns only once
      // the message is in the mailbox, never before it arrives.
      send(from, to, kTagExit, exit_payload(0, from, &reason));
      return;
    }
    if (reason.normal()) return;
    if (!p->pending_exit_) {
      p->pending_exit_ = std::make_unique<ExitReason>(reason);
      p->pending_exit_->linked_from = from;
    }
    p->kill_requested_.store(true);
  }
  wake(p, false);
}

void Scheduler::signal_exit(Process* p) {
  // Its name goes first, so a process restarted on its EXIT or DOWN can
  // take the name at once.
  if (p->has_name_.load(std::memory_order_acquire)) {
    std::lock_guard lock(reg_mu_);
    names_.erase(p->name_);
    p->name_.clear();
    p->has_name_.store(false);
  }
  const Pid me = p->pid();
  std::vector<Pid> links;
  {
    std::lock_guard lock(p->sig_mu_);
    p->sig_closed_ = true;
    links.swap(p->links_);
    // DOWNs are sent under the lock: a demonitor (which takes it) then
    // finds its DOWN in the mailbox, to remove, or never gets one.
    for (auto [ref, to] : p->watchers_) {
      if (is_remote_pid(to)) [[unlikely]] {
        if (remote_) remote_->down(me, to, ref, p->exit_);
      } else {
        send(me, to, kTagDown, exit_payload(ref, me, &p->exit_));
      }
    }
    p->watchers_.clear();
    p->pending_exit_.reset();
  }
  for (Pid to : links) {
    if (is_remote_pid(to)) [[unlikely]] {
      if (remote_) remote_->exit_signal(me, to, p->exit_);
    } else {
      exit_signal(to, me, p->exit_);
    }
  }
  // Its own monitors: the targets need not keep them.
  for (auto [ref, target] : p->monitoring_)
    if (is_remote_pid(target)) {
      if (remote_) remote_->demonitor(me, target, ref);
    } else if (Process* t = lookup(target)) {
      std::lock_guard lock(t->sig_mu_);
      if (t->pid_.load(std::memory_order_acquire) == target)
        std::erase_if(t->watchers_, [&](const std::pair<uint64_t, Pid>& w) { return w.first == ref; });
    }
  p->monitoring_.clear();
}

bool Scheduler::add_remote_link(Pid local, Pid remote) {
  if (is_remote_pid(local)) return false;
  Process* p = lookup(local);
  if (!p) return false;
  std::lock_guard lock(p->sig_mu_);
  if (p->pid_.load(std::memory_order_acquire) != local || p->sig_closed_) return false;
  if (std::find(p->links_.begin(), p->links_.end(), remote) == p->links_.end()) p->links_.push_back(remote);
  return true;
}

void Scheduler::remove_remote_link(Pid local, Pid remote) {
  if (is_remote_pid(local)) return;
  if (Process* p = lookup(local)) {
    std::lock_guard lock(p->sig_mu_);
    if (p->pid_.load(std::memory_order_acquire) == local) std::erase(p->links_, remote);
  }
}

bool Scheduler::add_remote_watcher(Pid target, Pid watcher, uint64_t ref) {
  if (is_remote_pid(target)) return false;
  Process* p = lookup(target);
  if (!p) return false;
  std::lock_guard lock(p->sig_mu_);
  if (p->pid_.load(std::memory_order_acquire) != target || p->sig_closed_) return false;
  p->watchers_.emplace_back(ref, watcher);
  return true;
}

void Scheduler::remove_remote_watcher(Pid target, uint64_t ref) {
  if (is_remote_pid(target)) return;
  if (Process* p = lookup(target)) {
    std::lock_guard lock(p->sig_mu_);
    if (p->pid_.load(std::memory_order_acquire) == target)
      std::erase_if(p->watchers_, [&](const std::pair<uint64_t, Pid>& w) { return w.first == ref; });
  }
}

Scheduler::NameStatus Scheduler::register_name(Process& self, std::string name) {
  std::lock_guard lock(reg_mu_);
  if (self.has_name_.load()) return NameStatus::HasName;
  if (!names_.emplace(name, self.pid()).second) return NameStatus::Taken;
  self.name_ = std::move(name);
  self.has_name_.store(true);
  return NameStatus::Ok;
}

bool Scheduler::unregister_name(const std::string& name) {
  std::lock_guard lock(reg_mu_);
  auto it = names_.find(name);
  if (it == names_.end()) return false;
  if (Process* p = lookup(it->second); p && p->pid_.load() == it->second) {
    p->name_.clear();
    p->has_name_.store(false);
  }
  names_.erase(it);
  return true;
}

Pid Scheduler::whereis(const std::string& name) {
  std::lock_guard lock(reg_mu_);
  auto it = names_.find(name);
  return it == names_.end() ? 0 : it->second;
}

}  // namespace lvm
