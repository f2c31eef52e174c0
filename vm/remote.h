// Processes on other nodes (brief section 9, docs/distribution.md): what the
// scheduler asks of the distribution layer. vm/ knows a remote process only
// as a pid with kRemotePidBit set and hands everything about it to the
// RemoteHub that `lvm run --name` installs (dist/node.h); without one such a
// pid names no process.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lvm {

using Pid = uint64_t;
struct ExitReason;

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
};

}  // namespace lvm
