// Reading, writing and positioning file descriptors, and their lifetime
// (close, renumber, sync, advise, allocate).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "host-api/wasi/internal.h"

namespace lvm::wasi {

namespace {

// Runs a system call returning ssize_t, retrying on EINTR.
template <class F>
ssize_t retry(F f) {
  ssize_t n;
  do n = f();
  while (n < 0 && errno == EINTR);
  return n;
}

// The common shape of fd_read/fd_write/fd_pread/fd_pwrite: fd, iovs,
// iovs_len, [offset], *result. The descriptor needs the rights `needed`;
// `op` performs the transfer.
template <class Op>
Errno transfer(WasiContext& ctx, HostCall& call, size_t result_arg, uint64_t needed, Op op) {
  std::shared_ptr<FdEntry> e;
  if (Errno err = fd_arg_with(ctx, call, 0, needed, e)) return err;
  uint32_t result = call.u32(result_arg);
  if (!call.check(result, 4)) return kFault;
  std::vector<iovec> iov;
  if (Errno err = gather_iovecs(call, call.u32(1), call.u32(2), iov)) return err;
  ssize_t n = retry([&] { return op(e->host_fd, iov); });
  if (n < 0) return last_error();
  call.store<uint32_t>(result, uint32_t(n));
  return kSuccess;
}

// fd_read(fd, iovs, iovs_len, *nread)
Errno fd_read(WasiContext& ctx, HostCall& call) {
  return transfer(ctx, call, 3, kRightFdRead, [](int fd, std::vector<iovec>& v) { return ::readv(fd, v.data(), int(v.size())); });
}

// fd_write(fd, iovs, iovs_len, *nwritten)
Errno fd_write(WasiContext& ctx, HostCall& call) {
  return transfer(ctx, call, 3, kRightFdWrite, [](int fd, std::vector<iovec>& v) { return ::writev(fd, v.data(), int(v.size())); });
}

// fd_pread(fd, iovs, iovs_len, offset, *nread)
Errno fd_pread(WasiContext& ctx, HostCall& call) {
  int64_t off = call.i64(3);
  if (off < 0) return kInval;
  return transfer(ctx, call, 4, kRightFdRead | kRightFdSeek,
                  [off](int fd, std::vector<iovec>& v) { return ::preadv(fd, v.data(), int(v.size()), off); });
}

// fd_pwrite(fd, iovs, iovs_len, offset, *nwritten)
Errno fd_pwrite(WasiContext& ctx, HostCall& call) {
  int64_t off = call.i64(3);
  if (off < 0) return kInval;
  return transfer(ctx, call, 4, kRightFdWrite | kRightFdSeek,
                  [off](int fd, std::vector<iovec>& v) { return ::pwritev(fd, v.data(), int(v.size()), off); });
}

// fd_seek(fd, offset, whence, *newoffset)
Errno fd_seek(WasiContext& ctx, HostCall& call) {
  auto e = fd_arg(ctx, call, 0);
  if (!e) return kBadf;
  uint32_t out = call.u32(3);
  if (!call.check(out, 8)) return kFault;
  int whence;
  switch (call.u32(2) & 0xFF) {
    case kWhenceSet: whence = SEEK_SET; break;
    case kWhenceCur: whence = SEEK_CUR; break;
    case kWhenceEnd: whence = SEEK_END; break;
    default: return kInval;
  }
  if (e->type == kFiletypeDirectory) return kBadf;  // directories are read with cookies, not offsets
  // Asking where the offset is needs fd_tell (or fd_seek); moving it, fd_seek.
  const bool tell_only = call.i64(1) == 0 && whence == SEEK_CUR;
  if (!e->has_rights(kRightFdSeek) && !(tell_only && e->has_rights(kRightFdTell))) return kNotCapable;
  off_t pos = ::lseek(e->host_fd, off_t(call.i64(1)), whence);
  if (pos < 0) return last_error();
  call.store<uint64_t>(out, uint64_t(pos));
  return kSuccess;
}

// fd_tell(fd, *offset)
Errno fd_tell(WasiContext& ctx, HostCall& call) {
  auto e = fd_arg(ctx, call, 0);
  if (!e) return kBadf;
  uint32_t out = call.u32(1);
  if (!call.check(out, 8)) return kFault;
  if (e->type == kFiletypeDirectory) return kBadf;
  if (!e->has_rights(kRightFdTell)) return kNotCapable;
  off_t pos = ::lseek(e->host_fd, 0, SEEK_CUR);
  if (pos < 0) return last_error();
  call.store<uint64_t>(out, uint64_t(pos));
  return kSuccess;
}

// fd_close(fd)
Errno fd_close(WasiContext& ctx, HostCall& call) {
  return ctx.fds().remove(call.u32(0)) ? kSuccess : kBadf;
}

// fd_renumber(fd, to)
Errno fd_renumber(WasiContext& ctx, HostCall& call) { return ctx.fds().renumber(call.u32(0), call.u32(1)); }

// fd_sync(fd)
Errno fd_sync(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> e;
  if (Errno err = fd_arg_with(ctx, call, 0, kRightFdSync, e)) return err;
  return ::fsync(e->host_fd) == 0 ? kSuccess : last_error();
}

// fd_datasync(fd)
Errno fd_datasync(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> e;
  if (Errno err = fd_arg_with(ctx, call, 0, kRightFdDatasync, e)) return err;
  return ::fdatasync(e->host_fd) == 0 ? kSuccess : last_error();
}

// fd_advise(fd, offset, len, advice)
Errno fd_advise(WasiContext& ctx, HostCall& call) {
  auto e = fd_arg(ctx, call, 0);
  if (!e) return kBadf;
  int64_t off = call.i64(1), len = call.i64(2);
  int advice;
  switch (call.u32(3) & 0xFF) {
    case kAdviceNormal: advice = POSIX_FADV_NORMAL; break;
    case kAdviceSequential: advice = POSIX_FADV_SEQUENTIAL; break;
    case kAdviceRandom: advice = POSIX_FADV_RANDOM; break;
    case kAdviceWillNeed: advice = POSIX_FADV_WILLNEED; break;
    case kAdviceDontNeed: advice = POSIX_FADV_DONTNEED; break;
    case kAdviceNoReuse: advice = POSIX_FADV_NOREUSE; break;
    default: return kInval;
  }
  if (off < 0 || len < 0) return kInval;
  if (e->type == kFiletypeDirectory) return kBadf;
  if (!e->has_rights(kRightFdAdvise)) return kNotCapable;
  return errno_from_host(::posix_fadvise(e->host_fd, off, len, advice));
}

// fd_allocate(fd, offset, len)
Errno fd_allocate(WasiContext& ctx, HostCall& call) {
  auto e = fd_arg(ctx, call, 0);
  if (!e) return kBadf;
  int64_t off = call.i64(1), len = call.i64(2);
  if (off < 0 || len < 0) return kInval;
  if (e->type == kFiletypeDirectory) return kBadf;
  if (!e->has_rights(kRightFdAllocate)) return kNotCapable;
  return errno_from_host(::posix_fallocate(e->host_fd, off, len));
}

}  // namespace

void register_fd_io(Registry& r) {
  r.add("fd_advise", "iIIi", fd_advise);
  r.add("fd_allocate", "iII", fd_allocate);
  r.add("fd_close", "i", fd_close);
  r.add("fd_datasync", "i", fd_datasync);
  r.add("fd_pread", "iiiIi", fd_pread);
  r.add("fd_pwrite", "iiiIi", fd_pwrite);
  r.add("fd_read", "iiii", fd_read);
  r.add("fd_renumber", "ii", fd_renumber);
  r.add("fd_seek", "iIii", fd_seek);
  r.add("fd_sync", "i", fd_sync);
  r.add("fd_tell", "ii", fd_tell);
  r.add("fd_write", "iiii", fd_write);
}

}  // namespace lvm::wasi
