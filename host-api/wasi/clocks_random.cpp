// Clocks and randomness: clock_res_get, clock_time_get, random_get.
#include <sys/random.h>

#include <cerrno>
#include <ctime>

#include "host-api/wasi/internal.h"

namespace lvm::wasi {

// The host clock behind a WASI clock id; false for an unknown id.
bool host_clock(uint32_t id, clockid_t& out) {
  switch (id) {
    case kClockRealtime: out = CLOCK_REALTIME; return true;
    case kClockMonotonic: out = CLOCK_MONOTONIC; return true;
    case kClockProcessCputime: out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case kClockThreadCputime: out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

namespace {

uint64_t to_ns(const struct timespec& t) { return uint64_t(t.tv_sec) * 1'000'000'000ull + uint64_t(t.tv_nsec); }

// clock_res_get(id, *resolution)
Errno clock_res_get(WasiContext&, HostCall& call) {
  clockid_t c;
  if (!host_clock(call.u32(0), c)) return kInval;
  uint32_t out = call.u32(1);
  if (!call.check(out, 8)) return kFault;
  struct timespec t;
  if (::clock_getres(c, &t) != 0) return last_error();
  call.store<uint64_t>(out, to_ns(t));
  return kSuccess;
}

// clock_time_get(id, precision, *time): precision is a hint and ignored.
Errno clock_time_get(WasiContext&, HostCall& call) {
  clockid_t c;
  if (!host_clock(call.u32(0), c)) return kInval;
  uint32_t out = call.u32(2);
  if (!call.check(out, 8)) return kFault;
  struct timespec t;
  if (::clock_gettime(c, &t) != 0) return last_error();
  call.store<uint64_t>(out, to_ns(t));
  return kSuccess;
}

// random_get(buf, buf_len): from the kernel's CSPRNG.
Errno random_get(WasiContext&, HostCall& call) {
  uint32_t len = call.u32(1);
  uint8_t* p = call.ptr(call.u32(0), len);
  if (!p) return kFault;
  while (len > 0) {
    ssize_t n = ::getrandom(p, len, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    p += n;
    len -= uint32_t(n);
  }
  return kSuccess;
}

}  // namespace

void register_clocks_random(Registry& r) {
  r.add("clock_res_get", "ii", clock_res_get);
  r.add("clock_time_get", "iIi", clock_time_get);
  r.add("random_get", "ii", random_get);
}

}  // namespace lvm::wasi
