// An lvm node of Erlang distribution (brief section 9, docs/distribution.md):
// `lvm run --name NAME@HOST` publishes the node through epmd and speaks the
// distribution protocol with other lvm nodes and with Erlang/Elixir nodes.
//
// Threads (none of them a scheduler worker, none started without --name):
// - the acceptor: accepts connections and runs the handshake (erl_interface's
//   ei_accept_tmo, cookies checked there);
// - the connector: opens connections the workers ask for (ei_connect_tmo);
// - the I/O thread: an epoll loop finishing writes a worker could not
//   complete, sending ticks, adding and closing connections, and reading
//   connections itself only when no worker has for a while (kFallbackNs:
//   every worker busy).
// Input is read by an idle worker: the scheduler lets one of its parked
// workers wait in poll() (RemoteHub) on the connections' epoll set instead
// of its condition variable, so a message from another node is read,
// decoded and put in its receiver's mailbox by the worker that then runs
// the receiver, with no thread hop and no wake-up on the way. A
// connection's input is read by one thread at a time (read_mu).
// A worker sending to a remote pid appends the frame to the connection's
// buffer and writes it with one non-blocking send() if nobody else is
// writing; what the socket does not take the I/O thread writes later. So a
// worker never blocks on the network.
#pragma once

#include <ei.h>
#include <sys/epoll.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "dist/etf.h"
#include "dist/sha256.h"
#include "vm/remote.h"
#include "vm/scheduler.h"

namespace lvm::dist {

// How `lvm run` starts a node.
struct NodeConfig {
  std::string name;         // NAME@HOST (--name) or NAME (--sname: the short host name is added)
  bool short_name = false;  // --sname
  std::string cookie;       // --cookie; empty: ~/.erlang.cookie
  uint32_t max_frame = 64u << 20;  // a frame longer than this closes its connection
  bool log = true;          // connection events on stderr
  // Remote spawn (docs/distribution.md): whether other nodes may spawn
  // here (--no-remote-spawn), the largest module they may send
  // (--max-remote-module), and how a module that arrives is loaded and
  // linked (the CLI's loader and host functions; null with `error` set
  // when the bytes are not a valid module or do not link).
  bool remote_spawn = true;
  uint32_t max_remote_module = 16u << 20;
  std::function<std::shared_ptr<const ModuleImage>(std::span<const uint8_t>, std::string* error)> load_module;
};

// The time from `then` to `now` (now_ns() clock), 0 if `then` is later.
// A connection's timestamps (last_read_ns, last_write_ns) and the node's
// are stored by whichever thread reads or writes, so a `now` one thread
// took can be older than a timestamp another thread (or this one, since)
// stored: the plain difference of unsigned times then wraps to about
// 2^64 ns, and a connection read a moment ago looked silent for centuries.
inline uint64_t elapsed_ns(uint64_t now, uint64_t then) { return now > then ? now - then : 0; }

// The largest --max-remote-module: a module travels in one frame.
inline constexpr uint32_t kMaxRemoteModuleLimit = (64u << 20) - (64u << 10);

// Links and monitors between this node and another, guarded by mu.
struct PeerState {
  std::mutex mu;
  std::set<std::pair<Pid, Pid>> links;  // (local, remote)
  struct OutMonitor { Pid watcher, target; };
  std::unordered_map<uint64_t, OutMonitor> monitors;  // our monitors of its processes, by our ref
  struct InMonitor { Pid target, watcher; std::vector<uint8_t> ref; };
  std::unordered_map<uint64_t, InMonitor> watched;    // its monitors of our processes, by our ref
  uint64_t unlink_id = 0;
};

// One connection to another node (or an attempt at one).
struct Connection : std::enable_shared_from_this<Connection> {
  uint32_t node = 0;        // index in the node table
  std::string peer;         // its name
  int fd = -1;
  std::atomic<bool> up{false};
  std::atomic<bool> dead{false};
  // Output: frames appended by any thread under out_mu; `writing` is held
  // by the one thread writing wbuf (a worker, or the I/O thread).
  std::mutex out_mu;
  std::vector<uint8_t> out;
  bool writing = false;
  std::atomic<int> in_flush{0};  // threads inside flush(): the fd stays open while any is
  std::vector<uint8_t> wbuf;
  size_t woff = 0;
  std::atomic<uint64_t> last_write_ns{0};
  // flush() met a full socket and left `writing` to the I/O thread, which
  // goes on when epoll says it is writable (a stale event of a closed fd
  // whose number came back finds this false).
  std::atomic<bool> wait_out{false};
  // Input, read by whoever holds read_mu (a polling worker or the I/O
  // thread); lost() closes the fd with it held.
  std::mutex read_mu;
  std::vector<uint8_t> in;
  size_t in_len = 0;
  std::atomic<uint64_t> last_read_ns{0};
  // Opened by this node (the connector), not accepted.
  bool outgoing = false;
  // Superseded by another connection to the same node (both nodes
  // connected at once): read until the peer closes it, never written to
  // again, and closed quietly.
  std::atomic<bool> drain{false};
  // Order across the switch (docs/distribution.md): a connection of the
  // peer's that this node drains while the peer moves to ours holds what
  // the peer sent first, so ours is not read until it is closed; and ours,
  // done while the acceptor is inside a handshake (perhaps the peer's
  // connection, not yet adopted), is not read until that accept ends.
  // `holds`: how many reasons keep it out of the input epoll set;
  // `in_input`: in it; both guarded by the node's io_mu_. `releases`: the
  // connection a drained one holds, let go when it closes.
  int holds = 0;
  bool in_input = false;
  std::shared_ptr<Connection> releases;
  // A stale connection replaced by a new one from a node that came back:
  // its close still reports noconnection.
  std::atomic<bool> signal_on_close{false};
  // Links and monitors with the node, shared by its connections.
  std::shared_ptr<PeerState> sig = std::make_shared<PeerState>();
  // The last remote sender seen (most frames come from the same one).
  WirePid last_sender_wire;
  std::string last_sender_node;
  Pid last_sender = 0;
  uint64_t last_sender_epoch = 0;
};

class Node final : public RemoteHub {
 public:
  // Publishes the node and starts its threads. Null with `error` set when
  // it cannot (no epmd, a name taken, a bad name).
  static std::unique_ptr<Node> start(const NodeConfig& config, Scheduler& sched, std::string* error);
  ~Node() override;

  // RemoteHub.
  bool send(Pid from, Pid to, int64_t tag, std::span<const uint8_t> data) override;
  bool kill(Pid from, Pid to) override;
  bool link(Pid local, Pid remote) override;
  void unlink(Pid local, Pid remote) override;
  bool monitor(Pid watcher, Pid target, uint64_t ref) override;
  void demonitor(Pid watcher, Pid target, uint64_t ref) override;
  void exit_signal(Pid from, Pid to, const ExitReason& reason) override;
  void down(Pid from, Pid watcher, uint64_t ref, const ExitReason& reason) override;
  const std::string& node_name() const override { return name_; }
  bool send_named(Pid from, std::string_view node, std::string_view name, int64_t tag,
                  std::span<const uint8_t> data) override;
  std::string pid_node(Pid pid) override;
  std::vector<uint8_t> encode_pid(Pid pid) override;
  Pid decode_pid(std::span<const uint8_t> bytes) override;
  bool monitor_node(Pid watcher, std::string_view node, bool on) override;
  bool spawn_remote(Pid caller, const RemoteSpawn& req, RemoteResult& out) override;
  bool whereis_remote(Pid caller, std::string_view node, std::string_view name, RemoteResult& out) override;
  bool call_result(Pid caller, bool abandon, RemoteResult& out) override;
  void flush_output(uint64_t timeout_ns) override;
  bool polls() const override { return true; }
  void poll(uint64_t deadline) override;
  void wake_poll() override;

  // A module this node has already (the one it runs): remote spawns of
  // it need not send it.
  void add_module(const std::shared_ptr<const ModuleImage>& image);

  // The frame handler (control.cpp), public for the I/O thread's use:
  // false with `why` for bad input (the connection is then closed).
  bool handle_frame(Connection& c, std::span<const uint8_t> frame, std::string& why);

 private:
  Node(const NodeConfig& config, Scheduler& sched);

  // ---- remote pids (kRemotePidBit | generation << 32 | index into pids_) ----
  // A slot is freed when its process is known to be gone: its node came
  // back with another creation (a pid of the node itself, seen on its
  // connection, says so). The slot's generation then moves on, so a
  // handle a guest kept names nothing (sends give LVM_ENOPROC) and is
  // never taken for another process.
  struct RemotePid {
    uint32_t node, id, serial, creation;
    uint32_t gen = 0;
    bool live = true;
  };
  struct PidKey {
    uint32_t node, id, serial, creation;
    bool operator==(const PidKey&) const = default;
  };
  struct PidKeyHash {
    size_t operator()(const PidKey& k) const {
      return std::hash<uint64_t>()((uint64_t(k.node) << 32 | k.id) ^ (uint64_t(k.serial) << 17) ^ k.creation);
    }
  };
  std::mutex pid_mu_;
  std::vector<RemotePid> pids_;
  std::unordered_map<PidKey, Pid, PidKeyHash> pid_index_;
  std::vector<uint32_t> free_pids_;
  // By node: the creation of its current incarnation and its pids' slots.
  struct NodePids {
    uint32_t creation = 0;
    std::vector<uint32_t> slots;
  };
  std::unordered_map<uint32_t, NodePids> node_pids_;
  std::atomic<uint64_t> pid_epoch_{0};  // moves when slots are freed (the sender caches)
  bool remote_pid(Pid handle, RemotePid& out);
  // The handle for a wire pid; a pid of this node becomes its local pid
  // (0 if it names nothing this node could have made). `current`: the pid
  // comes from its own node's connection, so its creation is that node's
  // now, and pids of older incarnations are freed.
  Pid from_wire(const WirePid& w, bool current = false);
  void forget_incarnations(uint32_t node, uint32_t creation);  // with pid_mu_ held
  void write_pid(EtfWriter& w, Pid pid);  // local or remote

  // ---- the node table: names, their connections, node monitors ----
  struct NodeSlot {
    std::string name;
    std::shared_ptr<Connection> conn;
    std::vector<Pid> watchers;  // lvm_monitor_node
  };
  std::mutex nodes_mu_;
  std::vector<NodeSlot> nodes_;
  std::unordered_map<std::string, uint32_t> node_index_;
  uint32_t node_of(std::string_view name);  // interns
  std::string node_name_of(uint32_t index);
  // The connection to a node, opening one if there is none (connect).
  std::shared_ptr<Connection> connection(uint32_t node, bool connect = true);

  // ---- sending ----
  // Appends a frame made of a control term and an optional message term
  // to c's output and writes it if nobody is writing.
  void send_frame(Connection& c, const std::vector<uint8_t>& frame);
  void flush(Connection& c);  // with c.writing held
  std::vector<uint8_t> begin_frame();
  static void end_frame(std::vector<uint8_t>& frame);
  void encode_reason(EtfWriter& w, const ExitReason& r);
  ExitReason decode_reason(std::span<const uint8_t> term);
  void message_term(EtfWriter& w, int64_t tag, std::span<const uint8_t> data);
  // A reference this node made for a monitor, back to its number.
  bool our_ref(const WireRef& ref, uint64_t& out) const;
  // Incoming (control.cpp): a pid of the frame (the sender cache first),
  // a local pid addressed by it (0: not one of ours), and the delivery of
  // a message term to a local process.
  Pid sender_pid(Connection& c, const WirePid& w);
  Pid local_pid(const WirePid& w) const;
  void deliver(Pid from, Pid to, std::span<const uint8_t> term);

  // ---- calls to other nodes and their answers (remote_call.cpp) ----
  // One call waiting for another node's answer, made by a process blocked
  // in spawn_remote or whereis_remote.
  struct Call {
    enum class Kind { Spawn, Whereis } kind = Kind::Spawn;
    Pid caller = 0;
    uint32_t node = 0;
    uint64_t id = 0;
    bool done = false;
    RemoteResult result;
    // A spawn's request, kept to send it again with the module if the
    // node lacks it.
    std::shared_ptr<const ModuleImage> image;
    Sha256 hash{};
    uint32_t func = 0;
    std::vector<uint8_t> args;
    bool link = false, monitor = false, no_spawn = false, module_sent = false;
    bool abandoned = false;  // the caller gave up: a late answer is dropped
    uint32_t max_memory_pages = 0;
    uint64_t max_reductions = 0;
    uint64_t monitor_ref = 0;
  };
  std::mutex calls_mu_;
  std::unordered_map<uint64_t, Call> calls_;      // by id
  std::unordered_map<Pid, uint64_t> call_of_;     // a caller's call
  uint64_t next_call_ = 0;
  // Starts a call: its entry, or null (out set) if the node is unreachable.
  Call* start_call(Pid caller, std::string_view node, Call::Kind kind, RemoteResult& out,
                   std::shared_ptr<Connection>& conn);
  // Ends a call with `r` and wakes its caller (with calls_mu_ held).
  void finish_call(Call& call, const RemoteResult& r);
  // Every call to `node` ends with NoNode (its connection was lost).
  void fail_calls(uint32_t node);
  void send_spawn_request(Connection& c, const Call& call, bool with_module);
  // Modules by hash: those this node runs and those that came for remote
  // spawns (at most kModuleCacheSize of those, the oldest dropped first);
  // and the hashes of the modules this node's processes run.
  std::mutex modules_mu_;
  std::map<Sha256, std::shared_ptr<const ModuleImage>> modules_;
  std::deque<Sha256> module_order_;
  std::unordered_map<const ModuleImage*, std::pair<std::weak_ptr<const ModuleImage>, Sha256>> hashes_;
  Sha256 module_hash(const std::shared_ptr<const ModuleImage>& image);
  // Incoming: a spawn request (REG_SEND to $lvm_spawn), a call to rex
  // (erlang:whereis/1 only) and an answer to one of this node's calls
  // (a SEND to its system pid). False with `why` for a malformed one.
  bool spawn_request(Connection& c, const WirePid& from, std::span<const uint8_t> term, std::string& why);
  void rex_request(Connection& c, std::span<const uint8_t> term);
  bool call_answer(Connection& c, std::span<const uint8_t> term, std::string& why);
  // Writes this node's system pid (id 0, serial 0: no process), which
  // answers come to.
  void write_system_pid(EtfWriter& w) { w.pid(name_, 0, 0, creation_); }
  bool is_system_pid(const WirePid& w) const { return w.id == 0 && w.serial == 0 && w.node == name_; }

  // ---- connections ----
  // A handshake done: `outgoing` is the connection the connector opened.
  void adopt(int fd, const std::string& peer, const std::shared_ptr<Connection>& outgoing);
  void lost(const std::shared_ptr<Connection>& c, const std::string& why);
  void close_later(Connection& c, const std::string& why);
  void drain(Connection& c);  // stops writing a superseded connection
  // Keeps c's input unread (hold) or, once every hold is released, reads
  // it again: see Connection::holds.
  void hold(Connection& c);
  void release(Connection& c);
  // Adds c's fd to the input epoll set unless held (with io_mu_ held).
  void watch_input(Connection& c);
  // The acceptor ended an accept (adopted or failed): the connections
  // this node opened meanwhile are read now (unless a drain holds them).
  void end_accept();
  // Sends a frame answering one that came on c: on c, or on the node's
  // current connection if c is superseded.
  void reply(Connection& c, const std::vector<uint8_t>& frame);
  void wake_io();
  void acceptor_main();
  void connector_main();
  void io_main();
  // Reads what c has (with c.read_mu held) and handles its frames.
  void read_ready(const std::shared_ptr<Connection>& c);
  // Handles what epoll_wait on data_ep_ returned: reads each connection
  // nobody else is reading. `worker`: on the polling worker (which drains
  // poll_wake_fd_).
  void read_events(const epoll_event* events, int n, bool worker);
  std::shared_ptr<Connection> by_fd(int fd);
  void tick(uint64_t now);
  void notify_nodes(uint32_t node, bool up);

  NodeConfig config_;
  Scheduler& sched_;
  std::string name_;     // NAME@HOST
  ei_cnode ec_{};
  uint32_t creation_ = 0;
  int listen_fd_ = -1, epmd_fd_ = -1, epoll_fd_ = -1, wake_fd_ = -1;
  // Input: the connections (EPOLLIN) and poll_wake_fd_ (wake_poll), waited
  // on by the polling worker; epoll_fd_ has wake_fd_ and connections
  // waiting to be writable (EPOLLOUT).
  int data_ep_ = -1, poll_wake_fd_ = -1;
  std::atomic<bool> in_poll_{false};         // a worker waits in poll()
  std::atomic<uint64_t> last_poll_ns_{0};    // when one last left it
  std::atomic<uint64_t> last_input_ns_{0};   // when a connection was last read
  std::atomic<bool> stop_{false};
  std::thread acceptor_, connector_, io_;
  // The acceptor is inside a handshake (from poll() to its adopt()), and
  // the connections this node opened meanwhile, held until it ends
  // (Connection::holds); under nodes_mu_.
  bool accepting_ = false;
  std::vector<std::shared_ptr<Connection>> accept_held_;
  std::mutex connect_mu_;
  std::condition_variable connect_cv_;
  std::deque<std::shared_ptr<Connection>> to_connect_;
  std::mutex io_mu_;  // guards to_add_, to_close_, to_flush_, by_fd_
  std::vector<std::shared_ptr<Connection>> to_add_;
  std::vector<std::pair<std::shared_ptr<Connection>, std::string>> to_close_;
  std::vector<std::shared_ptr<Connection>> to_flush_;  // busy connections a worker handed over (send_frame)
  std::unordered_map<int, std::shared_ptr<Connection>> by_fd_;  // open connections
};

}  // namespace lvm::dist
