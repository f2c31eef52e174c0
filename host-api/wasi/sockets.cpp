// Sockets handed to the guest as descriptors (preview1 cannot create them):
// sock_accept, sock_recv, sock_send, sock_shutdown.
#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

#include "host-api/wasi/internal.h"

namespace lvm::wasi {

namespace {

// sock_accept(fd, flags, *fd): flags may hold only fdflags.nonblock.
Errno sock_accept(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> e;
  if (Errno err = fd_arg_with(ctx, call, 0, kRightSockAccept, e)) return err;
  uint32_t flags = call.u32(1) & 0xFFFF, out = call.u32(2);
  if (!call.check(out, 4)) return kFault;
  if (flags & ~uint32_t(kFdflagNonblock)) return kInval;
  int fd;
  do fd = ::accept4(e->host_fd, nullptr, nullptr, SOCK_CLOEXEC | ((flags & kFdflagNonblock) ? SOCK_NONBLOCK : 0));
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return last_error();
  auto entry = FdEntry::wrap(fd, /*owned=*/true);
  entry->rights_base = kRightsFile;
  std::optional<uint32_t> n = ctx.fds().insert(std::move(entry));
  if (!n) return kMfile;
  call.store<uint32_t>(out, *n);
  return kSuccess;
}

// sock_recv(fd, ri_data, ri_data_len, ri_flags, *ro_datalen, *ro_flags)
Errno sock_recv(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> e;
  if (Errno err = fd_arg_with(ctx, call, 0, kRightFdRead, e)) return err;
  uint32_t ri_flags = call.u32(3) & 0xFFFF, len_out = call.u32(4), flags_out = call.u32(5);
  if (!call.check(len_out, 4) || !call.check(flags_out, 2)) return kFault;
  std::vector<iovec> iov;
  if (Errno err = gather_iovecs(call, call.u32(1), call.u32(2), iov)) return err;
  if (ri_flags & ~uint32_t(kRiflagRecvPeek | kRiflagRecvWaitall)) return kInval;
  struct msghdr msg = {};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  int flags = ((ri_flags & kRiflagRecvPeek) ? MSG_PEEK : 0) | ((ri_flags & kRiflagRecvWaitall) ? MSG_WAITALL : 0);
  ssize_t n;
  do n = ::recvmsg(e->host_fd, &msg, flags);
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_error();
  call.store<uint32_t>(len_out, uint32_t(n));
  call.store<uint16_t>(flags_out, (msg.msg_flags & MSG_TRUNC) ? kRoflagRecvDataTruncated : 0);
  return kSuccess;
}

// sock_send(fd, si_data, si_data_len, si_flags, *so_datalen)
Errno sock_send(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> e;
  if (Errno err = fd_arg_with(ctx, call, 0, kRightFdWrite, e)) return err;
  uint32_t len_out = call.u32(4);
  if (!call.check(len_out, 4)) return kFault;
  std::vector<iovec> iov;
  if (Errno err = gather_iovecs(call, call.u32(1), call.u32(2), iov)) return err;
  if (call.u32(3) & 0xFFFF) return kInval;  // no siflags are defined
  struct msghdr msg = {};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  ssize_t n;
  do n = ::sendmsg(e->host_fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_error();
  call.store<uint32_t>(len_out, uint32_t(n));
  return kSuccess;
}

// sock_shutdown(fd, how)
Errno sock_shutdown(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> e;
  if (Errno err = fd_arg_with(ctx, call, 0, kRightSockShutdown, e)) return err;
  int how;
  switch (call.u32(1) & 0xFF) {
    case kSdflagRd: how = SHUT_RD; break;
    case kSdflagWr: how = SHUT_WR; break;
    case kSdflagRd | kSdflagWr: how = SHUT_RDWR; break;
    default: return kInval;
  }
  return ::shutdown(e->host_fd, how) == 0 ? kSuccess : last_error();
}

}  // namespace

void register_sockets(Registry& r) {
  r.add("sock_accept", "iii", sock_accept);
  r.add("sock_recv", "iiiiii", sock_recv);
  r.add("sock_send", "iiiii", sock_send);
  r.add("sock_shutdown", "ii", sock_shutdown);
}

}  // namespace lvm::wasi
