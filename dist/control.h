// Control message operations of the distribution protocol (ERTS
// "Distribution Protocol", "Protocol between connected nodes"): the first
// element of every control tuple.
#pragma once

#include <cstdint>
#include <string_view>

namespace lvm::dist {

enum DistOp : int64_t {
  kDopLink = 1,           // {1, FromPid, ToPid}
  kDopSend = 2,           // {2, Unused, ToPid} + message
  kDopExit = 3,           // {3, FromPid, ToPid, Reason}
  kDopUnlink = 4,         // {4, FromPid, ToPid} (before UNLINK_ID)
  kDopRegSend = 6,        // {6, FromPid, Unused, ToName} + message
  kDopExit2 = 8,          // {8, FromPid, ToPid, Reason}
  kDopSendTT = 12,        // {12, Unused, ToPid, TraceToken} + message
  kDopRegSendTT = 16,     // {16, FromPid, Unused, ToName, TraceToken} + message
  kDopMonitorP = 19,      // {19, FromPid, ToProc, Ref}
  kDopDemonitorP = 20,    // {20, FromPid, ToProc, Ref}
  kDopMonitorPExit = 21,  // {21, FromProc, ToPid, Ref, Reason}
  kDopSendSender = 22,    // {22, FromPid, ToPid} + message (DFLAG_SEND_SENDER)
  kDopSendSenderTT = 23,  // {23, FromPid, ToPid, TraceToken} + message
  kDopUnlinkId = 35,      // {35, Id, FromPid, ToPid}
  kDopUnlinkIdAck = 36,   // {36, Id, FromPid, ToPid}
};

// The third word of the references this node makes for its monitors.
inline constexpr uint32_t kRefMark = 0x6c766d;  // "lvm"

// The registered name remote spawn requests go to (remote_call.cpp); the
// node answers it (and `rex`) itself, never a process.
inline constexpr std::string_view kSpawnServiceName = "$lvm_spawn";

}  // namespace lvm::dist
