// Descriptor and file attributes: fd_fdstat_*, fd_filestat_*.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "host-api/wasi/internal.h"

namespace lvm::wasi {

namespace {

// The WASI fdflags of host open-file status flags.
uint16_t fdflags_from_host(int fl) {
  uint16_t f = 0;
  if (fl & O_APPEND) f |= kFdflagAppend;
  if (fl & O_NONBLOCK) f |= kFdflagNonblock;
  if ((fl & O_SYNC) == O_SYNC) f |= kFdflagSync | kFdflagRsync;  // O_RSYNC == O_SYNC on Linux
  else if (fl & O_DSYNC) f |= kFdflagDsync;
  return f;
}

// fd_fdstat_get(fd, *fdstat)
Errno fd_fdstat_get(WasiContext& ctx, HostCall& call) {
  auto e = fd_arg(ctx, call, 0);
  if (!e) return kBadf;
  uint8_t* p = call.ptr(call.u32(1), layout::kFdstatSize);
  if (!p) return kFault;
  int fl = ::fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return last_error();
  uint16_t flags = fdflags_from_host(fl);
  std::memset(p, 0, layout::kFdstatSize);
  p[0] = e->type;
  std::memcpy(p + 2, &flags, 2);
  uint64_t base = e->rights_base, inheriting = e->rights_inheriting;
  std::memcpy(p + 8, &base, 8);
  std::memcpy(p + 16, &inheriting, 8);
  return kSuccess;
}

// fd_fdstat_set_flags(fd, flags): append and nonblock can change; the sync
// flags cannot change on an open file (Linux ignores them in F_SETFL).
Errno fd_fdstat_set_flags(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> e;
  if (Errno err = fd_arg_with(ctx, call, 0, kRightFdFdstatSetFlags, e)) return err;
  uint32_t want = call.u32(1) & 0xFFFF;
  if (want & ~uint32_t(kFdflagAppend | kFdflagDsync | kFdflagNonblock | kFdflagRsync | kFdflagSync)) return kInval;
  int fl = ::fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return last_error();
  uint16_t sync_mask = kFdflagDsync | kFdflagRsync | kFdflagSync;
  uint16_t have = fdflags_from_host(fl);
  // Asking for RSYNC alone is satisfied by SYNC (they are one flag on Linux).
  uint16_t want_sync = uint16_t(want & sync_mask);
  if (want_sync & (kFdflagSync | kFdflagRsync)) want_sync = kFdflagSync | kFdflagRsync;
  if (want_sync != (have & sync_mask)) return kNotSup;
  int nfl = fl & ~(O_APPEND | O_NONBLOCK);
  if (want & kFdflagAppend) nfl |= O_APPEND;
  if (want & kFdflagNonblock) nfl |= O_NONBLOCK;
  if (nfl != fl && ::fcntl(e->host_fd, F_SETFL, nfl) != 0) return last_error();
  return kSuccess;
}

// fd_fdstat_set_rights(fd, rights_base, rights_inheriting): rights may only
// shrink; asking for one the descriptor lacks is ENOTCAPABLE and changes nothing.
Errno fd_fdstat_set_rights(WasiContext& ctx, HostCall& call) {
  auto e = fd_arg(ctx, call, 0);
  if (!e) return kBadf;
  uint64_t base = uint64_t(call.i64(1)), inheriting = uint64_t(call.i64(2));
  if ((base & ~e->rights_base) || (inheriting & ~e->rights_inheriting)) return kNotCapable;
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return kSuccess;
}

// fd_filestat_get(fd, *filestat)
Errno fd_filestat_get(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> e;
  if (Errno err = fd_arg_with(ctx, call, 0, kRightFdFilestatGet, e)) return err;
  uint8_t* p = call.ptr(call.u32(1), layout::kFilestatSize);
  if (!p) return kFault;
  struct stat st;
  if (::fstat(e->host_fd, &st) != 0) return last_error();
  write_filestat(p, st);
  return kSuccess;
}

// fd_filestat_set_size(fd, size)
Errno fd_filestat_set_size(WasiContext& ctx, HostCall& call) {
  auto e = fd_arg(ctx, call, 0);
  if (!e) return kBadf;
  int64_t size = call.i64(1);
  if (size < 0) return kInval;
  if (e->type == kFiletypeDirectory) return kIsDir;
  if (!e->has_rights(kRightFdFilestatSetSize)) return kNotCapable;
  return ::ftruncate(e->host_fd, size) == 0 ? kSuccess : last_error();
}

// fd_filestat_set_times(fd, atim, mtim, fst_flags)
Errno fd_filestat_set_times(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> e;
  if (Errno err = fd_arg_with(ctx, call, 0, kRightFdFilestatSetTimes, e)) return err;
  struct timespec ts[2];
  if (Errno err = make_timespecs(uint64_t(call.i64(1)), uint64_t(call.i64(2)), uint16_t(call.u32(3)), ts)) return err;
  return ::futimens(e->host_fd, ts) == 0 ? kSuccess : last_error();
}

}  // namespace

void register_fd_stat(Registry& r) {
  r.add("fd_fdstat_get", "ii", fd_fdstat_get);
  r.add("fd_fdstat_set_flags", "ii", fd_fdstat_set_flags);
  r.add("fd_fdstat_set_rights", "iII", fd_fdstat_set_rights);
  r.add("fd_filestat_get", "ii", fd_filestat_get);
  r.add("fd_filestat_set_size", "iI", fd_filestat_set_size);
  r.add("fd_filestat_set_times", "iIIi", fd_filestat_set_times);
}

}  // namespace lvm::wasi
