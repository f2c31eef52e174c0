// The node's start, its threads and connections (see node.h). What the
// frames mean is control.cpp; what the scheduler asks is hub.cpp.
#include "dist/node.h"

#include "dist/handshake.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace lvm::dist {

namespace {
constexpr unsigned kHandshakeMs = 5000;
constexpr uint64_t kTickNs = 15'000'000'000ull;   // net_ticktime 60 s: a tick every 15 s
constexpr uint64_t kSilenceNs = 60'000'000'000ull;  // and nothing heard for 60 s: gone
constexpr uint8_t kPassThrough = 112;             // 'p': a frame without an atom cache
constexpr uint64_t kBatchNs = 5'000;              // a connection written this recently is busy (well below a round trip)
// A polling worker spins this long (yielding the CPU at each turn) before
// it sleeps: an answer that comes meanwhile is read without the wake-up of
// a sleeping thread, which on this 2-core VM costs more than a round trip
// (a woken thread goes back to its idle CPU: an IPI and a halt exit).
// Measured with scripts/bench-dist: round trip 33 us without, 25 with.
constexpr uint64_t kSpinNs = 50'000;
// ... but only when the network spoke this recently: a node with quiet
// connections (or none), or busy with local work, does not spin.
constexpr uint64_t kSpinWindowNs = 1'000'000;
// No worker has waited in poll() for this long (all busy): the I/O thread
// reads the connections itself, as often.
constexpr uint64_t kFallbackNs = 10'000'000;

// NAME@HOST with a sensible NAME and HOST.
bool valid_node_name(std::string_view n) {
  const size_t at = n.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 >= n.size() || n.size() > 255) return false;
  for (char ch : n.substr(0, at))
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-')) return false;
  return n.find('@', at + 1) == std::string_view::npos;
}
}  // namespace

Node::Node(const NodeConfig& config, Scheduler& sched) : config_(config), sched_(sched) {}

std::unique_ptr<Node> Node::start(const NodeConfig& config, Scheduler& sched, std::string* error) {
  std::unique_ptr<Node> n(new Node(config, sched));
  std::string alive = config.name, host;
  if (const size_t at = alive.find('@'); at != std::string::npos) {
    host = alive.substr(at + 1);
    alive.resize(at);
  } else if (config.short_name) {
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    host = buf;
    if (const size_t dot = host.find('.'); dot != std::string::npos) host.resize(dot);
  }
  n->name_ = alive + "@" + host;
  if (!valid_node_name(n->name_)) {
    *error = "bad node name `" + config.name + "`: it must be NAME@HOST (--name) or NAME (--sname), NAME letters, digits, _ and -";
    return nullptr;
  }
  if (!config.short_name && host.find('.') == std::string::npos) {
    *error = "--name " + n->name_ + ": a long name needs a fully qualified host (with a dot, or an IP address); use --sname for a short one";
    return nullptr;
  }
  if (ei_init() != 0) {
    *error = "erl_interface failed to start";
    return nullptr;
  }
  const unsigned creation = unsigned(std::chrono::steady_clock::now().time_since_epoch().count() & 0x7fffffff) | 4;
  // (ei's socket layer, offering DFLAG_SEND_SENDER too: handshake.h)
  if (ei_connect_xinit_ussi(&n->ec_, host.c_str(), alive.c_str(), n->name_.c_str(), nullptr,
                            config.cookie.empty() ? nullptr : config.cookie.c_str(), creation,
                            handshake_callbacks(), sizeof(ei_socket_callbacks), nullptr) < 0) {
    *error = config.cookie.empty() ? "no cookie: pass --cookie or create ~/.erlang.cookie"
                                   : "the node name or cookie is too long";
    return nullptr;
  }
  // The listening socket, on any port the kernel gives. (Made by ei: with
  // socket callbacks of our own, ei accepts only on sockets it knows.)
  int port = 0;
  n->listen_fd_ = ei_listen(&n->ec_, &port, 64);
  if (n->listen_fd_ < 0) {
    *error = std::string("cannot listen for connections: ") + std::strerror(erl_errno);
    return nullptr;
  }
  fcntl(n->listen_fd_, F_SETFD, FD_CLOEXEC);
  n->epmd_fd_ = ei_publish_tmo(&n->ec_, port, kHandshakeMs);
  if (n->epmd_fd_ < 0) {
    const char* port = std::getenv("ERL_EPMD_PORT");
    *error = "cannot register " + n->name_ + " with epmd (port " + (port ? port : "4369") +
             "): is epmd running (`epmd -daemon`), and is the name free?";
    return nullptr;
  }
  n->creation_ = n->ec_.creation;
  n->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  n->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = n->wake_fd_;
  epoll_ctl(n->epoll_fd_, EPOLL_CTL_ADD, n->wake_fd_, &ev);
  n->data_ep_ = epoll_create1(EPOLL_CLOEXEC);
  n->poll_wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ev.data.fd = n->poll_wake_fd_;
  if (n->epoll_fd_ < 0 || n->wake_fd_ < 0 || n->data_ep_ < 0 || n->poll_wake_fd_ < 0 ||
      epoll_ctl(n->data_ep_, EPOLL_CTL_ADD, n->poll_wake_fd_, &ev) != 0) {
    *error = std::string("cannot set up the node's event loop: ") + std::strerror(errno);
    return nullptr;
  }
  n->acceptor_ = std::thread([p = n.get()] { p->acceptor_main(); });
  n->connector_ = std::thread([p = n.get()] { p->connector_main(); });
  n->io_ = std::thread([p = n.get()] { p->io_main(); });
  return n;
}

Node::~Node() {
  stop_.store(true);
  connect_cv_.notify_all();
  wake_io();
  if (acceptor_.joinable()) acceptor_.join();
  if (connector_.joinable()) connector_.join();
  if (io_.joinable()) io_.join();
  for (int fd : {listen_fd_, epmd_fd_, epoll_fd_, wake_fd_, data_ep_, poll_wake_fd_})
    if (fd >= 0) close(fd);
}

// ---- the node table ----

uint32_t Node::node_of(std::string_view name) {
  std::lock_guard lock(nodes_mu_);
  auto it = node_index_.find(std::string(name));
  if (it != node_index_.end()) return it->second;
  const uint32_t index = uint32_t(nodes_.size());
  nodes_.push_back(NodeSlot{std::string(name), nullptr, {}});
  node_index_.emplace(std::string(name), index);
  return index;
}

std::string Node::node_name_of(uint32_t index) {
  std::lock_guard lock(nodes_mu_);
  return index < nodes_.size() ? nodes_[index].name : std::string();
}

std::shared_ptr<Connection> Node::connection(uint32_t node, bool connect) {
  std::shared_ptr<Connection> c;
  {
    std::lock_guard lock(nodes_mu_);
    if (node >= nodes_.size()) return nullptr;
    NodeSlot& slot = nodes_[node];
    if (slot.conn || !connect) return slot.conn;
    if (slot.name == name_ || !valid_node_name(slot.name)) return nullptr;
    c = std::make_shared<Connection>();
    c->node = node;
    c->peer = slot.name;
    c->outgoing = true;
    slot.conn = c;
  }
  {
    std::lock_guard lock(connect_mu_);
    to_connect_.push_back(c);
  }
  connect_cv_.notify_one();
  return c;
}

// ---- remote pids ----

namespace {
constexpr uint32_t kPidGenMask = (1u << 30) - 1;  // bits 32..61 of a handle
Pid pid_handle(uint32_t index, uint32_t gen) { return kRemotePidBit | Pid(gen) << 32 | index; }
}  // namespace

bool Node::remote_pid(Pid handle, RemotePid& out) {
  if (!is_remote_pid(handle)) return false;
  const uint64_t index = handle & 0xffffffffu;
  const uint32_t gen = uint32_t(handle >> 32) & kPidGenMask;
  std::lock_guard lock(pid_mu_);
  if (index >= pids_.size() || !pids_[index].live || pids_[index].gen != gen) return false;
  out = pids_[index];
  return true;
}

void Node::forget_incarnations(uint32_t node, uint32_t creation) {
  NodePids& np = node_pids_[node];
  if (np.creation == creation) return;
  const bool first = np.creation == 0;
  np.creation = creation;
  if (first) return;
  size_t kept = 0, freed = 0;
  for (uint32_t index : np.slots) {
    RemotePid& r = pids_[index];
    if (r.live && r.creation != creation) {
      pid_index_.erase(PidKey{r.node, r.id, r.serial, r.creation});
      r.live = false;
      r.gen = (r.gen + 1) & kPidGenMask;
      free_pids_.push_back(index);
      ++freed;
    } else if (r.live) {
      np.slots[kept++] = index;
    }
  }
  np.slots.resize(kept);
  if (freed) {
    pid_epoch_.fetch_add(1);
    if (config_.log)
      std::fprintf(stderr, "lvm: node %s: forgot %zu pid(s) of an earlier incarnation of %s\n", name_.c_str(), freed,
                   node_name_of(node).c_str());
  }
}

Pid Node::from_wire(const WirePid& w, bool current) {
  if (w.node == name_) {
    const Pid local = Pid(w.serial) << 32 | w.id;
    return w.creation == creation_ && !is_remote_pid(local) ? local : 0;
  }
  const PidKey key{node_of(w.node), w.id, w.serial, w.creation};
  std::lock_guard lock(pid_mu_);
  if (current) forget_incarnations(key.node, key.creation);
  auto it = pid_index_.find(key);
  if (it != pid_index_.end()) return it->second;
  uint32_t index;
  if (!free_pids_.empty()) {
    index = free_pids_.back();
    free_pids_.pop_back();
    const uint32_t gen = pids_[index].gen;
    pids_[index] = RemotePid{key.node, key.id, key.serial, key.creation, gen, true};
  } else {
    index = uint32_t(pids_.size());
    pids_.push_back(RemotePid{key.node, key.id, key.serial, key.creation});
  }
  node_pids_[key.node].slots.push_back(index);
  const Pid handle = pid_handle(index, pids_[index].gen);
  pid_index_.emplace(key, handle);
  return handle;
}

void Node::write_pid(EtfWriter& w, Pid pid) {
  RemotePid r;
  if (remote_pid(pid, r)) {
    w.pid(node_name_of(r.node), r.id, r.serial, r.creation);
    return;
  }
  w.pid(name_, uint32_t(pid), uint32_t(pid >> 32), creation_);
}

// ---- connections ----

void Node::wake_io() {
  const uint64_t one = 1;
  if (wake_fd_ >= 0) [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

void Node::acceptor_main() {
  while (!stop_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    // (Raised before the handshake: a peer switches to our connection only
    // once its own is through, so whatever it sent on its own before is
    // on a connection this node has adopted, or is adopting now.)
    {
      std::lock_guard lock(nodes_mu_);
      accepting_ = true;
    }
    ErlConnect conp{};
    const int fd = ei_accept_tmo(&ec_, listen_fd_, &conp, kHandshakeMs);
    if (fd < 0) {
      if (config_.log)
        std::fprintf(stderr, "lvm: node %s: refused a connection: the handshake failed (%s)\n", name_.c_str(),
                     erl_errno == EIO ? "wrong cookie, or not a distribution peer" : std::strerror(erl_errno));
    } else {
      adopt(fd, conp.nodename, nullptr);
    }
    end_accept();
  }
}

void Node::end_accept() {
  std::vector<std::shared_ptr<Connection>> held;
  {
    std::lock_guard lock(nodes_mu_);
    accepting_ = false;
    held.swap(accept_held_);
  }
  for (auto& c : held) release(*c);
}

void Node::connector_main() {
  while (true) {
    std::shared_ptr<Connection> c;
    {
      std::unique_lock lock(connect_mu_);
      connect_cv_.wait(lock, [&] { return stop_.load() || !to_connect_.empty(); });
      if (stop_.load()) return;
      c = to_connect_.front();
      to_connect_.pop_front();
    }
    std::string peer = c->peer;
    const int fd = ei_connect_tmo(&ec_, peer.data(), kHandshakeMs);
    bool adopted;  // by a connection from the peer, meanwhile
    {
      std::lock_guard lock(nodes_mu_);
      adopted = c->fd >= 0;
    }
    if (fd < 0 && adopted) continue;
    if (fd < 0) {
      std::lock_guard lock(c->read_mu);
      lost(c, "cannot connect (" + std::string(erl_errno == EIO ? "refused, or wrong cookie" : std::strerror(erl_errno)) + ")");
      continue;
    }
    adopt(fd, peer, c);
  }
}

void Node::adopt(int fd, const std::string& peer, const std::shared_ptr<Connection>& outgoing) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const uint32_t node = node_of(peer);
  std::shared_ptr<Connection> c, replaced, demoted;
  {
    std::lock_guard lock(nodes_mu_);
    NodeSlot& slot = nodes_[node];
    if (outgoing) {
      // (A connection from the peer may have won meanwhile.)
      if (slot.conn != outgoing || outgoing->fd >= 0 || outgoing->dead.load()) {
        close(fd);
        return;
      }
      c = outgoing;
      c->fd = fd;
      if (accepting_ && name_ < peer) {
        // The acceptor may be taking in the peer's connection (both
        // connected at once): what the peer sent on it must be read first,
        // so ours waits until that accept ends (and, if it was the peer's,
        // until that connection is drained).
        hold(*c);
        accept_held_.push_back(c);
      }
    } else if (slot.conn && slot.conn->outgoing && !slot.conn->dead.load() &&
               (name_ < peer || slot.conn->fd >= 0)) {
      // Both sides connecting at once (docs/distribution.md): both nodes
      // send on the connection the smaller name opened; the other is read
      // until its sender closes it. If the smaller is this node, ours
      // (done or still in its handshake) stays and this one is read: its
      // handshake went through on the peer's side too, which may send on
      // it until it switches (closing it here lost what it sent, and the
      // peer took the close for its node's loss: noconnection, nodedown).
      // If it is the peer, ours is done: it is written out, shut down and
      // read until the peer closes it.
      c = std::make_shared<Connection>();
      c->node = node;
      c->peer = peer;
      c->fd = fd;
      c->sig = slot.conn->sig;
      if (name_ < peer) {
        c->drain.store(true);
        c->releases = slot.conn;
        hold(*slot.conn);  // (released when c closes, in lost)
      } else {
        demoted = slot.conn;
        demoted->drain.store(true);
        slot.conn = c;
      }
    } else if (slot.conn && !slot.conn->up.load() && slot.conn->fd < 0 && !slot.conn->dead.load()) {
      // The peer, the smaller name, connected while ours is in its
      // handshake: its connection is the one, in the slot of ours (which
      // this node closes when its handshake ends: the peer reads it
      // until then and never writes it).
      c = slot.conn;
      c->fd = fd;
      c->outgoing = false;
    } else {
      replaced = slot.conn;  // a stale connection of a node that came back
      if (replaced) replaced->signal_on_close.store(true);
      c = std::make_shared<Connection>();
      c->node = node;
      c->peer = peer;
      c->fd = fd;
      slot.conn = c;
    }
  }
  if (demoted) drain(*demoted);
  if (replaced) close_later(*replaced, "replaced by a new connection from the same node");
  c->last_read_ns = now_ns();
  {
    std::lock_guard lock(io_mu_);
    to_add_.push_back(c);
  }
  wake_io();
  if (config_.log && !c->drain.load())
    std::fprintf(stderr, "lvm: node %s: connected to %s%s\n", name_.c_str(), peer.c_str(),
                 demoted ? " (again: both connected at once, and the connection it opened is kept)" : "");
}

void Node::drain(Connection& c) {
  // Once what it holds is written, the peer reads its end and closes it.
  std::lock_guard lock(c.out_mu);
  if (c.writing || !c.out.empty()) return;  // flush() shuts it down when done
  c.in_flush.fetch_add(1);
  if (!c.dead.load() && c.fd >= 0) shutdown(c.fd, SHUT_WR);
  c.in_flush.fetch_sub(1);
}

void Node::hold(Connection& c) {
  std::lock_guard lock(io_mu_);
  ++c.holds;
  if (c.in_input) {
    epoll_ctl(data_ep_, EPOLL_CTL_DEL, c.fd, nullptr);
    c.in_input = false;
  }
}

void Node::release(Connection& c) {
  std::lock_guard lock(io_mu_);
  // (Not yet added by the I/O thread, or closed: nothing to do here.)
  if (--c.holds == 0 && c.fd >= 0 && !c.dead.load()) {
    auto it = by_fd_.find(c.fd);
    if (it != by_fd_.end() && it->second.get() == &c) watch_input(c);
  }
}

void Node::watch_input(Connection& c) {
  if (c.holds > 0 || c.in_input) return;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.fd = c.fd;
  if (epoll_ctl(data_ep_, EPOLL_CTL_ADD, c.fd, &ev) == 0 || errno == EEXIST) c.in_input = true;
}

void Node::close_later(Connection& c, const std::string& why) {
  {
    std::lock_guard lock(io_mu_);
    to_close_.emplace_back(c.shared_from_this(), why);
  }
  wake_io();
}

void Node::lost(const std::shared_ptr<Connection>& c, const std::string& why) {
  if (c->dead.exchange(true) && c->fd < 0) return;  // (already closed)
  c->up.store(false);
  while (c->in_flush.load()) std::this_thread::yield();  // a writer leaves at once once it sees `dead`
  bool current = false;
  {
    std::lock_guard lock(nodes_mu_);
    if (c->node < nodes_.size() && nodes_[c->node].conn == c) {
      nodes_[c->node].conn.reset();
      current = true;
    }
  }
  if (c->fd >= 0) {  // (with c->read_mu held: nobody reads it meanwhile)
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);  // (if it waited to be writable)
    const int fd = c->fd;
    {
      std::lock_guard lock(io_mu_);  // (hold and release look at fd and in_input under it)
      epoll_ctl(data_ep_, EPOLL_CTL_DEL, fd, nullptr);
      c->in_input = false;
      by_fd_.erase(fd);
      c->fd = -1;
    }
    close(fd);
  }
  // A drained connection is read to its end: what came after it on the
  // one it held may be read now.
  if (std::shared_ptr<Connection> held = std::move(c->releases)) release(*held);
  if (!current && !c->signal_on_close.load()) return;  // a duplicate, superseded: its links live on
  if (config_.log) std::fprintf(stderr, "lvm: node %s: connection to %s closed: %s\n", name_.c_str(), c->peer.c_str(), why.c_str());
  std::set<std::pair<Pid, Pid>> links;
  std::unordered_map<uint64_t, PeerState::OutMonitor> monitors;
  std::unordered_map<uint64_t, PeerState::InMonitor> watched;
  {
    std::lock_guard lock(c->sig->mu);
    links.swap(c->sig->links);
    monitors.swap(c->sig->monitors);
    watched.swap(c->sig->watched);
  }
  ExitReason noconn;
  noconn.trap = Trap::HostError;
  noconn.remote_kind = int32_t(ExitKind::NoConnection);
  noconn.message = "noconnection";
  for (auto [local, remote] : links) sched_.exit_signal(local, remote, noconn);
  for (auto& [ref, m] : monitors) sched_.send(m.target, m.watcher, kTagDown, exit_payload(ref, m.target, &noconn));
  for (auto& [ref, m] : watched) sched_.remove_remote_watcher(m.target, ref);
  fail_calls(c->node);
  notify_nodes(c->node, false);
}

void Node::notify_nodes(uint32_t node, bool up) {
  std::vector<Pid> watchers;
  std::string name;
  {
    std::lock_guard lock(nodes_mu_);
    if (node >= nodes_.size()) return;
    watchers = nodes_[node].watchers;
    name = nodes_[node].name;
  }
  for (Pid w : watchers)
    sched_.send(w, w, up ? kTagNodeUp : kTagNodeDown, {reinterpret_cast<const uint8_t*>(name.data()), name.size()});
}

// ---- writing ----

void Node::flush(Connection& c) {
  c.in_flush.fetch_add(1);
  struct Leave {
    Connection& c;
    ~Leave() { c.in_flush.fetch_sub(1); }
  } leave{c};
  while (true) {
    if (c.dead.load()) {
      std::lock_guard lock(c.out_mu);
      c.writing = false;
      return;
    }
    if (c.woff == c.wbuf.size()) {
      std::lock_guard lock(c.out_mu);
      c.wbuf.clear();
      c.woff = 0;
      if (c.out.empty() || c.dead.load()) {
        c.writing = false;
        if (c.drain.load() && !c.dead.load()) shutdown(c.fd, SHUT_WR);
        return;
      }
      c.wbuf.swap(c.out);
    }
    const ssize_t n = ::send(c.fd, c.wbuf.data() + c.woff, c.wbuf.size() - c.woff, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.woff += size_t(n);
      c.last_write_ns.store(now_ns(), std::memory_order_relaxed);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The I/O thread goes on when the socket takes more (it holds `writing` now).
      c.wait_out.store(true);
      epoll_event ev{};
      ev.events = EPOLLOUT;
      ev.data.fd = c.fd;
      if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev) != 0 && errno == EEXIST)
        epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
      return;
    }
    {
      std::lock_guard lock(c.out_mu);
      c.writing = false;
    }
    close_later(c, std::string("write failed: ") + std::strerror(errno));
    return;
  }
}

void Node::flush_output(uint64_t timeout_ns) {
  const uint64_t deadline = now_ns() + timeout_ns;
  for (;;) {
    bool pending = false;
    {
      std::lock_guard lock(nodes_mu_);
      for (const NodeSlot& slot : nodes_) {
        const std::shared_ptr<Connection>& c = slot.conn;
        if (!c || c->dead.load() || c->drain.load()) continue;
        {
          std::lock_guard out(c->out_mu);
          pending = c->writing || !c->out.empty();  // (queued, or not up yet)
        }
        int unsent = 0;  // bytes the kernel has not sent yet
        if (!pending && c->fd >= 0 && ioctl(c->fd, SIOCOUTQ, &unsent) == 0) pending = unsent > 0;
        if (pending) break;
      }
    }
    if (!pending || now_ns() >= deadline) return;
    wake_io();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void Node::send_frame(Connection& c, const std::vector<uint8_t>& frame) {
  {
    std::lock_guard lock(c.out_mu);
    if (c.dead.load()) return;
    c.out.insert(c.out.end(), frame.begin(), frame.end());
    if (!c.up.load() || c.writing) return;
    c.writing = true;
  }
  // A quiet connection is written at once (a round trip pays no thread
  // hop); a busy one (written less than kBatchNs ago) is handed to the I/O
  // thread, and what is sent meanwhile joins the same write: one send()
  // per batch, not per message.
  if (elapsed_ns(now_ns(), c.last_write_ns.load(std::memory_order_relaxed)) >= kBatchNs) {
    flush(c);
    return;
  }
  {
    std::lock_guard lock(io_mu_);
    to_flush_.push_back(c.shared_from_this());
  }
  wake_io();
}

std::vector<uint8_t> Node::begin_frame() {
  std::vector<uint8_t> f;
  f.reserve(96);
  f.resize(4);
  f.push_back(kPassThrough);
  return f;
}

void Node::end_frame(std::vector<uint8_t>& f) {
  const uint32_t len = uint32_t(f.size() - 4);
  f[0] = uint8_t(len >> 24);
  f[1] = uint8_t(len >> 16);
  f[2] = uint8_t(len >> 8);
  f[3] = uint8_t(len);
}

// ---- reading (a polling worker, or the I/O thread) ----

void Node::read_ready(const std::shared_ptr<Connection>& c) {
  Connection& k = *c;
  for (int round = 0; round < 16; ++round) {
    if (k.in.size() - k.in_len < 65536) k.in.resize(std::max<size_t>(k.in_len + 65536, k.in.size()));
    const size_t room = k.in.size() - k.in_len;
    const ssize_t n = recv(k.fd, k.in.data() + k.in_len, room, MSG_DONTWAIT);
    if (n == 0) {
      lost(c, k.in_len ? "closed by the peer inside a frame (" + std::to_string(k.in_len) + " bytes of it read)"
                       : std::string("closed by the peer"));
      return;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      lost(c, std::string("read failed: ") + std::strerror(errno));
      return;
    }
    k.in_len += size_t(n);
    k.last_read_ns.store(now_ns(), std::memory_order_relaxed);
    // Less than there was room for: the socket is drained (what comes
    // later raises the level-triggered event again), so no recv() just to
    // hear EAGAIN.
    const bool drained = size_t(n) < room;
    size_t pos = 0;
    while (k.in_len - pos >= 4) {
      const uint8_t* h = k.in.data() + pos;
      const uint32_t len = uint32_t(h[0]) << 24 | uint32_t(h[1]) << 16 | uint32_t(h[2]) << 8 | h[3];
      if (len > config_.max_frame) {
        lost(c, "a frame of " + std::to_string(len) + " bytes, beyond the limit of " + std::to_string(config_.max_frame));
        return;
      }
      if (k.in_len - pos - 4 < len) {
        if (k.in.size() < size_t(len) + 4) {
          // Room for the whole frame, counted from the start of the buffer.
          std::memmove(k.in.data(), k.in.data() + pos, k.in_len - pos);
          k.in_len -= pos;
          pos = 0;
          k.in.resize(size_t(len) + 4);
        }
        break;
      }
      pos += 4;
      if (len > 0) {  // (0: a tick)
        std::string why;
        if (!handle_frame(k, {k.in.data() + pos, len}, why)) {
          lost(c, "bad input: " + why);
          return;
        }
      }
      pos += len;
    }
    std::memmove(k.in.data(), k.in.data() + pos, k.in_len - pos);
    k.in_len -= pos;
    if (k.in.size() > (1u << 20) && k.in_len < 65536) {
      k.in.resize(65536);
      k.in.shrink_to_fit();
    }
    if (drained) return;
  }
}

void Node::tick(uint64_t now) {
  std::vector<std::shared_ptr<Connection>> open, silent;
  {
    std::lock_guard lock(io_mu_);
    for (auto& [fd, c] : by_fd_) open.push_back(c);
  }
  for (auto& c : open) {
    if (c->drain.load()) continue;
    if (elapsed_ns(now, c->last_read_ns.load(std::memory_order_relaxed)) > kSilenceNs) silent.push_back(c);
    else if (elapsed_ns(now, c->last_write_ns.load(std::memory_order_relaxed)) > kTickNs) {
      send_frame(*c, std::vector<uint8_t>(4, 0));
      c->last_write_ns.store(now, std::memory_order_relaxed);
    }
  }
  for (auto& c : silent) {
    std::lock_guard lock(c->read_mu);
    lost(c, "nothing heard for 60 s (net tick timeout)");
  }
}

std::shared_ptr<Connection> Node::by_fd(int fd) {
  std::lock_guard lock(io_mu_);
  auto it = by_fd_.find(fd);
  return it == by_fd_.end() ? nullptr : it->second;
}

void Node::read_events(const epoll_event* events, int n, bool worker) {
  for (int k = 0; k < n; ++k) {
    const int fd = events[k].data.fd;
    if (fd == poll_wake_fd_) {
      uint64_t v;
      if (worker) [[maybe_unused]] ssize_t r = read(poll_wake_fd_, &v, sizeof v);
      continue;
    }
    std::shared_ptr<Connection> c = by_fd(fd);
    if (!c) continue;
    // (Another thread reading it reads this too: the event is level-triggered.)
    std::unique_lock lock(c->read_mu, std::try_to_lock);
    if (lock.owns_lock() && c->fd == fd) {
      last_input_ns_.store(now_ns(), std::memory_order_relaxed);
      read_ready(c);
    }
  }
}

void Node::poll(uint64_t deadline) {
  epoll_event events[64];
  timespec ts{}, *timeout = nullptr;
  if (deadline != UINT64_MAX) {
    const uint64_t now = now_ns(), wait = deadline > now ? deadline - now : 0;
    ts.tv_sec = time_t(wait / 1'000'000'000u);
    ts.tv_nsec = long(wait % 1'000'000'000u);
    timeout = &ts;
  }
  in_poll_.store(true);
  // First the spin (kSpinNs); a turn is a non-blocking epoll_wait, so
  // wake_poll() ends it as well.
  int n = 0;
  const uint64_t start = now_ns();
  const bool talking = elapsed_ns(start, last_input_ns_.load(std::memory_order_relaxed)) < kSpinWindowNs;
  const uint64_t spin_end = talking ? std::min(deadline, start + kSpinNs) : 0;
  while ((n = epoll_wait(data_ep_, events, 64, 0)) == 0 && now_ns() < spin_end) sched_yield();
  if (n == 0) n = epoll_pwait2(data_ep_, events, 64, timeout, nullptr);
  in_poll_.store(false);
  last_poll_ns_.store(now_ns(), std::memory_order_relaxed);
  if (n > 0) read_events(events, n, true);
}

void Node::wake_poll() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(poll_wake_fd_, &one, sizeof one);
}

void Node::io_main() {
  uint64_t next_tick = now_ns() + 1'000'000'000ull;
  epoll_event events[64];
  while (!stop_.load()) {
    bool open;
    {
      std::lock_guard lock(io_mu_);
      open = !by_fd_.empty();
    }
    // (With connections it looks every kFallbackNs whether a worker reads them.)
    const int n = epoll_wait(epoll_fd_, events, 64, open ? int(kFallbackNs / 1'000'000) : 1000);
    // The wake-up is taken before the lists it announces: a wake_io() after
    // the swap below wakes the next epoll_wait (taken after, it was lost
    // until the timeout).
    for (int k = 0; k < n; ++k)
      if (events[k].data.fd == wake_fd_) {
        uint64_t v;
        [[maybe_unused]] ssize_t r = read(wake_fd_, &v, sizeof v);
      }
    {
      std::vector<std::shared_ptr<Connection>> add;
      std::vector<std::pair<std::shared_ptr<Connection>, std::string>> close_now;
      std::vector<std::shared_ptr<Connection>> flush_now;
      {
        std::lock_guard lock(io_mu_);
        add.swap(to_add_);
        close_now.swap(to_close_);
        flush_now.swap(to_flush_);
      }
      for (auto& c : flush_now) flush(*c);  // (each holds `writing`, handed over by send_frame)
      for (auto& c : add) {
        {
          std::lock_guard lock(io_mu_);
          by_fd_[c->fd] = c;
          watch_input(*c);
        }
        c->last_write_ns.store(now_ns());
        bool write_now = false;
        {
          std::lock_guard lock(c->out_mu);
          c->up.store(true);
          if (!c->out.empty() && !c->writing) write_now = c->writing = true;
        }
        if (!c->drain.load()) notify_nodes(c->node, true);
        if (write_now) flush(*c);
      }
      for (auto& [c, why] : close_now) {
        std::lock_guard lock(c->read_mu);
        lost(c, why);
      }
    }
    for (int k = 0; k < n; ++k) {
      const int fd = events[k].data.fd;
      if (fd == wake_fd_) continue;  // (read above)
      std::shared_ptr<Connection> c = by_fd(fd);
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      // Writable (or broken: then the write fails and closes it).
      if (c && c->wait_out.exchange(false)) flush(*c);
    }
    const uint64_t now = now_ns();
    if (open && !in_poll_.load() && elapsed_ns(now, last_poll_ns_.load(std::memory_order_relaxed)) >= kFallbackNs) {
      // No worker waits for input (all busy): read what came.
      epoll_event ready[64];
      const int r = epoll_wait(data_ep_, ready, 64, 0);
      if (r > 0) read_events(ready, r, false);
    }
    if (now >= next_tick) {
      tick(now);
      next_tick = now + 1'000'000'000ull;
    }
  }
}

}  // namespace lvm::dist
