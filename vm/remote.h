// Processes on other nodes (brief section 9, docs/distribution.md): what the
// scheduler asks of the distribution layer. vm/ knows a remote process only
// as a pid with kRemotePidBit set and hands everything about it to the
// RemoteHub that `lvm run --name` installs (dist/node.h); without one such a
// pid names no process.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lvm {

using Pid = uint64_t;
struct ExitReason;
class ModuleImage;

// A spawn on another node (lvm_spawn_remote): a function of `image` (the
// caller's module, sent to the node if it lacks it) with `args`, linked
// and/or monitored from the start, its limits narrowed (0: the node's).
struct RemoteSpawn {
  std::string_view node;
  std::shared_ptr<const ModuleImage> image;
  uint32_t func = 0;
  std::span<const uint8_t> args;
  bool link = false, monitor = false, no_spawn = false;
  uint32_t max_memory_pages = 0;
  uint64_t max_reductions = 0;
};

// How a call to another node ended (docs/distribution.md; the ABI maps
// each to an lvm status).
enum class RemoteStatus : int32_t {
  Ok,
  NoNode,       // the node cannot be reached, or its connection was lost
  Refused,      // the node runs with --no-remote-spawn
  TooLarge,     // the module is beyond the node's --max-remote-module
  BadModule,    // the node could not load the module
  NoEntry,      // no such function, or not of type [] -> []
  Limit,        // the node's process or memory limit
  NotFound,     // whereis: no such name there
  TimedOut,     // no answer in time
};

// The result of a call: its status, the pid (the child, or the name's
// process) and, for a monitored spawn, the monitor's reference.
struct RemoteResult {
  RemoteStatus status = RemoteStatus::NoNode;
  Pid pid = 0;
  uint64_t monitor_ref = 0;
};

// The message tag that wakes a process waiting for a call to another node
// (never seen by guests: the waiting host call removes it).
inline constexpr int64_t kTagCallDone = INT64_MIN + 6;

// Local pids are `generation << 24 | index` (below 2^56); a pid with this
// bit names a process on another node, through the distribution layer's
// table of remote pids. So a local pid costs what it always did.
inline constexpr Pid kRemotePidBit = Pid(1) << 62;
inline bool is_remote_pid(Pid p) { return (p & kRemotePidBit) != 0; }

// The distribution layer as the scheduler sees it. Every call comes from a
// worker (or a timer) and never blocks: it queues what it must send on the
// node's connection (opening one if needed) and returns.
class RemoteHub {
 public:
  virtual ~RemoteHub() = default;
  // A message to a remote process. False if its node is known to be gone.
  virtual bool send(Pid from, Pid to, int64_t tag, std::span<const uint8_t> data) = 0;
  // Erlang's exit/2 with reason kill, from a local process.
  virtual bool kill(Pid from, Pid to) = 0;
  // Local process `local` links to remote `remote` (LINK). False: the node
  // cannot be reached (the caller then gets noconnection).
  virtual bool link(Pid local, Pid remote) = 0;
  virtual void unlink(Pid local, Pid remote) = 0;
  // Local `watcher` monitors remote `target` with reference `ref`
  // (MONITOR_P); a DOWN comes back as a message. False: unreachable.
  virtual bool monitor(Pid watcher, Pid target, uint64_t ref) = 0;
  virtual void demonitor(Pid watcher, Pid target, uint64_t ref) = 0;
  // Local process `from` ended and was linked to remote `to` (EXIT).
  virtual void exit_signal(Pid from, Pid to, const ExitReason& reason) = 0;
  // Local process `from`, monitored by remote `watcher` under `ref`, ended
  // (MONITOR_P_EXIT).
  virtual void down(Pid from, Pid watcher, uint64_t ref, const ExitReason& reason) = 0;

  // ---- for the lvm ABI (host-api/lvm) ----

  // This node's name (NAME@HOST).
  virtual const std::string& node_name() const = 0;
  // A message to the process registered as `name` on `node` (Erlang's
  // {Name, Node} ! Msg). False if the node is this one and has no such name.
  virtual bool send_named(Pid from, std::string_view node, std::string_view name, int64_t tag,
                          std::span<const uint8_t> data) = 0;
  // The node a pid lives on; empty for an unknown remote pid.
  virtual std::string pid_node(Pid pid) = 0;
  // A pid as portable bytes (a pid in the external term format) and back;
  // decode returns 0 for bytes that are not a pid.
  virtual std::vector<uint8_t> encode_pid(Pid pid) = 0;
  virtual Pid decode_pid(std::span<const uint8_t> bytes) = 0;
  // `watcher` gets NODEUP/NODEDOWN messages about `node` (on), or no more
  // (off). Connects to it if need be. False for a malformed node name.
  virtual bool monitor_node(Pid watcher, std::string_view node, bool on) = 0;

  // Calls that wait for the other node's answer: each starts the call for
  // `caller` (which then waits in its host call, woken by a kTagCallDone
  // message whose payload is the caller's pid) and returns true, or
  // returns false with `out` set when it failed at once. A process has at
  // most one such call at a time.
  virtual bool spawn_remote(Pid caller, const RemoteSpawn& req, RemoteResult& out) = 0;
  // The pid registered as `name` on `node` (lvm and Erlang nodes: an rpc
  // of erlang:whereis/1 through the node's `rex`).
  virtual bool whereis_remote(Pid caller, std::string_view node, std::string_view name, RemoteResult& out) = 0;
  // The caller's call: true with `out` once its answer came. With
  // `abandon` the call is given up (a late answer is dropped, a child
  // spawned linked is told to exit) unless the answer came already.
  virtual bool call_result(Pid caller, bool abandon, RemoteResult& out) = 0;

  // ---- input on an idle worker (docs/distribution.md, "Threads") ----

  // Whether an idle worker may wait for the network in poll() instead of
  // parking: a message from another node is then read and delivered by
  // the worker that runs its receiver, with no thread hop.
  virtual bool polls() const { return false; }
  // Waits until input from other nodes came (and handles it on the calling
  // worker: what it wakes goes to that worker's run-next slot), wake_poll()
  // is called, or `deadline` (now_ns() clock; UINT64_MAX: none) passes.
  virtual void poll(uint64_t deadline) { (void)deadline; }
  // Ends a poll() under way (or makes the next one return at once).
  virtual void wake_poll() {}

  // Before the OS process exits: waits until what was sent to other nodes
  // is written and has left the socket (or `timeout_ns` passed), so a
  // node whose root sends and then returns loses none of it.
  virtual void flush_output(uint64_t timeout_ns) { (void)timeout_ns; }
};

}  // namespace lvm
