// Shared by the preview1 implementation files (not a public header): how a
// function is registered, and the guest-memory helpers every area uses.
#pragma once

#include <sys/stat.h>
#include <sys/uio.h>

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/wasi/abi.h"
#include "host-api/wasi/errno.h"
#include "host-api/wasi/wasi.h"

namespace lvm::wasi {

// The body of a preview1 function: reads its arguments from `call`, returns
// the errno that becomes its only result.
using Impl = Errno (*)(WasiContext& ctx, HostCall& call);

// Collects host functions bound to one context.
class Registry {
 public:
  Registry(std::shared_ptr<WasiContext> ctx, std::vector<HostFunction>& out) : ctx_(std::move(ctx)), out_(out) {}
  // Adds `name` with parameters spelled one letter each ('i' = i32, 'I' =
  // i64) and one i32 result (the errno).
  void add(const char* name, const char* params, Impl fn);
  // The context the functions are bound to.
  const std::shared_ptr<WasiContext>& context() const { return ctx_; }
  // Adds a function that handles its own results and trap (proc_exit).
  void add_raw(const char* name, const char* params, const char* results, std::function<Trap(HostCall&)> fn);

 private:
  std::shared_ptr<WasiContext> ctx_;
  std::vector<HostFunction>& out_;
};

// One registration function per area (one per .cpp file).
void register_args_env(Registry& r);
void register_clocks_random(Registry& r);
void register_fd_io(Registry& r);
void register_fd_stat(Registry& r);
void register_fd_dir(Registry& r);
void register_paths(Registry& r);
void register_poll_sched_proc(Registry& r);
void register_sockets(Registry& r);

// Longest path accepted from the guest (Linux PATH_MAX less the NUL).
inline constexpr uint32_t kMaxPathLen = 4095;
// At most this many iovecs are used by one read or write (the rest are left
// for the guest to retry, as a short transfer).
inline constexpr uint32_t kMaxIovecs = 1024;

// Copies the guest string [ptr, ptr+len) into `out`: EFAULT out of bounds,
// ENAMETOOLONG beyond kMaxPathLen, EILSEQ if it holds a NUL byte.
Errno read_path(const HostCall& call, uint32_t ptr, uint32_t len, std::string& out);

// Turns a guest iovec array into host iovecs pointing into guest memory,
// checking the array and every buffer: EFAULT if any is out of bounds.
Errno gather_iovecs(const HostCall& call, uint32_t iovs, uint32_t count, std::vector<iovec>& out);

// Stores a WASI filestat for a host stat at `ptr` (already bounds-checked).
void write_filestat(uint8_t* p, const struct stat& st);

// Converts WASI (timestamp, fstflags) pairs to a utimensat timespec pair;
// EINVAL for a contradictory combination.
Errno make_timespecs(uint64_t atim, uint64_t mtim, uint16_t fst_flags, struct timespec out[2]);

// The host clock behind a WASI clock id; false for an unknown id.
bool host_clock(uint32_t id, clockid_t& out);

// The entry for guest fd argument `i` of `call`, or nullptr.
inline std::shared_ptr<FdEntry> fd_arg(WasiContext& ctx, const HostCall& call, size_t i) {
  return ctx.fds().get(call.u32(i));
}

// The entry for guest fd argument `i` if its base rights hold every right in
// `needed` (the right preview1 attaches to the operation): EBADF when it is
// not open, ENOTCAPABLE when a right is missing.
inline Errno fd_arg_with(WasiContext& ctx, const HostCall& call, size_t i, uint64_t needed,
                         std::shared_ptr<FdEntry>& out) {
  out = fd_arg(ctx, call, i);
  if (!out) return kBadf;
  return out->has_rights(needed) ? kSuccess : kNotCapable;
}

}  // namespace lvm::wasi
