// The preview1 ABI as seen from wasm32: enum and flag values from the witx
// (wasi_snapshot_preview1.witx) and the byte offsets of the structures the
// functions read from and write to guest memory.
#pragma once

#include <cstdint>

namespace lvm::wasi {

// `filetype`
enum Filetype : uint8_t {
  kFiletypeUnknown = 0, kFiletypeBlockDevice = 1, kFiletypeCharacterDevice = 2,
  kFiletypeDirectory = 3, kFiletypeRegularFile = 4, kFiletypeSocketDgram = 5,
  kFiletypeSocketStream = 6, kFiletypeSymbolicLink = 7,
};

// `clockid`
enum : uint32_t { kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2, kClockThreadCputime = 3 };

// `whence`
enum : uint8_t { kWhenceSet = 0, kWhenceCur = 1, kWhenceEnd = 2 };

// `advice`
enum : uint8_t {
  kAdviceNormal = 0, kAdviceSequential = 1, kAdviceRandom = 2, kAdviceWillNeed = 3,
  kAdviceDontNeed = 4, kAdviceNoReuse = 5,
};

// `fdflags` (u16)
enum : uint16_t { kFdflagAppend = 1, kFdflagDsync = 2, kFdflagNonblock = 4, kFdflagRsync = 8, kFdflagSync = 16 };

// `oflags` (u16)
enum : uint16_t { kOflagCreat = 1, kOflagDirectory = 2, kOflagExcl = 4, kOflagTrunc = 8 };

// `lookupflags` (u32)
enum : uint32_t { kLookupSymlinkFollow = 1 };

// `fstflags` (u16)
enum : uint16_t { kFstAtim = 1, kFstAtimNow = 2, kFstMtim = 4, kFstMtimNow = 8 };

// `eventtype` (u8), `subclockflags` (u16), `eventrwflags` (u16)
enum : uint8_t { kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2 };
enum : uint16_t { kSubclockAbstime = 1 };
enum : uint16_t { kEventFdReadwriteHangup = 1 };

// `riflags`, `roflags`, `siflags`, `sdflags`
enum : uint16_t { kRiflagRecvPeek = 1, kRiflagRecvWaitall = 2 };
enum : uint16_t { kRoflagRecvDataTruncated = 1 };
enum : uint8_t { kSdflagRd = 1, kSdflagWr = 2 };

// `preopentype`
enum : uint8_t { kPreopentypeDir = 0 };

// `rights` (u64)
enum : uint64_t {
  kRightFdDatasync = 1ull << 0, kRightFdRead = 1ull << 1, kRightFdSeek = 1ull << 2,
  kRightFdFdstatSetFlags = 1ull << 3, kRightFdSync = 1ull << 4, kRightFdTell = 1ull << 5,
  kRightFdWrite = 1ull << 6, kRightFdAdvise = 1ull << 7, kRightFdAllocate = 1ull << 8,
  kRightPathCreateDirectory = 1ull << 9, kRightPathCreateFile = 1ull << 10,
  kRightPathLinkSource = 1ull << 11, kRightPathLinkTarget = 1ull << 12, kRightPathOpen = 1ull << 13,
  kRightFdReaddir = 1ull << 14, kRightPathReadlink = 1ull << 15, kRightPathRenameSource = 1ull << 16,
  kRightPathRenameTarget = 1ull << 17, kRightPathFilestatGet = 1ull << 18,
  kRightPathFilestatSetSize = 1ull << 19, kRightPathFilestatSetTimes = 1ull << 20,
  kRightFdFilestatGet = 1ull << 21, kRightFdFilestatSetSize = 1ull << 22,
  kRightFdFilestatSetTimes = 1ull << 23, kRightPathSymlink = 1ull << 24,
  kRightPathRemoveDirectory = 1ull << 25, kRightPathUnlinkFile = 1ull << 26,
  kRightPollFdReadwrite = 1ull << 27, kRightSockShutdown = 1ull << 28, kRightSockAccept = 1ull << 29,
};
// Every right preview1 defines.
inline constexpr uint64_t kRightsAll = (1ull << 30) - 1;
// The rights that make sense on a regular file, a device, a pipe or a socket.
inline constexpr uint64_t kRightsFile =
    kRightFdDatasync | kRightFdRead | kRightFdSeek | kRightFdFdstatSetFlags | kRightFdSync | kRightFdTell |
    kRightFdWrite | kRightFdAdvise | kRightFdAllocate | kRightFdFilestatGet | kRightFdFilestatSetSize |
    kRightFdFilestatSetTimes | kRightPollFdReadwrite | kRightSockShutdown | kRightSockAccept;
// The rights that make sense on a directory.
inline constexpr uint64_t kRightsDirectory =
    kRightFdFdstatSetFlags | kRightFdSync | kRightFdDatasync | kRightFdAdvise |
    kRightPathCreateDirectory | kRightPathCreateFile | kRightPathLinkSource | kRightPathLinkTarget |
    kRightPathOpen | kRightFdReaddir | kRightPathReadlink | kRightPathRenameSource | kRightPathRenameTarget |
    kRightPathFilestatGet | kRightPathFilestatSetSize | kRightPathFilestatSetTimes | kRightFdFilestatGet |
    kRightFdFilestatSetTimes | kRightPathSymlink | kRightPathRemoveDirectory | kRightPathUnlinkFile |
    kRightPollFdReadwrite;

// Structure sizes and field offsets (wasm32).
namespace layout {
// iovec / ciovec: buf u32 @0, buf_len u32 @4.
inline constexpr uint32_t kIovecSize = 8;
// fdstat: fs_filetype u8 @0, fs_flags u16 @2, fs_rights_base u64 @8, fs_rights_inheriting u64 @16.
inline constexpr uint32_t kFdstatSize = 24;
// filestat: dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56.
inline constexpr uint32_t kFilestatSize = 64;
// dirent: d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20; the name follows.
inline constexpr uint32_t kDirentSize = 24;
// prestat: tag u8 @0, pr_name_len u32 @4.
inline constexpr uint32_t kPrestatSize = 8;
// subscription: userdata u64 @0, tag u8 @8; clock: id u32 @16, timeout u64 @24,
// precision u64 @32, flags u16 @40; fd_read/fd_write: fd u32 @16.
inline constexpr uint32_t kSubscriptionSize = 48;
// event: userdata u64 @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24.
inline constexpr uint32_t kEventSize = 32;
}  // namespace layout

}  // namespace lvm::wasi
